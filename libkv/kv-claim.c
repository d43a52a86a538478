/* kv-claim.c — KvClaim (public, immutable) and KvClaimRecord (what backends store).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "kv-backend-private.h"
#include "kv-claim-private.h"

struct _KvClaim
{
  KvClaimRecord record;
  char *key;
  GBytes *value;
};

KvClaim *
_kv_claim_new (const char *key, const KvClaimRecord *record, GBytes *value)
{
  KvClaim *claim = g_new0 (KvClaim, 1);

  claim->key = g_strdup (key);
  claim->record.token = record->token;
  claim->record.id = g_strdup (record->id);
  claim->record.owner = g_strdup (record->owner);
  claim->record.expires_at_ms = record->expires_at_ms;
  claim->value = value ? g_bytes_ref (value) : NULL;
  return claim;
}

KvClaim *
kv_claim_copy (const KvClaim *claim)
{
  g_return_val_if_fail (claim != NULL, NULL);
  return _kv_claim_new (claim->key, &claim->record, claim->value);
}

void
kv_claim_free (KvClaim *claim)
{
  if (claim == NULL)
    return;
  g_free (claim->key);
  g_free (claim->record.id);
  g_free (claim->record.owner);
  g_clear_pointer (&claim->value, g_bytes_unref);
  g_free (claim);
}

G_DEFINE_BOXED_TYPE (KvClaim, kv_claim, kv_claim_copy, kv_claim_free)

const char *
kv_claim_get_id (const KvClaim *claim)
{
  g_return_val_if_fail (claim != NULL, NULL);
  return claim->record.id;
}

const char *
kv_claim_get_key (const KvClaim *claim)
{
  g_return_val_if_fail (claim != NULL, NULL);
  return claim->key;
}

guint64
kv_claim_get_token (const KvClaim *claim)
{
  g_return_val_if_fail (claim != NULL, 0);
  return claim->record.token;
}

const char *
kv_claim_get_owner (const KvClaim *claim)
{
  g_return_val_if_fail (claim != NULL, NULL);
  return claim->record.owner;
}

gint64
kv_claim_get_expires_at (const KvClaim *claim)
{
  g_return_val_if_fail (claim != NULL, 0);
  return claim->record.expires_at_ms;
}

GBytes *
kv_claim_get_value (const KvClaim *claim)
{
  g_return_val_if_fail (claim != NULL, NULL);
  return claim->value;
}

KvClaimRecord *
_kv_claim_record_new (guint64 token, const char *id, const char *owner, gint64 expires_at_ms)
{
  KvClaimRecord *record = g_new0 (KvClaimRecord, 1);

  record->token = token;
  record->id = g_strdup (id);
  record->owner = g_strdup (owner);
  record->expires_at_ms = expires_at_ms;
  return record;
}

KvClaimRecord *
_kv_claim_record_copy (const KvClaimRecord *record)
{
  return _kv_claim_record_new (record->token, record->id, record->owner, record->expires_at_ms);
}

void
_kv_claim_record_free (KvClaimRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->id);
  g_free (record->owner);
  g_free (record);
}
