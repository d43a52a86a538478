/* kv-claim.c — KvClaim (public, immutable, reference-counted) and KvClaimRecord (what backends store).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-backend-private.h"
#include "kv-claim-private.h"

struct _KvClaim
{
  gatomicrefcount ref;
  KvClaimRecord record;
  char *key;
  GBytes *value;
};

KvClaim *
_kv_claim_new (const char *key, const KvClaimRecord *record, GBytes *value)
{
  KvClaim *claim = g_new0 (KvClaim, 1);

  g_atomic_ref_count_init (&claim->ref);
  claim->key = g_strdup (key);
  claim->record.token = record->token;
  claim->record.id = g_strdup (record->id);
  claim->record.owner = g_strdup (record->owner);
  claim->record.expires_at_ms = record->expires_at_ms;
  claim->value = value ? g_bytes_ref (value) : NULL;
  return claim;
}

KvClaim *
kv_claim_ref (KvClaim *claim)
{
  g_return_val_if_fail (claim != NULL, NULL);
  g_atomic_ref_count_inc (&claim->ref);
  return claim;
}

void
kv_claim_unref (KvClaim *claim)
{
  if (claim == NULL || !g_atomic_ref_count_dec (&claim->ref))
    return;
  g_free (claim->key);
  g_free (claim->record.id);
  g_free (claim->record.owner);
  g_clear_pointer (&claim->value, g_bytes_unref);
  g_free (claim);
}

G_DEFINE_BOXED_TYPE (KvClaim, kv_claim, kv_claim_ref, kv_claim_unref)

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

/* Layout: token (8 bytes, big endian), expiry (8, big endian, two's
 * complement), id length (2), id, owner length (2, 0xffff = none), owner. */
GBytes *
_kv_claim_record_encode (const KvClaimRecord *record)
{
  gsize id_len = strlen (record->id), owner_len = record->owner ? strlen (record->owner) : 0;
  GByteArray *out = g_byte_array_sized_new ((guint) (20 + id_len + owner_len));
  guint64 be;
  guint16 len;

  be = GUINT64_TO_BE (record->token);
  g_byte_array_append (out, (const guint8 *) &be, 8);
  be = GUINT64_TO_BE ((guint64) record->expires_at_ms);
  g_byte_array_append (out, (const guint8 *) &be, 8);
  len = GUINT16_TO_BE ((guint16) id_len);
  g_byte_array_append (out, (const guint8 *) &len, 2);
  g_byte_array_append (out, (const guint8 *) record->id, (guint) id_len);
  len = GUINT16_TO_BE (record->owner ? (guint16) owner_len : 0xffff);
  g_byte_array_append (out, (const guint8 *) &len, 2);
  if (record->owner)
    g_byte_array_append (out, (const guint8 *) record->owner, (guint) owner_len);
  return g_byte_array_free_to_bytes (out);
}

KvClaimRecord *
_kv_claim_record_decode (const guint8 *data, gsize len)
{
  guint64 token, expires;
  guint16 id_len, owner_len;
  g_autofree char *id = NULL;
  g_autofree char *owner = NULL;

  if (len < 20)
    return NULL;
  memcpy (&token, data, 8);
  memcpy (&expires, data + 8, 8);
  memcpy (&id_len, data + 16, 2);
  id_len = GUINT16_FROM_BE (id_len);
  if (len < 20u + id_len)
    return NULL;
  id = g_strndup ((const char *) data + 18, id_len);
  memcpy (&owner_len, data + 18 + id_len, 2);
  owner_len = GUINT16_FROM_BE (owner_len);
  if (owner_len != 0xffff)
    {
      if (len != 20u + id_len + owner_len)
        return NULL;
      owner = g_strndup ((const char *) data + 20 + id_len, owner_len);
    }
  else if (len != 20u + id_len)
    return NULL;
  return _kv_claim_record_new (GUINT64_FROM_BE (token), id, owner,
                               (gint64) GUINT64_FROM_BE (expires));
}
