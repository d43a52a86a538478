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
