/* kv-backend-lmdb-claimable-private.h — walking the keys of a prefix that have no live claim.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kv-backend-lmdb-private.h"

G_BEGIN_DECLS

/* One claimable key (borrowed: valid until the transaction changes); FALSE stops the walk. */
typedef gboolean (*KvClaimableFunc) (const MDB_val *key, gpointer data);

/* Calls @each (nullable) for every key with @prefix in @txn that has no live
 * claim at @now_ms, in key order, and adds every key with @prefix to @counts
 * (nullable). Returns 0 or an LMDB error. Works in read and write transactions. */
int _kv_lmdb_walk_claimable (LmdbBackend *self, MDB_txn *txn, const char *prefix, gint64 now_ms,
                             KvClaimableFunc each, gpointer data, KvClaimCounts *counts);

G_END_DECLS
