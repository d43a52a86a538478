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

/**
 * KV_CLAIM_DEFAULT_TTL_MS:
 *
 * The lease length, 30 s, when the caller passes 0.
 *
 * Since: 1.0
 */
#define KV_CLAIM_DEFAULT_TTL_MS 30000
/**
 * KV_CLAIM_MAX_TTL_MS:
 *
 * The longest lease: 24 hours.
 *
 * Since: 1.0
 */
#define KV_CLAIM_MAX_TTL_MS 86400000
/**
 * KV_CLAIM_MAX_OWNER_LENGTH:
 *
 * The longest owner string in bytes.
 *
 * Since: 1.0
 */
#define KV_CLAIM_MAX_OWNER_LENGTH 256
/**
 * KV_CLAIM_MANY_MAX:
 *
 * The cap on the count of claimRandomMany() and popRandomMany()
 * (kv_store_claim_random_many(), kv_store_pop_random_many()).
 *
 * Since: 1.0
 */
#define KV_CLAIM_MANY_MAX 1000000

/**
 * KvClaim:
 *
 * An immutable description of a claim as it was granted (or renewed). Boxed:
 * share it with kv_claim_ref(), drop it with kv_claim_unref(). Name it in release,
 * renew and complete calls with a #KvClaimRef of its id, key and token.
 *
 * Since: 1.0
 */
typedef struct _KvClaim KvClaim;

KV_AVAILABLE_IN_1_0
GType kv_claim_get_type (void) G_GNUC_CONST;
#define KV_TYPE_CLAIM (kv_claim_get_type ())

/**
 * kv_claim_ref:
 * @claim: a #KvClaim
 *
 * Takes a reference on @claim. A #KvClaim never changes, so sharing one is
 * as good as copying it.
 *
 * Returns: (transfer full): @claim
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvClaim *kv_claim_ref (KvClaim *claim);

/**
 * kv_claim_unref:
 * @claim: (nullable) (transfer full): a #KvClaim
 *
 * Drops a reference on @claim, freeing it with the last one; %NULL is ignored.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_claim_unref (KvClaim *claim);

/**
 * kv_claim_get_id:
 * @claim: a #KvClaim
 *
 * Gets the claim's id, unique in the store.
 *
 * Returns: (transfer none): the id, valid as long as @claim
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
const char *kv_claim_get_id (const KvClaim *claim);

/**
 * kv_claim_get_key:
 * @claim: a #KvClaim
 *
 * Gets the claimed key.
 *
 * Returns: (transfer none): the key, valid as long as @claim
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
const char *kv_claim_get_key (const KvClaim *claim);

/**
 * kv_claim_get_token:
 * @claim: a #KvClaim
 *
 * Gets the claim's token: store-wide increasing, so a later claim on a key
 * always has a larger one (a fencing token). Renewing keeps it.
 *
 * Returns: the token, > 0
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
guint64 kv_claim_get_token (const KvClaim *claim);

/**
 * kv_claim_get_owner:
 * @claim: a #KvClaim
 *
 * Gets the owner text given when claiming.
 *
 * Returns: (transfer none) (nullable): the owner, %NULL if none was given
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
const char *kv_claim_get_owner (const KvClaim *claim);

/**
 * kv_claim_get_expires_at:
 * @claim: a #KvClaim
 *
 * Gets the end of the lease, on the wall clock.
 *
 * Returns: expiry in milliseconds since the Unix epoch
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gint64 kv_claim_get_expires_at (const KvClaim *claim);

/**
 * kv_claim_get_value:
 * @claim: a #KvClaim
 *
 * Gets the key's value as it was when the key was claimed, in stored form.
 *
 * Returns: (transfer none) (nullable): the value, valid as long as @claim;
 *   %NULL for claims from kv_store_list_claims()
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GBytes *kv_claim_get_value (const KvClaim *claim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvClaim, kv_claim_unref)

/**
 * KvClaimRef:
 * @id: the claim's id (non-empty)
 * @key: the claimed key (non-empty)
 * @token: the claim's token (> 0)
 *
 * Names a claim in release/renew/complete calls. Plain data the caller owns;
 * the strings are borrowed for the length of the call (the `_submit` calls
 * copy them).
 *
 * Since: 1.0
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
 *
 * Claim occupancy of a key range, from kv_store_allocation_stats().
 *
 * Since: 1.0
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

/**
 * kv_store_claim_random:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @owner: (nullable): diagnostic text naming the claimer, at most
 *   %KV_CLAIM_MAX_OWNER_LENGTH bytes
 * @ttl_ms: the lease in milliseconds: 0 for %KV_CLAIM_DEFAULT_TTL_MS, else 1 ..
 *   %KV_CLAIM_MAX_TTL_MS
 * @error: return location for a #GError, or %NULL
 *
 * Claims a key chosen uniformly among the claimable keys with @prefix (keys
 * without a live claim).
 *
 * Returns: (transfer full) (nullable): the claim; %NULL without @error when no
 *   key can be claimed, %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvClaim *kv_store_claim_random (KvStore *store, const char *prefix, const char *owner,
                                gint64 ttl_ms, GError **error);

/**
 * kv_store_claim_random_many:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @count: how many keys to claim, 1 .. %KV_CLAIM_MANY_MAX
 * @owner: (nullable): diagnostic text naming the claimer, at most
 *   %KV_CLAIM_MAX_OWNER_LENGTH bytes
 * @ttl_ms: the lease in milliseconds: 0 for %KV_CLAIM_DEFAULT_TTL_MS, else 1 ..
 *   %KV_CLAIM_MAX_TTL_MS
 * @error: return location for a #GError, or %NULL
 *
 * Claims up to @count distinct random claimable keys with @prefix; fewer when
 * fewer are claimable.
 *
 * Returns: (transfer container) (element-type KvClaim) (nullable): the claims, possibly
 *   none; %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_claim_random_many (KvStore *store, const char *prefix, gint64 count,
                                       const char *owner, gint64 ttl_ms, GError **error);

/**
 * kv_store_claim_key:
 * @store: a #KvStore
 * @key: the key to claim
 * @owner: (nullable): diagnostic text naming the claimer, at most
 *   %KV_CLAIM_MAX_OWNER_LENGTH bytes
 * @ttl_ms: the lease in milliseconds: 0 for %KV_CLAIM_DEFAULT_TTL_MS, else 1 ..
 *   %KV_CLAIM_MAX_TTL_MS
 * @error: return location for a #GError, or %NULL
 *
 * Claims @key, if it exists and has no live claim.
 *
 * Returns: (transfer full) (nullable): a claim on @key; %NULL without @error if it
 *   is missing or claimed, %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvClaim *kv_store_claim_key (KvStore *store, const char *key, const char *owner, gint64 ttl_ms,
                             GError **error);

/**
 * kv_store_claim_keys:
 * @store: a #KvStore
 * @keys: (array length=n): non-empty, distinct keys (else %KV_ERROR_INVALID_OPTIONS)
 * @n: the number of @keys
 * @owner: (nullable): diagnostic text naming the claimer, at most
 *   %KV_CLAIM_MAX_OWNER_LENGTH bytes
 * @ttl_ms: the lease in milliseconds: 0 for %KV_CLAIM_DEFAULT_TTL_MS, else 1 ..
 *   %KV_CLAIM_MAX_TTL_MS
 * @all_or_nothing: claim nothing unless every key can be claimed
 * @out_claimed: (out) (transfer container) (element-type KvClaim): claims granted
 * @out_busy: (out) (transfer container) (element-type utf8): keys with a live claim
 * @out_missing: (out) (transfer container) (element-type utf8): keys that do not exist
 * @item_errors: (out) (optional) (nullable) (transfer container) (element-type KvItemError): on
 *   %KV_ERROR_INVALID_OPTIONS, what was wrong with which key; not set otherwise
 * @error: return location for a #GError, or %NULL
 *
 * Claims each of @keys that exists and has no live claim. With
 * @all_or_nothing, the keys are locked together, so either every claim is
 * granted or none is (and @out_busy/@out_missing say why); a refused batch
 * uses up no claim token.
 *
 * Returns: %TRUE on success (whatever was granted), %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_claim_keys (
    KvStore *store, const char *const *keys, gsize n, const char *owner, gint64 ttl_ms,
    gboolean all_or_nothing, GPtrArray **out_claimed, GPtrArray **out_busy, GPtrArray **out_missing,
    GPtrArray **item_errors, GError **error);

/**
 * kv_store_release_claim:
 * @store: a #KvStore
 * @ref: the claim
 * @out_released: (out) (optional): %FALSE when @ref is not the live claim
 * @error: return location for a #GError, or %NULL
 *
 * Ends a live claim before it expires; the key stays. An expired or
 * superseded claim is not released (not an error).
 *
 * Returns: %TRUE on success (released or not), %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_release_claim (KvStore *store, const KvClaimRef *ref,
                                                           gboolean *out_released, GError **error);

/**
 * kv_store_complete_claim:
 * @store: a #KvStore
 * @ref: the claim
 * @delete_key: also delete the key (what the JS API does by default)
 * @out_completed: (out) (optional): %FALSE when @ref is not the live claim
 * @error: return location for a #GError, or %NULL
 *
 * Ends a live claim as done and, with @delete_key, deletes the key in the same
 * step.
 *
 * Returns: %TRUE on success (completed or not), %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_complete_claim (KvStore *store, const KvClaimRef *ref,
                                                            gboolean delete_key,
                                                            gboolean *out_completed,
                                                            GError **error);

/**
 * kv_store_renew_claim:
 * @store: a #KvStore
 * @ref: the claim
 * @ttl_ms: the lease in milliseconds: 0 for %KV_CLAIM_DEFAULT_TTL_MS, else 1 ..
 *   %KV_CLAIM_MAX_TTL_MS
 * @out_renewed: (out) (optional): %FALSE when @ref is not the live claim
 * @error: return location for a #GError, or %NULL
 *
 * Extends a live claim to now + @ttl_ms; the token stays.
 *
 * Returns: %TRUE on success (renewed or not), %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_renew_claim (KvStore *store, const KvClaimRef *ref,
                                                         gint64 ttl_ms, gboolean *out_renewed,
                                                         GError **error);

/**
 * kv_store_release_claims:
 * @store: a #KvStore
 * @refs: (array length=n): claims; a malformed ref fails the whole call
 * @n: the number of @refs
 * @out_done: (out) (optional): how many were released
 * @out_failed: (out) (optional) (transfer container) (element-type KvItemError): the
 *   refs that were not the live claim, named `ClaimNotUpdated`; when the call
 *   fails with %KV_ERROR_INVALID_OPTIONS, the malformed refs (`InvalidEntries`)
 * @error: return location for a #GError, or %NULL
 *
 * kv_store_release_claim() for many claims in one write, each on its own.
 *
 * Returns: %TRUE on success (whatever was released), %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_release_claims (KvStore *store, const KvClaimRef *refs,
                                                            gsize n, guint64 *out_done,
                                                            GPtrArray **out_failed, GError **error);
/**
 * kv_store_complete_claims:
 * @store: a #KvStore
 * @refs: (array length=n): claims; a malformed ref fails the whole call
 * @n: the number of @refs
 * @delete_key: also delete the keys
 * @out_done: (out) (optional): how many were completed
 * @out_failed: (out) (optional) (transfer container) (element-type KvItemError): as for
 *   kv_store_release_claims()
 * @error: return location for a #GError, or %NULL
 *
 * kv_store_complete_claim() for many claims in one write, each on its own.
 *
 * Returns: %TRUE on success (whatever was completed), %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_complete_claims (KvStore *store, const KvClaimRef *refs,
                                                             gsize n, gboolean delete_key,
                                                             guint64 *out_done,
                                                             GPtrArray **out_failed,
                                                             GError **error);
/**
 * kv_store_renew_claims:
 * @store: a #KvStore
 * @refs: (array length=n): claims; a malformed ref fails the whole call
 * @n: the number of @refs
 * @ttl_ms: the lease in milliseconds: 0 for %KV_CLAIM_DEFAULT_TTL_MS, else 1 ..
 *   %KV_CLAIM_MAX_TTL_MS
 * @out_done: (out) (optional): how many were renewed
 * @out_failed: (out) (optional) (transfer container) (element-type KvItemError): as for
 *   kv_store_release_claims()
 * @error: return location for a #GError, or %NULL
 *
 * kv_store_renew_claim() for many claims in one write, each on its own.
 *
 * Returns: %TRUE on success (whatever was renewed), %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_renew_claims (KvStore *store, const KvClaimRef *refs,
                                                          gsize n, gint64 ttl_ms, guint64 *out_done,
                                                          GPtrArray **out_failed, GError **error);

/**
 * kv_store_pop_random:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @error: return location for a #GError, or %NULL
 *
 * Deletes and returns an entry chosen uniformly among the claimable keys with
 * @prefix.
 *
 * Returns: (transfer full) (nullable): the popped entry; %NULL without @error when
 *   no key is claimable, %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvEntry *kv_store_pop_random (KvStore *store, const char *prefix, GError **error);

/**
 * kv_store_pop_random_many:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @count: how many entries to pop, 1 .. %KV_CLAIM_MANY_MAX
 * @error: return location for a #GError, or %NULL
 *
 * kv_store_pop_random() for up to @count distinct keys; fewer when fewer are
 * claimable.
 *
 * Returns: (transfer container) (element-type KvEntry) (nullable): the popped entries,
 *   possibly none; %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_pop_random_many (KvStore *store, const char *prefix, gint64 count,
                                     GError **error);

/**
 * kv_store_list_claims:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix
 * @include_expired: also list claim records whose lease has expired
 * @error: return location for a #GError, or %NULL
 *
 * The claim records of the store, for inspection (kv-admin claims). The
 * listed claims carry no value: kv_claim_get_value() returns %NULL for them.
 *
 * Returns: (transfer container) (element-type KvClaim) (nullable): claims in key order;
 *   %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GPtrArray *kv_store_list_claims (KvStore *store, const char *prefix, gboolean include_expired,
                                 GError **error);

/**
 * kv_store_allocation_stats:
 * @store: a #KvStore
 * @prefix: (nullable): only keys with this prefix; %NULL or "" for all
 * @out_stats: (out caller-allocates): the counts
 * @error: return location for a #GError, or %NULL
 *
 * Counts the keys with @prefix by claim state.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_allocation_stats (KvStore *store, const char *prefix,
                                                              KvAllocationStats *out_stats,
                                                              GError **error);

G_END_DECLS
