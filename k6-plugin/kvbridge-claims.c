/* kvbridge-claims.c — claims, pops and allocation statistics (see kvbridge.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kvbridge-private.h"

/* ---- Claims --------------------------------------------------------------------------------- */

/* A claim call that may find nothing: an error, or a flag then the claim. */
void
kvb_out_put_optional_claim (KvbOut *out, const KvClaim *claim, GError *error)
{
  if (error != NULL)
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  kvb_out_put_u64 (out, claim != NULL ? 1 : 0);
  if (claim != NULL)
    kvb_out_put_claim (out, claim);
}

void
kvb_claim_keys (KvStore *store, const char *packed_keys, gsize n, const char *owner,
                gint64 ttl_ms, int all_or_nothing, KvbOut *out)
{
  g_autofree const char **keys = kvb_split_keys (packed_keys, n);
  GError *error = NULL;
  g_autoptr (GPtrArray) claimed = NULL;
  g_autoptr (GPtrArray) busy = NULL;
  g_autoptr (GPtrArray) missing = NULL;

  kvb_out_reset (out);
  g_autoptr (GPtrArray) items = NULL;

  if (!kv_store_claim_keys (store, keys, n, owner, ttl_ms, all_or_nothing, &claimed, &busy,
                            &missing, &items, &error))
    {
      kvb_out_error (out, error, items);
      return;
    }
  kvb_out_put_claims (out, claimed);
  kvb_out_put_keys (out, busy);
  kvb_out_put_keys (out, missing);
}

static KvClaimRef *
split_refs (const char *ids, const char *keys, const guint64 *tokens, gsize n)
{
  KvClaimRef *refs = g_new0 (KvClaimRef, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      refs[i].id = ids;
      refs[i].key = keys;
      refs[i].token = tokens[i];
      ids += strlen (ids) + 1;
      keys += strlen (keys) + 1;
    }
  return refs;
}

void
kvb_claim_refs (KvStore *store, int op, const char *ids, const char *keys, const guint64 *tokens,
                gsize n, int delete_key, gint64 ttl_ms, KvbOut *out)
{
  g_autofree KvClaimRef *refs = split_refs (ids, keys, tokens, n);
  GError *error = NULL;
  g_autoptr (GPtrArray) failed = NULL;
  guint64 done = 0;
  gboolean ok;

  kvb_out_reset (out);
  switch (op)
    {
    case KVB_REF_RELEASE:
      ok = kv_store_release_claims (store, refs, n, &done, &failed, &error);
      break;
    case KVB_REF_COMPLETE:
      ok = kv_store_complete_claims (store, refs, n, delete_key, &done, &failed, &error);
      break;
    case KVB_REF_RENEW:
      ok = kv_store_renew_claims (store, refs, n, ttl_ms, &done, &failed, &error);
      break;
    default:
      g_set_error (&error, KV_ERROR, KV_ERROR_UNKNOWN, "unknown claim operation %d", op);
      ok = FALSE;
    }
  if (!ok)
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  out->num1 = done;
  kvb_out_put_items (out, failed);
}

void
kvb_allocation_stats (KvStore *store, const char *prefix, KvbOut *out)
{
  GError *error = NULL;
  KvAllocationStats stats = { 0 };

  kvb_out_reset (out);
  if (!kv_store_allocation_stats (store, prefix, &stats, &error))
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  kvb_out_put_u64 (out, stats.total);
  kvb_out_put_u64 (out, stats.claimable);
  kvb_out_put_u64 (out, stats.claimed_live);
  kvb_out_put_u64 (out, stats.claimed_expired);
}
