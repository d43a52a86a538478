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

/** KV_MAX_KEY_LENGTH: longest key in bytes (LMDB's default key limit); keys are non-empty UTF-8. */
#define KV_MAX_KEY_LENGTH 511
/** KV_MAX_VALUE_SIZE: largest stored value in bytes: 64 MiB, so every value fits a JSONL line. */
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
 * Threads.
 *
 * Every function here may be called from any thread at the same time as any
 * other, on one handle or on several; operations on one key are linearizable.
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
 * Returns: the previous setting
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
 */
KV_AVAILABLE_IN_1_0
void kv_store_set_values_canonical (KvStore *store, gboolean canonical);

/**
 * kv_store_open:
 * @options: (nullable): options, or %NULL for the defaults
 *
 * Opens a store of its own: nothing is shared with other handles.
 *
 * Returns: (transfer full) (nullable): a new handle, or %NULL with @error set
 */
KV_AVAILABLE_IN_1_0
KvStore *kv_store_open (const KvOptions *options, GError **error);

/**
 * kv_store_open_shared:
 * @options: (nullable): options, or %NULL for the defaults
 *
 * Returns a new handle on the process-wide store, as openKv() does. The first
 * successful call fixes the configuration for the life of the process; later
 * calls with options that are not kv_options_equal() fail with
 * %KV_ERROR_KV_OPTIONS_CONFLICT, even after every handle was closed. The store
 * stays open while any handle on it is open and closes with the last one.
 *
 * Returns: (transfer full) (nullable): a new handle, or %NULL with @error set
 */
KV_AVAILABLE_IN_1_0
KvStore *kv_store_open_shared (const KvOptions *options, GError **error);

/**
 * kv_store_close:
 *
 * Closes this handle; idempotent. Later calls on it fail with
 * %KV_ERROR_STORE_CLOSED. Calls already running finish normally. The store
 * itself closes when its last handle closes (or is finalized).
 */
KV_AVAILABLE_IN_1_0
void kv_store_close (KvStore *store);

KV_AVAILABLE_IN_1_0
gboolean kv_store_is_closed (KvStore *store);

/** kv_store_get_options: Returns: (transfer none): the store's options, valid as long as @store */
KV_AVAILABLE_IN_1_0
const KvOptions *kv_store_get_options (KvStore *store);

/**
 * kv_store_get:
 *
 * Returns: (transfer full) (nullable): the value of @key, or %NULL with
 *   %KV_ERROR_KEY_NOT_FOUND when it is missing
 */
KV_AVAILABLE_IN_1_0
GBytes *kv_store_get (KvStore *store, const char *key, GError **error);

/**
 * kv_store_get_many:
 * @keys: (array length=n_keys): keys to read; duplicates allowed, an empty key reads as missing
 * @item_errors: (out) (optional) (element-type KvItemError) (transfer full): on failure, what was wrong with which key
 *
 * Reads many keys in one call. The memory backend reads each key under its
 * shard lock; there is no cross-key snapshot.
 *
 * Returns: (transfer full) (element-type GBytes) (nullable): an array of
 *   @n_keys values in input order, %NULL where the key is missing
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_get_many (KvStore *store, const char *const *keys, gsize n_keys,
                              GPtrArray **item_errors, GError **error);

KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_exists (KvStore *store, const char *key,
                                                    gboolean *out_exists, GError **error);

KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_set (KvStore *store, const char *key,
                                                 const char *value, gsize value_len,
                                                 GError **error);

/**
 * kv_store_set_many:
 * @keys: (array length=n): keys, non-empty
 * @values: (array length=n): values
 * @value_lens: (array length=n): value lengths
 * @item_errors: (out) (optional) (element-type KvItemError) (transfer full): on
 *   %KV_ERROR_INVALID_OPTIONS, one item per bad entry
 *
 * All-or-nothing validation: every key and value is checked (and canonicalized)
 * before the first write; if any fails nothing is written. Later keys win over
 * earlier duplicates.
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_set_many (KvStore *store, const char *const *keys,
                                                      const char *const *values,
                                                      const gsize *value_lens, gsize n,
                                                      GPtrArray **item_errors, GError **error);

/** kv_store_delete: deleting a missing key succeeds. */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_delete (KvStore *store, const char *key,
                                                    GError **error);

/**
 * kv_store_delete_many:
 * @out_deleted: (out) (optional): keys that existed and were deleted
 * @out_missing: (out) (optional): keys that were already missing
 *
 * Validates every key first (none empty); then deletes in input order.
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_delete_many (KvStore *store, const char *const *keys,
                                                         gsize n, guint64 *out_deleted,
                                                         guint64 *out_missing,
                                                         GPtrArray **item_errors,
                                                         GError **error);

KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_clear (KvStore *store, GError **error);

KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_size (KvStore *store, guint64 *out_size,
                                                  GError **error);

/**
 * kv_store_increment_by:
 * @out_value: (out) (optional): the new value
 *
 * Adds @delta to the 64-bit integer stored at @key (a missing key counts as
 * 0) and stores the result as a JSON integer. A stored value that is not an
 * integer (or a JSON string holding one), or a sum that overflows, fails with
 * %KV_ERROR_VALUE_PARSE and leaves the value unchanged.
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_increment_by (KvStore *store, const char *key,
                                                          gint64 delta, gint64 *out_value,
                                                          GError **error);

/**
 * kv_store_get_or_set:
 * @out_loaded: (out) (optional): %TRUE if the key existed
 *
 * Returns: (transfer full) (nullable): the existing value, or the stored @value
 */
KV_AVAILABLE_IN_1_0
GBytes *kv_store_get_or_set (KvStore *store, const char *key, const char *value,
                             gsize value_len, gboolean *out_loaded, GError **error);

/**
 * kv_store_swap:
 * @out_previous: (out) (optional) (transfer full) (nullable): the replaced value, %NULL if the key was missing
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_swap (KvStore *store, const char *key,
                                                  const char *value, gsize value_len,
                                                  GBytes **out_previous, GError **error);

/**
 * kv_store_compare_and_swap:
 * @expected: (nullable): the value the key must hold, or %NULL for "the key must be missing"
 * @out_swapped: (out): whether @value was stored
 * @out_existed: (out) (optional): on mismatch, whether the key existed
 * @out_current: (out) (optional) (transfer full) (nullable): on mismatch, the current value
 *
 * Values are compared in stored form (canonical JSON in json mode), so
 * `{"a":1,"b":2}` matches `{"b":2,"a":1}`.
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_compare_and_swap (KvStore *store, const char *key,
                                                              const char *expected,
                                                              gsize expected_len,
                                                              const char *value, gsize value_len,
                                                              gboolean *out_swapped,
                                                              gboolean *out_existed,
                                                              GBytes **out_current,
                                                              GError **error);

/** kv_store_set_if_absent: compare-and-swap against a missing key. */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_set_if_absent (KvStore *store, const char *key,
                                                           const char *value, gsize value_len,
                                                           gboolean *out_set, GError **error);

KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_delete_if_exists (KvStore *store, const char *key,
                                                              gboolean *out_deleted,
                                                              GError **error);

/**
 * kv_store_compare_and_delete:
 * @expected: the value the key must hold (not %NULL: JSON `null` is the text "null")
 *
 * Like kv_store_compare_and_swap() but deletes on a match.
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_compare_and_delete (KvStore *store, const char *key,
                                                                const char *expected,
                                                                gsize expected_len,
                                                                gboolean *out_deleted,
                                                                gboolean *out_existed,
                                                                GBytes **out_current,
                                                                GError **error);

/* ---- Order, paging, sampling ----------------------------------------------------------------
 *
 * Keys are ordered bytewise (memcmp, a shorter key before its extensions) on
 * every backend. A @prefix of %NULL or "" matches every key. A @limit of 0 or
 * less means "no limit"; a positive limit above the operation's cap fails with
 * %KV_ERROR_INVALID_OPTIONS.
 */

/** KV_LIST_LIMIT_MAX: cap on a positive list()/listKeys() limit. */
#define KV_LIST_LIMIT_MAX 250000
/** KV_SCAN_LIMIT_MAX: cap on a positive scan()/scanKeys() page size. */
#define KV_SCAN_LIMIT_MAX 100000
/** KV_DELETE_BY_PREFIX_LIMIT_MAX: cap on deleteByPrefix()'s limit. */
#define KV_DELETE_BY_PREFIX_LIMIT_MAX 100000
/** KV_RANDOM_KEYS_COUNT_MAX: cap on randomKeys()'s count. */
#define KV_RANDOM_KEYS_COUNT_MAX 1000000

/**
 * kv_store_list:
 *
 * Returns: (transfer full) (element-type KvEntry) (nullable): matching entries in key order
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_list (KvStore *store, const char *prefix, gint64 limit, GError **error);

/**
 * kv_store_list_keys:
 *
 * Returns: (transfer full) (element-type utf8) (nullable): matching keys in order
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_list_keys (KvStore *store, const char *prefix, gint64 limit, GError **error);

/**
 * kv_store_scan:
 * @cursor: (nullable): %NULL or "" to start, else a cursor a previous page returned for the same @prefix
 * @limit: page size (0 or less: the rest in one page)
 * @out_entries: (out) (transfer full) (element-type KvEntry): this page
 * @out_cursor: (out) (transfer full): the cursor for the next page; "" on the last page (when @out_done), as in xk6-kv
 * @out_done: (out): %TRUE when no matching key follows this page
 *
 * A page of entries strictly after the cursor. Cursors are opaque, encode the
 * last key returned and the prefix, and are not snapshots: keys inserted or
 * deleted between pages may or may not appear, but a key present throughout
 * the scan is returned exactly once. A cursor that does not decode, or was made
 * for another prefix, fails with %KV_ERROR_INVALID_CURSOR.
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_scan (KvStore *store, const char *prefix,
                                                  const char *cursor, gint64 limit,
                                                  GPtrArray **out_entries, char **out_cursor,
                                                  gboolean *out_done, GError **error);

/** kv_store_scan_keys: like kv_store_scan() with keys only (@out_keys: (element-type utf8)). */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_scan_keys (KvStore *store, const char *prefix,
                                                       const char *cursor, gint64 limit,
                                                       GPtrArray **out_keys, char **out_cursor,
                                                       gboolean *out_done, GError **error);

/** kv_store_count: keys matching @prefix (all keys for %NULL or ""). */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_count (KvStore *store, const char *prefix,
                                                   guint64 *out_count, GError **error);

/**
 * kv_store_delete_by_prefix:
 * @prefix: non-empty
 * @limit: 1 .. %KV_DELETE_BY_PREFIX_LIMIT_MAX keys at most
 * @out_done: (out) (optional): %TRUE when no key with @prefix remains
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_delete_by_prefix (KvStore *store, const char *prefix,
                                                              gint64 limit, guint64 *out_deleted,
                                                              gboolean *out_done, GError **error);

/**
 * kv_store_random_key:
 * @out_key: (out) (transfer full) (nullable): a key chosen uniformly among the
 *   matching keys, or %NULL when none match (not an error)
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_random_key (KvStore *store, const char *prefix,
                                                        char **out_key, GError **error);

/**
 * kv_store_random_keys:
 * @count: 1 .. %KV_RANDOM_KEYS_COUNT_MAX
 * @unique: without repetition; if fewer keys match, all of them in random order
 *
 * Returns: (transfer full) (element-type utf8) (nullable): the keys
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_random_keys (KvStore *store, const char *prefix, gint64 count,
                                 gboolean unique, GError **error);

/**
 * kv_store_rebuild_key_list:
 *
 * Rebuilds the ordered key index of a store opened with trackKeys (a no-op
 * without it) from the data itself.
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_rebuild_key_list (KvStore *store, GError **error);

/**
 * kv_store_dup_stats_json:
 *
 * A diagnostic snapshot in the shape of the JS API's `KVStats` (`backend`,
 * `serialization`, `trackKeys`, `count`, `claims`, `index`, `disk`, plus
 * backend details under `memory`/`lmdb`).
 *
 * Returns: (transfer full) (nullable): canonical JSON text; g_free() it
 */
KV_AVAILABLE_IN_1_0
char *kv_store_dup_stats_json (KvStore *store, GError **error);

G_END_DECLS
