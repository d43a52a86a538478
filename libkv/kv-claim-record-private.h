/* kv-claim-record-private.h — a claim as backends store it next to its key.
 *
 * The public KvClaim (kv-claim.h) is what callers get; this record is what
 * the backends keep, in memory or encoded in the disk backend's claims
 * database (kv-claim.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A claim record as backends store it next to a key. */
typedef struct
{
  guint64 token;
  char *id;
  char *owner;          /* nullable */
  gint64 expires_at_ms; /* Unix epoch milliseconds */
} KvClaimRecord;

KvClaimRecord *_kv_claim_record_new (guint64 token, const char *id, const char *owner,
                                     gint64 expires_at_ms);
KvClaimRecord *_kv_claim_record_copy (const KvClaimRecord *record);
void _kv_claim_record_free (KvClaimRecord *record);
/* A claim record as bytes (for the disk backend's claims database) and back;
 * decoding returns NULL for bytes that are not a record. */
GBytes *_kv_claim_record_encode (const KvClaimRecord *record);
KvClaimRecord *_kv_claim_record_decode (const guint8 *data, gsize len);

G_END_DECLS
