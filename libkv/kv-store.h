/* kv-store.h — KvStore: a handle on a key-value store, and every operation on it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <glib-object.h>
#include <libkv/kv-version-macros.h>
#include <libkv/kv-options.h>

G_BEGIN_DECLS

/**
 * KV_MAX_KEY_LENGTH:
 *
 * The longest key in bytes (LMDB's default key limit). Keys are non-empty
 * UTF-8 without NUL bytes.
 *
 * Since: 1.0
 */
#define KV_MAX_KEY_LENGTH 511
/**
 * KV_MAX_VALUE_SIZE:
 *
 * The largest stored value in bytes: 64 MiB, so every value fits a JSONL line.
 *
 * Since: 1.0
 */
#define KV_MAX_VALUE_SIZE (64u * 1024u * 1024u)

/*
 * Values.
 *
 * In %KV_SERIALIZATION_JSON mode a value passed in is JSON text; libkv stores
 * its canonical form (see kv_json_canonicalize()) and hands back canonical
 * text. In %KV_SERIALIZATION_STRING mode value bytes are stored as given.
 * Every #GBytes libkv returns is followed in memory by a NUL byte that its size
 * does not count, so its data may be read as a C string when the value holds
 * no NUL itself. Returned #GBytes are the caller's (transfer full) and stay
 * valid after the store is closed.
 *
 * Arrays.
 *
 * Every #GPtrArray libkv hands out frees its own elements: g_ptr_array_unref()
 * releases the array and what it holds. That is why such arrays are annotated
 * `(transfer container)`: a binding that took the elements too would free them
 * twice.
 *
 * Threads.
 *
 * Every function here may be called from any thread at the same time as any
 * other, on one handle or on several; operations on one key are linearizable.
 */

/**
 * KvStore:
 *
 * A handle on a key-value store: every operation of libkv takes one. Handles
 * are #GObject instances; several may share one store (see
 * kv_store_open_shared()). The store closes when its last handle is closed or
 * finalized.
 *
 * Since: 1.0
 */
#define KV_TYPE_STORE (kv_store_get_type ())
KV_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (KvStore, kv_store, KV, STORE, GObject)

/**
 * kv_set_thread_nonblocking:
 * @nonblocking: %TRUE: calls on this thread must not wait for other callers
 *
 * For callers that run an event loop on this thread (the k6 binding runs
 * memory-store calls on a VU's loop). While set, a call made on this thread
 * that would wait for a lock another caller holds — a memory store's shard,
 * held for the length of a backup, a restore or a clear — or for a disk
 * store's commit fails at once with %G_IO_ERROR_WOULD_BLOCK and changes
 * nothing, so the caller can make it again on a thread that may wait. It
 * covers the single-key, batch and atomic operations, exists, size, the
 * claim-ref calls and, on a memory store, random key sampling; other calls
 * (ordered reads, snapshots) wait as usual. Disk store reads never wait for writers (LMDB readers see a snapshot).
 *
 * Returns: the previous setting of this thread
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_set_thread_nonblocking (gboolean nonblocking);

/**
 * kv_store_set_values_canonical:
 * @store: a handle
 * @canonical: %TRUE: JSON values passed on this handle are canonical already
 *
 * For bindings that encode values themselves (the k6 module): in json mode,
 * values passed to this handle's write calls are then stored exactly as
 * given, after the size check, without being parsed and rewritten; every
 * other handle keeps the checked path. Text that is not the
 * kv_json_canonicalize() form of itself would be stored as is and would then
 * not compare equal to the same value written elsewhere, so use it only with
 * an encoder tested against kv_json_canonicalize(). With the environment
 * variable `LIBKV_CHECK_CANONICAL=1` such values are checked anyway and
 * refused with %KV_ERROR_SERIALIZER when they differ (for test suites).
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_set_values_canonical (KvStore *store, gboolean canonical);

/**
 * kv_store_open:
 * @options: (nullable): options, or %NULL for the defaults
 * @error: return location for a #GError, or %NULL
 *
 * Opens a store of its own: nothing is shared with other handles. Opening a
 * disk store creates its file (and a missing directory) unless it is opened
 * read-only.
 *
 * Returns: (transfer full) (nullable): a new handle, or %NULL with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvStore *kv_store_open (const KvOptions *options, GError **error);

/**
 * kv_store_open_shared:
 * @options: (nullable): options, or %NULL for the defaults
 * @error: return location for a #GError, or %NULL
 *
 * Returns a new handle on the process-wide store, as openKv() does. The first
 * successful call fixes the configuration for the life of the process; later
 * calls with options that are not kv_options_equal() fail with
 * %KV_ERROR_KV_OPTIONS_CONFLICT, even after every handle was closed. The store
 * stays open while any handle on it is open and closes with the last one.
 *
 * Returns: (transfer full) (nullable): a new handle, or %NULL with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvStore *kv_store_open_shared (const KvOptions *options, GError **error);

/**
 * kv_store_close:
 * @store: a #KvStore
 *
 * Closes this handle; idempotent. Later calls on it fail with
 * %KV_ERROR_STORE_CLOSED. Calls already running finish normally. The store
 * itself closes when its last handle closes (or is finalized).
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_close (KvStore *store);

/**
 * kv_store_is_closed:
 * @store: a #KvStore
 *
 * Tells whether kv_store_close() was called on this handle.
 *
 * Returns: %TRUE if @store is closed
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_is_closed (KvStore *store);

/**
 * kv_store_get_options:
 * @store: a #KvStore
 *
 * Gets the options the store was opened with.
 *
 * Returns: (transfer none): the store's options, valid as long as @store
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
const KvOptions *kv_store_get_options (KvStore *store);

/**
 * kv_store_get:
 * @store: a #KvStore
 * @key: the key: non-empty UTF-8 of at most %KV_MAX_KEY_LENGTH bytes
 * @error: return location for a #GError, or %NULL
 *
 * Reads the value of @key, in stored form.
 *
 * Returns: (transfer full) (nullable): the value of @key, or %NULL with
 *   %KV_ERROR_KEY_NOT_FOUND when it is missing
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GBytes *kv_store_get (KvStore *store, const char *key, GError **error);

/**
 * kv_store_get_many:
 * @store: a #KvStore
 * @keys: (array length=n_keys): keys to read; duplicates allowed, an empty key reads as missing
 * @n_keys: the number of @keys
 * @item_errors: (out) (optional) (nullable) (element-type KvItemError) (transfer container): on
 *   failure with %KV_ERROR_INVALID_OPTIONS, what was wrong with which key; not set otherwise
 * @error: return location for a #GError, or %NULL
 *
 * Reads many keys in one call. The memory backend reads each key under its
 * shard lock; there is no cross-key snapshot.
 *
 * Returns: (transfer container) (element-type GBytes) (nullable): an array of
 *   @n_keys values in input order, %NULL where the key is missing; %NULL
 *   with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_get_many (KvStore *store, const char *const *keys, gsize n_keys,
                              GPtrArray **item_errors, GError **error);

/**
 * kv_store_exists:
 * @store: a #KvStore
 * @key: the key: non-empty UTF-8 of at most %KV_MAX_KEY_LENGTH bytes
 * @out_exists: (out) (optional): whether @key exists
 * @error: return location for a #GError, or %NULL
 *
 * Tells whether @key exists, without copying its value.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_exists (KvStore *store, const char *key,
                                                    gboolean *out_exists, GError **error);

/**
 * kv_store_set:
 * @store: a #KvStore
 * @key: the key: non-empty UTF-8 of at most %KV_MAX_KEY_LENGTH bytes
 * @value: (array length=value_len) (element-type guint8): the value: JSON text in json
 *   serialization, any bytes in string serialization
 * @value_len: length of @value in bytes, at most %KV_MAX_VALUE_SIZE once stored
 * @error: return location for a #GError, or %NULL
 *
 * Stores @value at @key, replacing any value it had. In json serialization
 * @value must be JSON text (else %KV_ERROR_SERIALIZER) and its canonical form
 * is stored. On a disk store the write is durable when the call returns.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_set (KvStore *store, const char *key, const char *value,
                                                 gsize value_len, GError **error);

/**
 * kv_store_set_many:
 * @store: a #KvStore
 * @keys: (array length=n): keys, non-empty
 * @values: (array length=n): values, as for kv_store_set()
 * @value_lens: (array length=n): value lengths
 * @n: the number of entries
 * @item_errors: (out) (optional) (nullable) (element-type KvItemError) (transfer container): on
 *   %KV_ERROR_INVALID_OPTIONS, one item per bad entry; not set otherwise
 * @error: return location for a #GError, or %NULL
 *
 * All-or-nothing validation: every key and value is checked (and canonicalized)
 * before the first write; if any fails nothing is written. Later keys win over
 * earlier duplicates. The entries are written in one transaction.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_set_many (KvStore *store, const char *const *keys,
                                                      const char *const *values,
                                                      const gsize *value_lens, gsize n,
                                                      GPtrArray **item_errors, GError **error);

/**
 * kv_store_delete:
 * @store: a #KvStore
 * @key: the key: non-empty UTF-8 of at most %KV_MAX_KEY_LENGTH bytes
 * @error: return location for a #GError, or %NULL
 *
 * Deletes @key and any claim on it. Deleting a missing key succeeds.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_delete (KvStore *store, const char *key,
                                                    GError **error);

/**
 * kv_store_delete_many:
 * @store: a #KvStore
 * @keys: (array length=n): keys to delete
 * @n: the number of @keys
 * @out_deleted: (out) (optional): keys that existed and were deleted
 * @out_missing: (out) (optional): keys that were already missing
 * @item_errors: (out) (optional) (nullable) (element-type KvItemError) (transfer container): on
 *   %KV_ERROR_INVALID_OPTIONS, one item per bad key; not set otherwise
 * @error: return location for a #GError, or %NULL
 *
 * Validates every key first (none empty); then deletes in input order.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_delete_many (KvStore *store, const char *const *keys,
                                                         gsize n, guint64 *out_deleted,
                                                         guint64 *out_missing,
                                                         GPtrArray **item_errors, GError **error);

/**
 * kv_store_clear:
 * @store: a #KvStore
 * @error: return location for a #GError, or %NULL
 *
 * Deletes every key of the store, and every claim.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_clear (KvStore *store, GError **error);

/**
 * kv_store_size:
 * @store: a #KvStore
 * @out_size: (out) (optional): the number of keys in the store
 * @error: return location for a #GError, or %NULL
 *
 * Counts the store's keys.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_size (KvStore *store, guint64 *out_size,
                                                  GError **error);

/**
 * kv_store_increment_by:
 * @store: a #KvStore
 * @key: the key: non-empty UTF-8 of at most %KV_MAX_KEY_LENGTH bytes
 * @delta: what to add; may be negative
 * @out_value: (out) (optional): the new value
 * @error: return location for a #GError, or %NULL
 *
 * Adds @delta to the 64-bit integer stored at @key (a missing key counts as
 * 0) and stores the result as a JSON integer. A stored value that is not an
 * integer (or a JSON string holding one), or a sum that overflows, fails with
 * %KV_ERROR_VALUE_PARSE and leaves the value unchanged.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_increment_by (KvStore *store, const char *key,
                                                          gint64 delta, gint64 *out_value,
                                                          GError **error);

/**
 * kv_store_get_or_set:
 * @store: a #KvStore
 * @key: the key: non-empty UTF-8 of at most %KV_MAX_KEY_LENGTH bytes
 * @value: (array length=value_len) (element-type guint8): the value: JSON text in json
 *   serialization, any bytes in string serialization
 * @value_len: length of @value in bytes, at most %KV_MAX_VALUE_SIZE once stored
 * @out_loaded: (out) (optional): %TRUE if the key existed
 * @error: return location for a #GError, or %NULL
 *
 * Reads @key, storing @value first if it is missing, atomically.
 *
 * Returns: (transfer full) (nullable): the existing value, or the stored @value
 *   in stored form; %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GBytes *kv_store_get_or_set (KvStore *store, const char *key, const char *value, gsize value_len,
                             gboolean *out_loaded, GError **error);

/**
 * kv_store_swap:
 * @store: a #KvStore
 * @key: the key: non-empty UTF-8 of at most %KV_MAX_KEY_LENGTH bytes
 * @value: (array length=value_len) (element-type guint8): the value: JSON text in json
 *   serialization, any bytes in string serialization
 * @value_len: length of @value in bytes, at most %KV_MAX_VALUE_SIZE once stored
 * @out_previous: (out) (optional) (transfer full) (nullable): the replaced value, %NULL if
 *   the key was missing
 * @error: return location for a #GError, or %NULL
 *
 * Stores @value at @key and hands back what it replaced, atomically.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_swap (KvStore *store, const char *key,
                                                  const char *value, gsize value_len,
                                                  GBytes **out_previous, GError **error);

/**
 * kv_store_compare_and_swap:
 * @store: a #KvStore
 * @key: the key: non-empty UTF-8 of at most %KV_MAX_KEY_LENGTH bytes
 * @expected: (nullable) (array length=expected_len) (element-type guint8): the value the
 *   key must hold, or %NULL for "the key must be missing"
 * @expected_len: length of @expected in bytes
 * @value: (array length=value_len) (element-type guint8): the value: JSON text in json
 *   serialization, any bytes in string serialization
 * @value_len: length of @value in bytes, at most %KV_MAX_VALUE_SIZE once stored
 * @out_swapped: (out): whether @value was stored
 * @out_existed: (out) (optional): on mismatch, whether the key existed
 * @out_current: (out) (optional) (transfer full) (nullable): on mismatch, the current value
 * @error: return location for a #GError, or %NULL
 *
 * Stores @value at @key if the key holds @expected, atomically. Values are
 * compared in stored form (canonical JSON in json mode), so `{"a":1,"b":2}`
 * matches `{"b":2,"a":1}`. A mismatch is not an error.
 *
 * Returns: %TRUE on success (swapped or not), %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_compare_and_swap (
    KvStore *store, const char *key, const char *expected, gsize expected_len, const char *value,
    gsize value_len, gboolean *out_swapped, gboolean *out_existed, GBytes **out_current,
    GError **error);

/**
 * kv_store_set_if_absent:
 * @store: a #KvStore
 * @key: the key: non-empty UTF-8 of at most %KV_MAX_KEY_LENGTH bytes
 * @value: (array length=value_len) (element-type guint8): the value: JSON text in json
 *   serialization, any bytes in string serialization
 * @value_len: length of @value in bytes, at most %KV_MAX_VALUE_SIZE once stored
 * @out_set: (out) (optional): whether @value was stored
 * @error: return location for a #GError, or %NULL
 *
 * Stores @value at @key only if the key is missing: compare-and-swap against
 * a missing key.
 *
 * Returns: %TRUE on success (stored or not), %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_set_if_absent (KvStore *store, const char *key,
                                                           const char *value, gsize value_len,
                                                           gboolean *out_set, GError **error);

/**
 * kv_store_delete_if_exists:
 * @store: a #KvStore
 * @key: the key: non-empty UTF-8 of at most %KV_MAX_KEY_LENGTH bytes
 * @out_deleted: (out) (optional): whether @key existed and was deleted
 * @error: return location for a #GError, or %NULL
 *
 * Deletes @key and says whether it was there, atomically.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_delete_if_exists (KvStore *store, const char *key,
                                                              gboolean *out_deleted,
                                                              GError **error);

/**
 * kv_store_compare_and_delete:
 * @store: a #KvStore
 * @key: the key: non-empty UTF-8 of at most %KV_MAX_KEY_LENGTH bytes
 * @expected: (array length=expected_len) (element-type guint8): the value the key must
 *   hold (not %NULL: JSON `null` is the text "null")
 * @expected_len: length of @expected in bytes
 * @out_deleted: (out): whether the key matched and was deleted
 * @out_existed: (out) (optional): on mismatch, whether the key existed
 * @out_current: (out) (optional) (transfer full) (nullable): on mismatch, the current value
 * @error: return location for a #GError, or %NULL
 *
 * Like kv_store_compare_and_swap() but deletes on a match.
 *
 * Returns: %TRUE on success (deleted or not), %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_compare_and_delete (
    KvStore *store, const char *key, const char *expected, gsize expected_len,
    gboolean *out_deleted, gboolean *out_existed, GBytes **out_current, GError **error);

/* ---- Order, paging, sampling ----------------------------------------------------------------
 *
 * Keys are ordered bytewise (memcmp, a shorter key before its extensions) on
 * every backend. A @prefix of %NULL or "" matches every key. A @limit of 0 or
 * less means "no limit"; a positive limit above the operation's cap fails with
 * %KV_ERROR_INVALID_OPTIONS.
 */

/**
 * KV_LIST_LIMIT_MAX:
 *
 * The cap on a positive list()/listKeys() limit (kv_store_list(),
 * kv_store_list_keys()).
 *
 * Since: 1.0
 */
#define KV_LIST_LIMIT_MAX 250000
/**
 * KV_SCAN_LIMIT_MAX:
 *
 * The cap on a positive scan()/scanKeys() page size (kv_store_scan(),
 * kv_store_scan_keys()).
 *
 * Since: 1.0
 */
#define KV_SCAN_LIMIT_MAX 100000
/**
 * KV_DELETE_BY_PREFIX_LIMIT_MAX:
 *
 * The cap on deleteByPrefix()'s limit (kv_store_delete_by_prefix()).
 *
 * Since: 1.0
 */
#define KV_DELETE_BY_PREFIX_LIMIT_MAX 100000
/**
 * KV_RANDOM_KEYS_COUNT_MAX:
 *
 * The cap on randomKeys()'s count (kv_store_random_keys()).
 *
 * Since: 1.0
 */
#define KV_RANDOM_KEYS_COUNT_MAX 1000000

/**
 * kv_store_list:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @limit: at most this many entries (0 or less: all; positive up to %KV_LIST_LIMIT_MAX)
 * @error: return location for a #GError, or %NULL
 *
 * Lists matching entries in key order.
 *
 * Returns: (transfer container) (element-type KvEntry) (nullable): matching entries in key order;
 *   %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_list (KvStore *store, const char *prefix, gint64 limit, GError **error);

/**
 * kv_store_list_keys:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @limit: at most this many keys (0 or less: all; positive up to %KV_LIST_LIMIT_MAX)
 * @error: return location for a #GError, or %NULL
 *
 * Lists matching keys, like kv_store_list() without the values.
 *
 * Returns: (transfer container) (element-type utf8) (nullable): matching keys in order;
 *   %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_list_keys (KvStore *store, const char *prefix, gint64 limit, GError **error);

/**
 * kv_store_scan:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @cursor: (nullable): %NULL or "" to start, else a cursor a previous page returned for
 *   the same @prefix
 * @limit: page size (0 or less: the rest in one page)
 * @out_entries: (out) (transfer container) (element-type KvEntry): this page
 * @out_cursor: (out) (transfer full): the cursor for the next page; "" on the last page
 *   (when @out_done), as in xk6-kv
 * @out_done: (out): %TRUE when no matching key follows this page
 * @error: return location for a #GError, or %NULL
 *
 * A page of entries strictly after the cursor. Cursors are opaque, encode the
 * last key returned and the prefix, and are not snapshots: keys inserted or
 * deleted between pages may or may not appear, but a key present throughout
 * the scan is returned exactly once. A cursor that does not decode, or was made
 * for another prefix, fails with %KV_ERROR_INVALID_CURSOR.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_scan (KvStore *store, const char *prefix,
                                                  const char *cursor, gint64 limit,
                                                  GPtrArray **out_entries, char **out_cursor,
                                                  gboolean *out_done, GError **error);

/**
 * kv_store_scan_keys:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @cursor: (nullable): %NULL or "" to start, else a cursor a previous page returned for
 *   the same @prefix
 * @limit: page size (0 or less: the rest in one page)
 * @out_keys: (out) (transfer container) (element-type utf8): this page
 * @out_cursor: (out) (transfer full): the cursor for the next page; "" on the last page
 * @out_done: (out): %TRUE when no matching key follows this page
 * @error: return location for a #GError, or %NULL
 *
 * Like kv_store_scan() with keys only.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_scan_keys (KvStore *store, const char *prefix,
                                                       const char *cursor, gint64 limit,
                                                       GPtrArray **out_keys, char **out_cursor,
                                                       gboolean *out_done, GError **error);

/**
 * kv_store_count:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @out_count: (out) (optional): the number of matching keys
 * @error: return location for a #GError, or %NULL
 *
 * Counts the keys matching @prefix.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_count (KvStore *store, const char *prefix,
                                                   guint64 *out_count, GError **error);

/**
 * kv_store_delete_by_prefix:
 * @store: a #KvStore
 * @prefix: non-empty
 * @limit: 1 .. %KV_DELETE_BY_PREFIX_LIMIT_MAX keys at most
 * @out_deleted: (out) (optional): how many keys were deleted
 * @out_done: (out) (optional): %TRUE when no key with @prefix remains
 * @error: return location for a #GError, or %NULL
 *
 * Deletes the first @limit keys with @prefix in key order; call it again
 * until @out_done to delete them all.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_delete_by_prefix (KvStore *store, const char *prefix,
                                                              gint64 limit, guint64 *out_deleted,
                                                              gboolean *out_done, GError **error);

/**
 * kv_store_random_key:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @out_key: (out) (transfer full) (nullable): a key chosen uniformly among the
 *   matching keys, or %NULL when none match (not an error)
 * @error: return location for a #GError, or %NULL
 *
 * Picks a random key.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_random_key (KvStore *store, const char *prefix,
                                                        char **out_key, GError **error);

/**
 * kv_store_random_keys:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @count: 1 .. %KV_RANDOM_KEYS_COUNT_MAX
 * @unique: without repetition; if fewer keys match, all of them in random order
 * @error: return location for a #GError, or %NULL
 *
 * Picks @count keys, each uniformly among the matching keys.
 *
 * Returns: (transfer container) (element-type utf8) (nullable): the keys (none when
 *   none match); %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_random_keys (KvStore *store, const char *prefix, gint64 count, gboolean unique,
                                 GError **error);

/**
 * kv_store_rebuild_key_list:
 * @store: a #KvStore
 * @error: return location for a #GError, or %NULL
 *
 * Rebuilds the ordered key index of a store opened with trackKeys (a no-op
 * without it) from the data itself.
 *
 * Returns: %TRUE on success, %FALSE with @error set (%KV_ERROR_KEY_LIST_REBUILD)
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_rebuild_key_list (KvStore *store, GError **error);

G_END_DECLS
