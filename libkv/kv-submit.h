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
 */
typedef struct _KvResult KvResult;

/**
 * KvResultFunc:
 * @result: (transfer full): the completed write
 * @user_data: the data given at submission
 *
 * Called once per submitted write; see "Submitted writes" above.
 */
typedef void (*KvResultFunc) (KvResult *result, gpointer user_data);

#define KV_TYPE_RESULT (kv_result_get_type ())
KV_AVAILABLE_IN_1_0
GType kv_result_get_type (void) G_GNUC_CONST;

/**
 * kv_result_ref:
 * @result: a result
 *
 * Returns: (transfer full): @result
 */
KV_AVAILABLE_IN_1_0
KvResult *kv_result_ref (KvResult *result);

/**
 * kv_result_unref:
 * @result: (transfer full): a result
 */
KV_AVAILABLE_IN_1_0
void kv_result_unref (KvResult *result);

/**
 * kv_result_propagate_error:
 * @result: a completed result of any submitted write
 *
 * For callers that only need to know whether a write succeeded (what
 * kv_store_set_finish() and kv_store_delete_finish() report).
 *
 * Returns: %TRUE if the write succeeded, else %FALSE with @error set
 */
KV_AVAILABLE_IN_1_0
gboolean kv_result_propagate_error (KvResult *result, GError **error);

/* kv_store_set_submit: see kv_store_set(); finish with kv_store_set_finish(). */
KV_AVAILABLE_IN_1_0
void kv_store_set_submit (KvStore *store, const char *key, const char *value, gsize value_len,
                          KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_set_finish (KvResult *result, GError **error);

/* kv_store_set_many_submit: see kv_store_set_many(); every input is copied before it returns. */
KV_AVAILABLE_IN_1_0
void kv_store_set_many_submit (KvStore *store, const char *const *keys,
                               const char *const *values, const gsize *value_lens, gsize n,
                               KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_set_many_finish (KvResult *result, GPtrArray **item_errors, GError **error);

/* kv_store_delete_many_submit: see kv_store_delete_many(); @keys are copied. */
KV_AVAILABLE_IN_1_0
void kv_store_delete_many_submit (KvStore *store, const char *const *keys, gsize n,
                                  KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_delete_many_finish (KvResult *result, guint64 *out_deleted,
                                      guint64 *out_missing, GPtrArray **item_errors,
                                      GError **error);

/* kv_store_delete_submit: see kv_store_delete(). */
KV_AVAILABLE_IN_1_0
void kv_store_delete_submit (KvStore *store, const char *key, KvResultFunc callback,
                             gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_delete_finish (KvResult *result, GError **error);

/* kv_store_increment_by_submit: see kv_store_increment_by(). */
KV_AVAILABLE_IN_1_0
void kv_store_increment_by_submit (KvStore *store, const char *key, gint64 delta,
                                   KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_increment_by_finish (KvResult *result, gint64 *out_value, GError **error);

/* kv_store_get_or_set_submit: see kv_store_get_or_set(). */
KV_AVAILABLE_IN_1_0
void kv_store_get_or_set_submit (KvStore *store, const char *key, const char *value,
                                 gsize value_len, KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
GBytes *kv_store_get_or_set_finish (KvResult *result, gboolean *out_loaded, GError **error);

/* kv_store_swap_submit: see kv_store_swap(). */
KV_AVAILABLE_IN_1_0
void kv_store_swap_submit (KvStore *store, const char *key, const char *value, gsize value_len,
                           KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_swap_finish (KvResult *result, GBytes **out_previous, GError **error);

/* kv_store_compare_and_swap_submit: see kv_store_compare_and_swap(); @expected NULL = must be missing. */
KV_AVAILABLE_IN_1_0
void kv_store_compare_and_swap_submit (KvStore *store, const char *key, const char *expected,
                                       gsize expected_len, const char *value, gsize value_len,
                                       KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_compare_and_swap_finish (KvResult *result, gboolean *out_swapped,
                                           gboolean *out_existed, GBytes **out_current,
                                           GError **error);

/* kv_store_set_if_absent_submit: see kv_store_set_if_absent(). */
KV_AVAILABLE_IN_1_0
void kv_store_set_if_absent_submit (KvStore *store, const char *key, const char *value,
                                    gsize value_len, KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_set_if_absent_finish (KvResult *result, gboolean *out_set, GError **error);

/* kv_store_delete_if_exists_submit: see kv_store_delete_if_exists(). */
KV_AVAILABLE_IN_1_0
void kv_store_delete_if_exists_submit (KvStore *store, const char *key, KvResultFunc callback,
                                       gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_delete_if_exists_finish (KvResult *result, gboolean *out_deleted,
                                           GError **error);

/* kv_store_compare_and_delete_submit: see kv_store_compare_and_delete(). */
KV_AVAILABLE_IN_1_0
void kv_store_compare_and_delete_submit (KvStore *store, const char *key, const char *expected,
                                         gsize expected_len, KvResultFunc callback,
                                         gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_compare_and_delete_finish (KvResult *result, gboolean *out_deleted,
                                             gboolean *out_existed, GBytes **out_current,
                                             GError **error);

/* kv_store_claim_key_submit: see kv_store_claim_key(); _finish returns the claim or
 * %NULL (with @error set only on failure: a missing or claimed key is not one). */
KV_AVAILABLE_IN_1_0
void kv_store_claim_key_submit (KvStore *store, const char *key, const char *owner,
                                gint64 ttl_ms, KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
KvClaim *kv_store_claim_key_finish (KvResult *result, GError **error);

/* kv_store_claim_random_submit: see kv_store_claim_random(); _finish returns the claim or
 * %NULL (with @error set only on failure: no claimable key is not one). On a
 * disk store the key is chosen inside the write transaction that claims it. */
KV_AVAILABLE_IN_1_0
void kv_store_claim_random_submit (KvStore *store, const char *prefix, const char *owner,
                                   gint64 ttl_ms, KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
KvClaim *kv_store_claim_random_finish (KvResult *result, GError **error);

/* kv_store_claim_random_many_submit: see kv_store_claim_random_many(); _finish
 * returns (transfer full) (element-type KvClaim) the claims, possibly none. */
KV_AVAILABLE_IN_1_0
void kv_store_claim_random_many_submit (KvStore *store, const char *prefix, gint64 count,
                                        const char *owner, gint64 ttl_ms, KvResultFunc callback,
                                        gpointer user_data);
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_claim_random_many_finish (KvResult *result, GError **error);

/* kv_store_pop_random_submit: see kv_store_pop_random(); _finish returns the
 * popped entry or %NULL (with @error set only on failure). */
KV_AVAILABLE_IN_1_0
void kv_store_pop_random_submit (KvStore *store, const char *prefix, KvResultFunc callback,
                                 gpointer user_data);
KV_AVAILABLE_IN_1_0
KvEntry *kv_store_pop_random_finish (KvResult *result, GError **error);

/* kv_store_pop_random_many_submit: see kv_store_pop_random_many(); _finish
 * returns (transfer full) (element-type KvEntry) the popped entries, possibly none. */
KV_AVAILABLE_IN_1_0
void kv_store_pop_random_many_submit (KvStore *store, const char *prefix, gint64 count,
                                      KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_pop_random_many_finish (KvResult *result, GError **error);

/* kv_store_complete_claim_submit: see kv_store_complete_claim(); @ref is copied. */
KV_AVAILABLE_IN_1_0
void kv_store_complete_claim_submit (KvStore *store, const KvClaimRef *ref, gboolean delete_key,
                                     KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_complete_claim_finish (KvResult *result, gboolean *out_completed,
                                         GError **error);

/* kv_store_release_claim_submit: see kv_store_release_claim(); @ref is copied. */
KV_AVAILABLE_IN_1_0
void kv_store_release_claim_submit (KvStore *store, const KvClaimRef *ref, KvResultFunc callback,
                                    gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_release_claim_finish (KvResult *result, gboolean *out_released,
                                        GError **error);

/* kv_store_renew_claim_submit: see kv_store_renew_claim(); @ref is copied. */
KV_AVAILABLE_IN_1_0
void kv_store_renew_claim_submit (KvStore *store, const KvClaimRef *ref, gint64 ttl_ms,
                                  KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_renew_claim_finish (KvResult *result, gboolean *out_renewed, GError **error);

/* kv_store_claim_keys_submit: see kv_store_claim_keys(); @keys are copied.
 * Without @all_or_nothing every key is claimed on its own, all in one write.
 * _finish fills (transfer full) *out_claimed (element-type KvClaim), *out_busy
 * and *out_missing (element-type utf8), or *item_errors on a refused batch. */
KV_AVAILABLE_IN_1_0
void kv_store_claim_keys_submit (KvStore *store, const char *const *keys, gsize n,
                                 const char *owner, gint64 ttl_ms, gboolean all_or_nothing,
                                 KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_claim_keys_finish (KvResult *result, GPtrArray **out_claimed,
                                     GPtrArray **out_busy, GPtrArray **out_missing,
                                     GPtrArray **item_errors, GError **error);

/* kv_store_release_claims_submit, _complete_claims_, _renew_claims_: see
 * kv_store_release_claims() and its siblings; @refs are copied, and all of
 * them are applied in one write, each on its own. */
KV_AVAILABLE_IN_1_0
void kv_store_release_claims_submit (KvStore *store, const KvClaimRef *refs, gsize n,
                                     KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_release_claims_finish (KvResult *result, guint64 *out_released,
                                         GPtrArray **out_failed, GError **error);
KV_AVAILABLE_IN_1_0
void kv_store_complete_claims_submit (KvStore *store, const KvClaimRef *refs, gsize n,
                                      gboolean delete_key, KvResultFunc callback,
                                      gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_complete_claims_finish (KvResult *result, guint64 *out_completed,
                                          GPtrArray **out_failed, GError **error);
KV_AVAILABLE_IN_1_0
void kv_store_renew_claims_submit (KvStore *store, const KvClaimRef *refs, gsize n,
                                   gint64 ttl_ms, KvResultFunc callback, gpointer user_data);
KV_AVAILABLE_IN_1_0
gboolean kv_store_renew_claims_finish (KvResult *result, guint64 *out_renewed,
                                       GPtrArray **out_failed, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvResult, kv_result_unref)

G_END_DECLS
