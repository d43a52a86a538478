/* kv-store-claims-private.h — what the claim files share: argument checks,
 * the update() callbacks that grant and pop, and copies for _finish functions.
 *
 * kv-store-claims.c holds these and the claims on named keys,
 * kv-store-claims-random.c the random claims and pops,
 * kv-store-claims-refs.c release, complete and renew.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kv-claim-private.h"

G_BEGIN_DECLS

/* Wall clock: expiresAt is a timestamp scripts compare with Date.now(). */
static inline gint64
_kv_claims_now_ms (void)
{
  return g_get_real_time () / 1000;
}

static inline gboolean
_kv_claims_is_live (const KvClaimRecord *claim, gint64 now)
{
  return claim != NULL && claim->expires_at_ms > now;
}

gboolean _kv_claims_check_owner (const char *owner, GError **error);
/* 0 means the default; INVALID_OPTIONS outside (0, 24 h]. */
gboolean _kv_claims_resolve_ttl (gint64 ttl_ms, gint64 *out, GError **error);

/* The state the grant callbacks share with their caller. */
typedef struct
{
  gint64 now;
  /* claim: */
  const char *owner;
  gint64 ttl_ms;
  /* outcomes of the last update: */
  gboolean applied;
  gboolean missing;
  gboolean busy;
  KvClaim *granted;
  KvEntry *popped;
  /* claimKeys with allOrNothing: any key missing or busy vetoes the batch. */
  gboolean vetoed;
  /* pop: refuse a stored value that is not JSON rather than delete it. */
  gboolean check_json;
} KvGrantCtx;

/* Clears the outcome of the last update, including one from an earlier run
 * of the same callback (see KvUpdateFunc). */
void _kv_grant_ctx_reset (KvGrantCtx *c);
/* KvUpdateFuncs on a KvGrantCtx: claim the key if it has no live claim; pop it. */
gboolean _kv_grant_claim_cb (KvUpdate *u, gpointer data, GError **error);
gboolean _kv_grant_pop_cb (KvUpdate *u, gpointer data, GError **error);

/* GCopyFuncs, and a deep copy of a result's array, so that a result can be
 * finished more than once. */
gpointer _kv_claims_copy_claim (gconstpointer claim, gpointer unused);
gpointer _kv_claims_copy_entry (gconstpointer entry, gpointer unused);
GPtrArray *_kv_claims_ptr_array_copy (GPtrArray *from, GCopyFunc copy, GDestroyNotify free_item);

G_END_DECLS
