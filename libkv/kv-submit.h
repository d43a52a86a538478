/* kv-submit.h — writes that are submitted now and completed later.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <libkv/kv-store.h>
#include <libkv/kv-claim.h>

G_BEGIN_DECLS

/*
 * Submitted writes.
 *
 * A durable write on a disk store returns only after its group commit's
 * fsync, so a caller that waits for it spends a thread on nothing. Each
 * kv_store_*_submit() function below takes the same arguments as its
 * blocking twin, checks them, queues the write and returns at once; when the
 * write is durable (or has failed) @callback runs, once, and the matching
 * kv_store_*_finish() turns the #KvResult into exactly what the blocking call
 * would have returned. This is GIO's _async/_finish pair without a main
 * context: a binding with its own event loop (k6's) decides where results go.
 *
 * @callback runs on a libkv thread (the store's writer thread) or, when the
 * write finishes at once (bad arguments, a closed handle, a memory store),
 * on the submitting thread before the submit function returns. It must be
 * quick and must not call into the store: hand @result on to a queue and
 * return. The callback owns one reference to @result and drops it with
 * kv_result_unref() when it (or whoever it handed the result to) is done;
 * dropping it on another thread than the writer's keeps the store's last
 * reference, and so its closing, off that thread.
 *
 * A write's effect and ordering are those of its blocking twin: it is
 * linearizable with every other operation on its key, and it is visible to
 * readers by the time @callback runs.
 */

/**
 * KvResult:
 *
 * The outcome of one submitted write; opaque, reference counted, thread-safe.
 * Hand it to the `_finish` function of the call that made it.
 *
 * Since: 1.0
 */
typedef struct _KvResult KvResult;

/**
 * KvResultFunc:
 * @result: (transfer full): the completed write
 * @user_data: (closure): the data given at submission
 *
 * Called once per submitted write, on a libkv thread or, when the write
 * finished at once, on the submitting thread; see the introduction of
 * kv-submit.h. It must be quick and must not call into the store.
 *
 * Since: 1.0
 */
typedef void (*KvResultFunc) (KvResult *result, gpointer user_data);

#define KV_TYPE_RESULT (kv_result_get_type ())
KV_AVAILABLE_IN_1_0
GType kv_result_get_type (void) G_GNUC_CONST;

/**
 * kv_result_ref:
 * @result: a result
 *
 * Takes a reference on @result.
 *
 * Returns: (transfer full): @result
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvResult *kv_result_ref (KvResult *result);

/**
 * kv_result_unref:
 * @result: (transfer full): a result
 *
 * Drops a reference on @result; the last one frees it.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_result_unref (KvResult *result);

/**
 * kv_result_propagate_error:
 * @result: a completed result of any submitted write
 * @error: return location for a #GError, or %NULL
 *
 * For callers that only need to know whether a write succeeded (what
 * kv_store_set_finish() and kv_store_delete_finish() report).
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_result_propagate_error (KvResult *result, GError **error);

/**
 * kv_store_set_submit:
 * @store: a #KvStore
 * @key: the key
 * @value: (array length=value_len) (element-type guint8): the value
 * @value_len: length of @value in bytes
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_set(): checks the arguments, queues the write and returns at once; @callback
 * runs when it is durable or has failed. Finish with kv_store_set_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_set_submit (KvStore *store, const char *key, const char *value, gsize value_len,
                          KvResultFunc callback, gpointer user_data);
/**
 * kv_store_set_finish:
 * @result: the #KvResult handed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_set_submit() into what kv_store_set() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_set_finish (KvResult *result, GError **error);

/**
 * kv_store_set_many_submit:
 * @store: a #KvStore
 * @keys: (array length=n): the keys; copied before the call returns
 * @values: (array length=n): the values; copied before the call returns
 * @value_lens: (array length=n): the value lengths
 * @n: the number of entries
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_set_many(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_set_many_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_set_many_submit (KvStore *store, const char *const *keys, const char *const *values,
                               const gsize *value_lens, gsize n, KvResultFunc callback,
                               gpointer user_data);
/**
 * kv_store_set_many_finish:
 * @result: the #KvResult handed to the callback
 * @item_errors: (out) (optional) (nullable) (transfer container) (element-type KvItemError): on a
 *   refused batch, one item per bad entry; not set otherwise
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_set_many_submit() into what kv_store_set_many() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_set_many_finish (KvResult *result, GPtrArray **item_errors, GError **error);

/**
 * kv_store_delete_many_submit:
 * @store: a #KvStore
 * @keys: (array length=n): the keys; copied before the call returns
 * @n: the number of @keys
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_delete_many(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_delete_many_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_delete_many_submit (KvStore *store, const char *const *keys, gsize n,
                                  KvResultFunc callback, gpointer user_data);
/**
 * kv_store_delete_many_finish:
 * @result: the #KvResult handed to the callback
 * @out_deleted: (out) (optional): keys that existed and were deleted
 * @out_missing: (out) (optional): keys that were already missing
 * @item_errors: (out) (optional) (nullable) (transfer container) (element-type KvItemError): on a
 *   refused batch, one item per bad entry; not set otherwise
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_delete_many_submit() into what kv_store_delete_many() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_delete_many_finish (KvResult *result, guint64 *out_deleted, guint64 *out_missing,
                                      GPtrArray **item_errors, GError **error);

/**
 * kv_store_delete_submit:
 * @store: a #KvStore
 * @key: the key
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_delete(): checks the arguments, queues the write and returns at once; @callback
 * runs when it is durable or has failed. Finish with kv_store_delete_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_delete_submit (KvStore *store, const char *key, KvResultFunc callback,
                             gpointer user_data);
/**
 * kv_store_delete_finish:
 * @result: the #KvResult handed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_delete_submit() into what kv_store_delete() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_delete_finish (KvResult *result, GError **error);

/**
 * kv_store_increment_by_submit:
 * @store: a #KvStore
 * @key: the key
 * @delta: what to add; may be negative
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_increment_by(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_increment_by_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_increment_by_submit (KvStore *store, const char *key, gint64 delta,
                                   KvResultFunc callback, gpointer user_data);
/**
 * kv_store_increment_by_finish:
 * @result: the #KvResult handed to the callback
 * @out_value: (out) (optional): the new value
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_increment_by_submit() into what kv_store_increment_by() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_increment_by_finish (KvResult *result, gint64 *out_value, GError **error);

/**
 * kv_store_get_or_set_submit:
 * @store: a #KvStore
 * @key: the key
 * @value: (array length=value_len) (element-type guint8): the value
 * @value_len: length of @value in bytes
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_get_or_set(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_get_or_set_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_get_or_set_submit (KvStore *store, const char *key, const char *value,
                                 gsize value_len, KvResultFunc callback, gpointer user_data);
/**
 * kv_store_get_or_set_finish:
 * @result: the #KvResult handed to the callback
 * @out_loaded: (out) (optional): %TRUE if the key existed
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_get_or_set_submit() into what kv_store_get_or_set() returns.
 *
 * Returns: (transfer full) (nullable): the existing value, or the stored one; %NULL
 *   with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GBytes *kv_store_get_or_set_finish (KvResult *result, gboolean *out_loaded, GError **error);

/**
 * kv_store_swap_submit:
 * @store: a #KvStore
 * @key: the key
 * @value: (array length=value_len) (element-type guint8): the value
 * @value_len: length of @value in bytes
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_swap(): checks the arguments, queues the write and returns at once; @callback
 * runs when it is durable or has failed. Finish with kv_store_swap_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_swap_submit (KvStore *store, const char *key, const char *value, gsize value_len,
                           KvResultFunc callback, gpointer user_data);
/**
 * kv_store_swap_finish:
 * @result: the #KvResult handed to the callback
 * @out_previous: (out) (optional) (transfer full) (nullable): the replaced value, %NULL if
 *   the key was missing
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_swap_submit() into what kv_store_swap() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_swap_finish (KvResult *result, GBytes **out_previous, GError **error);

/**
 * kv_store_compare_and_swap_submit:
 * @store: a #KvStore
 * @key: the key
 * @expected: (nullable) (array length=expected_len) (element-type guint8): the value the key must
 *   hold, or %NULL for "the key must be missing"
 * @expected_len: length of @expected in bytes
 * @value: (array length=value_len) (element-type guint8): the value
 * @value_len: length of @value in bytes
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_compare_and_swap(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_compare_and_swap_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_compare_and_swap_submit (KvStore *store, const char *key, const char *expected,
                                       gsize expected_len, const char *value, gsize value_len,
                                       KvResultFunc callback, gpointer user_data);
/**
 * kv_store_compare_and_swap_finish:
 * @result: the #KvResult handed to the callback
 * @out_swapped: (out): whether the value was stored
 * @out_existed: (out) (optional): on mismatch, whether the key existed
 * @out_current: (out) (optional) (transfer full) (nullable): on mismatch, the current value
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_compare_and_swap_submit() into what kv_store_compare_and_swap()
 * returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_compare_and_swap_finish (KvResult *result, gboolean *out_swapped,
                                           gboolean *out_existed, GBytes **out_current,
                                           GError **error);

/**
 * kv_store_set_if_absent_submit:
 * @store: a #KvStore
 * @key: the key
 * @value: (array length=value_len) (element-type guint8): the value
 * @value_len: length of @value in bytes
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_set_if_absent(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_set_if_absent_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_set_if_absent_submit (KvStore *store, const char *key, const char *value,
                                    gsize value_len, KvResultFunc callback, gpointer user_data);
/**
 * kv_store_set_if_absent_finish:
 * @result: the #KvResult handed to the callback
 * @out_set: (out) (optional): whether the value was stored
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_set_if_absent_submit() into what kv_store_set_if_absent() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_set_if_absent_finish (KvResult *result, gboolean *out_set, GError **error);

/**
 * kv_store_delete_if_exists_submit:
 * @store: a #KvStore
 * @key: the key
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_delete_if_exists(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_delete_if_exists_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_delete_if_exists_submit (KvStore *store, const char *key, KvResultFunc callback,
                                       gpointer user_data);
/**
 * kv_store_delete_if_exists_finish:
 * @result: the #KvResult handed to the callback
 * @out_deleted: (out) (optional): whether the key was deleted
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_delete_if_exists_submit() into what kv_store_delete_if_exists()
 * returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_delete_if_exists_finish (KvResult *result, gboolean *out_deleted, GError **error);

/**
 * kv_store_compare_and_delete_submit:
 * @store: a #KvStore
 * @key: the key
 * @expected: (array length=expected_len) (element-type guint8): the value the key must hold
 * @expected_len: length of @expected in bytes
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_compare_and_delete(): checks the arguments, queues the write and returns at
 * once; @callback runs when it is durable or has failed. Finish with
 * kv_store_compare_and_delete_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_compare_and_delete_submit (KvStore *store, const char *key, const char *expected,
                                         gsize expected_len, KvResultFunc callback,
                                         gpointer user_data);
/**
 * kv_store_compare_and_delete_finish:
 * @result: the #KvResult handed to the callback
 * @out_deleted: (out): whether the key matched and was deleted
 * @out_existed: (out) (optional): on mismatch, whether the key existed
 * @out_current: (out) (optional) (transfer full) (nullable): on mismatch, the current value
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_compare_and_delete_submit() into what kv_store_compare_and_delete()
 * returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_compare_and_delete_finish (KvResult *result, gboolean *out_deleted,
                                             gboolean *out_existed, GBytes **out_current,
                                             GError **error);

/**
 * kv_store_claim_key_submit:
 * @store: a #KvStore
 * @key: the key to claim
 * @owner: (nullable): diagnostic text naming the claimer
 * @ttl_ms: the lease in milliseconds, 0 for %KV_CLAIM_DEFAULT_TTL_MS
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_claim_key(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_claim_key_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_claim_key_submit (KvStore *store, const char *key, const char *owner, gint64 ttl_ms,
                                KvResultFunc callback, gpointer user_data);
/**
 * kv_store_claim_key_finish:
 * @result: the #KvResult handed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_claim_key_submit() into what kv_store_claim_key() returns.
 *
 * Returns: (transfer full) (nullable): the claim; %NULL without @error if the key is
 *   missing or claimed, %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvClaim *kv_store_claim_key_finish (KvResult *result, GError **error);

/**
 * kv_store_claim_random_submit:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @owner: (nullable): diagnostic text naming the claimer
 * @ttl_ms: the lease in milliseconds, 0 for %KV_CLAIM_DEFAULT_TTL_MS
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_claim_random(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_claim_random_finish().
 * On a disk store the key is chosen inside the write transaction that claims it.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_claim_random_submit (KvStore *store, const char *prefix, const char *owner,
                                   gint64 ttl_ms, KvResultFunc callback, gpointer user_data);
/**
 * kv_store_claim_random_finish:
 * @result: the #KvResult handed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_claim_random_submit() into what kv_store_claim_random() returns.
 *
 * Returns: (transfer full) (nullable): the claim; %NULL without @error when no key
 *   can be claimed, %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvClaim *kv_store_claim_random_finish (KvResult *result, GError **error);

/**
 * kv_store_claim_random_many_submit:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @count: how many, 1 .. %KV_CLAIM_MANY_MAX
 * @owner: (nullable): diagnostic text naming the claimer
 * @ttl_ms: the lease in milliseconds, 0 for %KV_CLAIM_DEFAULT_TTL_MS
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_claim_random_many(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_claim_random_many_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_claim_random_many_submit (KvStore *store, const char *prefix, gint64 count,
                                        const char *owner, gint64 ttl_ms, KvResultFunc callback,
                                        gpointer user_data);
/**
 * kv_store_claim_random_many_finish:
 * @result: the #KvResult handed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_claim_random_many_submit() into what kv_store_claim_random_many()
 * returns.
 *
 * Returns: (transfer container) (element-type KvClaim) (nullable): the claims, possibly
 *   none; %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_claim_random_many_finish (KvResult *result, GError **error);

/**
 * kv_store_pop_random_submit:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_pop_random(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_pop_random_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_pop_random_submit (KvStore *store, const char *prefix, KvResultFunc callback,
                                 gpointer user_data);
/**
 * kv_store_pop_random_finish:
 * @result: the #KvResult handed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_pop_random_submit() into what kv_store_pop_random() returns.
 *
 * Returns: (transfer full) (nullable): the popped entry; %NULL without @error when no
 *   key is claimable, %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvEntry *kv_store_pop_random_finish (KvResult *result, GError **error);

/**
 * kv_store_pop_random_many_submit:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @count: how many, 1 .. %KV_CLAIM_MANY_MAX
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_pop_random_many(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_pop_random_many_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_pop_random_many_submit (KvStore *store, const char *prefix, gint64 count,
                                      KvResultFunc callback, gpointer user_data);
/**
 * kv_store_pop_random_many_finish:
 * @result: the #KvResult handed to the callback
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_pop_random_many_submit() into what kv_store_pop_random_many()
 * returns.
 *
 * Returns: (transfer container) (element-type KvEntry) (nullable): the popped entries,
 *   possibly none; %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_pop_random_many_finish (KvResult *result, GError **error);

/**
 * kv_store_complete_claim_submit:
 * @store: a #KvStore
 * @ref: the claim; copied before the call returns
 * @delete_key: also delete the key(s)
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_complete_claim(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_complete_claim_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_complete_claim_submit (KvStore *store, const KvClaimRef *ref, gboolean delete_key,
                                     KvResultFunc callback, gpointer user_data);
/**
 * kv_store_complete_claim_finish:
 * @result: the #KvResult handed to the callback
 * @out_completed: (out) (optional): %FALSE when the claim was not the live one
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_complete_claim_submit() into what kv_store_complete_claim() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_complete_claim_finish (KvResult *result, gboolean *out_completed, GError **error);

/**
 * kv_store_release_claim_submit:
 * @store: a #KvStore
 * @ref: the claim; copied before the call returns
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_release_claim(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_release_claim_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_release_claim_submit (KvStore *store, const KvClaimRef *ref, KvResultFunc callback,
                                    gpointer user_data);
/**
 * kv_store_release_claim_finish:
 * @result: the #KvResult handed to the callback
 * @out_released: (out) (optional): %FALSE when the claim was not the live one
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_release_claim_submit() into what kv_store_release_claim() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_release_claim_finish (KvResult *result, gboolean *out_released, GError **error);

/**
 * kv_store_renew_claim_submit:
 * @store: a #KvStore
 * @ref: the claim; copied before the call returns
 * @ttl_ms: the lease in milliseconds, 0 for %KV_CLAIM_DEFAULT_TTL_MS
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_renew_claim(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_renew_claim_finish().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_renew_claim_submit (KvStore *store, const KvClaimRef *ref, gint64 ttl_ms,
                                  KvResultFunc callback, gpointer user_data);
/**
 * kv_store_renew_claim_finish:
 * @result: the #KvResult handed to the callback
 * @out_renewed: (out) (optional): %FALSE when the claim was not the live one
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_renew_claim_submit() into what kv_store_renew_claim() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_renew_claim_finish (KvResult *result, gboolean *out_renewed, GError **error);

/**
 * kv_store_claim_keys_submit:
 * @store: a #KvStore
 * @keys: (array length=n): the keys; copied before the call returns
 * @n: the number of @keys
 * @owner: (nullable): diagnostic text naming the claimer
 * @ttl_ms: the lease in milliseconds, 0 for %KV_CLAIM_DEFAULT_TTL_MS
 * @all_or_nothing: claim nothing unless every key can be claimed
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_claim_keys(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_claim_keys_finish().
 * Without @all_or_nothing every key is claimed on its own, all in one write.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_claim_keys_submit (KvStore *store, const char *const *keys, gsize n,
                                 const char *owner, gint64 ttl_ms, gboolean all_or_nothing,
                                 KvResultFunc callback, gpointer user_data);
/**
 * kv_store_claim_keys_finish:
 * @result: the #KvResult handed to the callback
 * @out_claimed: (out) (transfer container) (element-type KvClaim): claims granted
 * @out_busy: (out) (transfer container) (element-type utf8): keys with a live claim
 * @out_missing: (out) (transfer container) (element-type utf8): keys that do not exist
 * @item_errors: (out) (optional) (nullable) (transfer container) (element-type KvItemError): on a
 *   refused batch, one item per bad entry; not set otherwise
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_claim_keys_submit() into what kv_store_claim_keys() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_claim_keys_finish (KvResult *result, GPtrArray **out_claimed,
                                     GPtrArray **out_busy, GPtrArray **out_missing,
                                     GPtrArray **item_errors, GError **error);

/**
 * kv_store_release_claims_submit:
 * @store: a #KvStore
 * @refs: (array length=n): the claims; copied before the call returns
 * @n: the number of @refs
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_release_claims(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_release_claims_finish().
 * All the refs are applied in one write, each on its own.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_release_claims_submit (KvStore *store, const KvClaimRef *refs, gsize n,
                                     KvResultFunc callback, gpointer user_data);
/**
 * kv_store_release_claims_finish:
 * @result: the #KvResult handed to the callback
 * @out_released: (out) (optional): %FALSE when the claim was not the live one
 * @out_failed: (out) (optional) (transfer container) (element-type KvItemError): the claims that
 *   were not the live one (`ClaimNotUpdated`), or the malformed ones on failure
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_release_claims_submit() into what kv_store_release_claims() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_release_claims_finish (KvResult *result, guint64 *out_released,
                                         GPtrArray **out_failed, GError **error);
/**
 * kv_store_complete_claims_submit:
 * @store: a #KvStore
 * @refs: (array length=n): the claims; copied before the call returns
 * @n: the number of @refs
 * @delete_key: also delete the key(s)
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_complete_claims(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_complete_claims_finish().
 * All the refs are applied in one write, each on its own.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_complete_claims_submit (KvStore *store, const KvClaimRef *refs, gsize n,
                                      gboolean delete_key, KvResultFunc callback,
                                      gpointer user_data);
/**
 * kv_store_complete_claims_finish:
 * @result: the #KvResult handed to the callback
 * @out_completed: (out) (optional): %FALSE when the claim was not the live one
 * @out_failed: (out) (optional) (transfer container) (element-type KvItemError): the claims that
 *   were not the live one (`ClaimNotUpdated`), or the malformed ones on failure
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_complete_claims_submit() into what kv_store_complete_claims()
 * returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_complete_claims_finish (KvResult *result, guint64 *out_completed,
                                          GPtrArray **out_failed, GError **error);
/**
 * kv_store_renew_claims_submit:
 * @store: a #KvStore
 * @refs: (array length=n): the claims; copied before the call returns
 * @n: the number of @refs
 * @ttl_ms: the lease in milliseconds, 0 for %KV_CLAIM_DEFAULT_TTL_MS
 * @callback: (scope async): called once when the write is done
 * @user_data: (closure callback): data for @callback
 *
 * Submits kv_store_renew_claims(): checks the arguments, queues the write and returns at once;
 * @callback runs when it is durable or has failed. Finish with kv_store_renew_claims_finish().
 * All the refs are applied in one write, each on its own.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_store_renew_claims_submit (KvStore *store, const KvClaimRef *refs, gsize n, gint64 ttl_ms,
                                   KvResultFunc callback, gpointer user_data);
/**
 * kv_store_renew_claims_finish:
 * @result: the #KvResult handed to the callback
 * @out_renewed: (out) (optional): %FALSE when the claim was not the live one
 * @out_failed: (out) (optional) (transfer container) (element-type KvItemError): the claims that
 *   were not the live one (`ClaimNotUpdated`), or the malformed ones on failure
 * @error: return location for a #GError, or %NULL
 *
 * Turns the result of kv_store_renew_claims_submit() into what kv_store_renew_claims() returns.
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_store_renew_claims_finish (KvResult *result, guint64 *out_renewed,
                                       GPtrArray **out_failed, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvResult, kv_result_unref)

G_END_DECLS
