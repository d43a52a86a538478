/* kv-claim.h — leases on keys: claim, renew, release, complete, and pop.
 *
 * A claim marks one key as held by one caller until it expires, is released or
 * is completed. Live claims make a key invisible to claimRandom and popRandom;
 * expired claims do not. Every claim has a store-wide increasing @token and a
 * unique @id; operations on a claim name it by {id, key, token} and fail
 * softly (FALSE, not an error) when that claim is no longer the live one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <glib-object.h>
#include <libkv/kv-version-macros.h>
#include <libkv/kv-entry.h>
#include <libkv/kv-store.h>

G_BEGIN_DECLS

/** KV_CLAIM_DEFAULT_TTL_MS: lease length when the caller passes 0. */
#define KV_CLAIM_DEFAULT_TTL_MS 30000
/** KV_CLAIM_MAX_TTL_MS: longest lease, 24 hours. */
#define KV_CLAIM_MAX_TTL_MS 86400000
/** KV_CLAIM_MAX_OWNER_LENGTH: longest owner string in bytes. */
#define KV_CLAIM_MAX_OWNER_LENGTH 256
/** KV_CLAIM_MANY_MAX: cap on the count of claimRandomMany() and popRandomMany(). */
#define KV_CLAIM_MANY_MAX 1000000

/**
 * KvClaim:
 *
 * An immutable description of a claim as it was granted (or renewed). Boxed.
 */
typedef struct _KvClaim KvClaim;

KV_AVAILABLE_IN_1_0
GType kv_claim_get_type (void) G_GNUC_CONST;
#define KV_TYPE_CLAIM (kv_claim_get_type ())

KV_AVAILABLE_IN_1_0
KvClaim *kv_claim_copy (const KvClaim *claim);
KV_AVAILABLE_IN_1_0
void kv_claim_free (KvClaim *claim);
KV_AVAILABLE_IN_1_0
const char *kv_claim_get_id (const KvClaim *claim);
KV_AVAILABLE_IN_1_0
const char *kv_claim_get_key (const KvClaim *claim);
KV_AVAILABLE_IN_1_0
guint64 kv_claim_get_token (const KvClaim *claim);
/** kv_claim_get_owner: Returns: (nullable): the owner given when claiming */
KV_AVAILABLE_IN_1_0
const char *kv_claim_get_owner (const KvClaim *claim);
/** kv_claim_get_expires_at: Returns: expiry in milliseconds since the Unix epoch */
KV_AVAILABLE_IN_1_0
gint64 kv_claim_get_expires_at (const KvClaim *claim);
/** kv_claim_get_value: Returns: (transfer none) (nullable): the key's value when it was claimed; %NULL for listed claims */
KV_AVAILABLE_IN_1_0
GBytes *kv_claim_get_value (const KvClaim *claim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvClaim, kv_claim_free)

/**
 * KvClaimRef:
 * @id: the claim's id (non-empty)
 * @key: the claimed key (non-empty)
 * @token: the claim's token (> 0)
 *
 * Names a claim in release/renew/complete calls. Plain data the caller owns.
 */
typedef struct
{
  const char *id;
  const char *key;
  guint64 token;
} KvClaimRef;

/**
 * KvAllocationStats:
 * @total: keys matching the prefix
 * @claimable: keys without a live claim (expired claims count as claimable)
 * @claimed_live: keys with a live claim
 * @claimed_expired: keys whose claim has expired but was not released
 */
typedef struct
{
  guint64 total;
  guint64 claimable;
  guint64 claimed_live;
  guint64 claimed_expired;
} KvAllocationStats;

/*
 * Common arguments. @owner (nullable) is diagnostic text of at most
 * %KV_CLAIM_MAX_OWNER_LENGTH bytes. @ttl_ms is the lease length: 0 means
 * %KV_CLAIM_DEFAULT_TTL_MS, otherwise 1 .. %KV_CLAIM_MAX_TTL_MS. Functions that
 * return a nullable pointer return %NULL *without* setting @error when there
 * was nothing to claim or pop, and %NULL with @error set on failure.
 */

/** kv_store_claim_random: Returns: (transfer full) (nullable): a claim on a random claimable key with @prefix */
KV_AVAILABLE_IN_1_0
KvClaim *kv_store_claim_random (KvStore *store, const char *prefix, const char *owner,
                                gint64 ttl_ms, GError **error);

/** kv_store_claim_random_many: Returns: (transfer full) (element-type KvClaim) (nullable): up to @count claims (1 .. %KV_CLAIM_MANY_MAX) */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_claim_random_many (KvStore *store, const char *prefix, gint64 count,
                                       const char *owner, gint64 ttl_ms, GError **error);

/** kv_store_claim_key: Returns: (transfer full) (nullable): a claim on @key, or %NULL if it is missing or claimed */
KV_AVAILABLE_IN_1_0
KvClaim *kv_store_claim_key (KvStore *store, const char *key, const char *owner, gint64 ttl_ms,
                             GError **error);

/**
 * kv_store_claim_keys:
 * @keys: (array length=n): non-empty, distinct keys (else %KV_ERROR_INVALID_OPTIONS)
 * @all_or_nothing: claim nothing unless every key can be claimed
 * @out_claimed: (out) (transfer full) (element-type KvClaim): claims granted
 * @out_busy: (out) (transfer full) (element-type utf8): keys with a live claim
 * @out_missing: (out) (transfer full) (element-type utf8): keys that do not exist
 * @item_errors: (out) (optional) (transfer full) (element-type KvItemError): on
 *   %KV_ERROR_INVALID_OPTIONS, what was wrong with which key
 *
 * With @all_or_nothing, the keys are locked together, so either every claim is
 * granted or none is (and @out_busy/@out_missing say why); a refused batch
 * uses up no claim token.
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_claim_keys (KvStore *store, const char *const *keys,
                                                        gsize n, const char *owner, gint64 ttl_ms,
                                                        gboolean all_or_nothing,
                                                        GPtrArray **out_claimed,
                                                        GPtrArray **out_busy,
                                                        GPtrArray **out_missing,
                                                        GPtrArray **item_errors,
                                                        GError **error);

/** kv_store_release_claim: @out_released: (out): %FALSE when @ref is not the live claim */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_release_claim (KvStore *store, const KvClaimRef *ref,
                                                           gboolean *out_released,
                                                           GError **error);

/** kv_store_complete_claim: ends the claim and, with @delete_key, deletes the key. */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_complete_claim (KvStore *store, const KvClaimRef *ref,
                                                            gboolean delete_key,
                                                            gboolean *out_completed,
                                                            GError **error);

/** kv_store_renew_claim: extends a live claim to now + @ttl_ms; the token stays. */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_renew_claim (KvStore *store, const KvClaimRef *ref,
                                                         gint64 ttl_ms, gboolean *out_renewed,
                                                         GError **error);

/**
 * kv_store_release_claims:
 * @refs: (array length=n): claims; a malformed ref fails the whole call
 * @out_done: (out) (optional): how many were released
 * @out_failed: (out) (optional) (transfer full) (element-type KvItemError): the
 *   refs that were not the live claim, named `ClaimNotUpdated`; when the call
 *   fails with %KV_ERROR_INVALID_OPTIONS, the malformed refs (`InvalidEntries`)
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_release_claims (KvStore *store, const KvClaimRef *refs,
                                                            gsize n, guint64 *out_done,
                                                            GPtrArray **out_failed,
                                                            GError **error);
/** kv_store_complete_claims: see kv_store_release_claims(). */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_complete_claims (KvStore *store,
                                                             const KvClaimRef *refs, gsize n,
                                                             gboolean delete_key,
                                                             guint64 *out_done,
                                                             GPtrArray **out_failed,
                                                             GError **error);
/** kv_store_renew_claims: see kv_store_release_claims(). */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_renew_claims (KvStore *store, const KvClaimRef *refs,
                                                          gsize n, gint64 ttl_ms,
                                                          guint64 *out_done,
                                                          GPtrArray **out_failed,
                                                          GError **error);

/** kv_store_pop_random: Returns: (transfer full) (nullable): a random claimable entry with @prefix, deleted */
KV_AVAILABLE_IN_1_0
KvEntry *kv_store_pop_random (KvStore *store, const char *prefix, GError **error);

/** kv_store_pop_random_many: Returns: (transfer full) (element-type KvEntry) (nullable): up to @count popped entries */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_pop_random_many (KvStore *store, const char *prefix, gint64 count,
                                     GError **error);

/**
 * kv_store_list_claims:
 * @prefix: (nullable): only keys with this prefix
 * @include_expired: also list claim records whose lease has expired
 *
 * The claim records of the store, for inspection (kv-admin claims). The
 * listed claims carry no value: kv_claim_get_value() returns %NULL for them.
 *
 * Returns: (transfer full) (element-type KvClaim) (nullable): claims in key order
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_list_claims (KvStore *store, const char *prefix, gboolean include_expired,
                                 GError **error);

KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_allocation_stats (KvStore *store, const char *prefix,
                                                              KvAllocationStats *out_stats,
                                                              GError **error);

G_END_DECLS
