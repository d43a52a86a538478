/* kv-backend-lmdb-claimable.c — the keys of a prefix with their claim state, in one ordered pass.
 *
 * Claim records live in their own database under the same keys as the data,
 * and both are sorted the same way (LMDB's default bytewise order). So the
 * claim state of every key comes from walking both databases side by side —
 * a merge — instead of a B-tree lookup in "claims" per key: a walk of the
 * claimable keys costs about one cursor step per key. claimRandom on an
 * untracked store does this walk for every call, inside the write transaction.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-backend-lmdb-claimable-private.h"

static gboolean
has_prefix (const MDB_val *k, const char *prefix, gsize prefix_len)
{
  return prefix_len == 0 ||
         (k->mv_size >= prefix_len && memcmp (k->mv_data, prefix, prefix_len) == 0);
}

/* Positions @cursor on the first key >= @prefix (the first key when empty). */
static int
seek (MDB_cursor *cursor, const char *prefix, gsize prefix_len, MDB_val *k, MDB_val *v)
{
  if (prefix_len == 0)
    return mdb_cursor_get (cursor, k, v, MDB_FIRST);
  *k = (MDB_val){ .mv_size = prefix_len, .mv_data = (void *) prefix };
  return mdb_cursor_get (cursor, k, v, MDB_SET_RANGE);
}

int
_kv_lmdb_walk_claimable (LmdbBackend *self, MDB_txn *txn, const char *prefix, gint64 now_ms,
                         KvClaimableFunc each, gpointer data, KvClaimCounts *counts)
{
  gsize prefix_len = prefix ? strlen (prefix) : 0;
  MDB_cursor *keys = NULL, *claims = NULL;
  MDB_val k, v, ck = { 0 }, cv = { 0 };
  gboolean claims_left = FALSE;
  int rc, crc;

  rc = mdb_cursor_open (txn, self->dbi_data, &keys);
  if (rc != 0)
    return rc;
  if (self->has_claims_db)
    {
      rc = mdb_cursor_open (txn, self->dbi_claims, &claims);
      if (rc != 0)
        goto out;
      crc = seek (claims, prefix, prefix_len, &ck, &cv);
      if (crc != 0 && crc != MDB_NOTFOUND)
        {
          rc = crc;
          goto out;
        }
      claims_left = crc == 0;
    }
  for (rc = seek (keys, prefix, prefix_len, &k, &v); rc == 0 && has_prefix (&k, prefix, prefix_len);
       rc = mdb_cursor_get (keys, &k, &v, MDB_NEXT))
    {
      gboolean live = FALSE, expired = FALSE;

      /* Claim records of keys that no longer exist are skipped over. */
      while (claims_left && mdb_cmp (txn, self->dbi_data, &ck, &k) < 0)
        {
          crc = mdb_cursor_get (claims, &ck, &cv, MDB_NEXT);
          if (crc != 0 && crc != MDB_NOTFOUND)
            {
              rc = crc;
              goto out;
            }
          claims_left = crc == 0;
        }
      if (claims_left && mdb_cmp (txn, self->dbi_data, &ck, &k) == 0)
        {
          KvClaimRecord *claim = _kv_claim_record_decode (cv.mv_data, cv.mv_size);
          /* An undecodable record claims nothing, as in _kv_lmdb_get_claim(). */
          live = claim != NULL && claim->expires_at_ms > now_ms;
          expired = claim != NULL && !live;
          _kv_claim_record_free (claim);
        }
      if (counts)
        {
          counts->total++;
          counts->live += live;
          counts->expired += expired;
        }
      if (!live && each && !each (&k, data))
        break;
    }
  if (rc == MDB_NOTFOUND)
    rc = 0;
out:
  if (claims)
    mdb_cursor_close (claims);
  mdb_cursor_close (keys);
  return rc;
}
