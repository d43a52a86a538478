/* kvbridge.c — see kvbridge.h: the result buffer and how results are packed into it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <string.h>

#include "kvbridge-private.h"

KvbOut *
kvb_out_new (gsize scratch_cap)
{
  KvbOut *out = g_new0 (KvbOut, 1);

  out->scratch = g_malloc (scratch_cap);
  out->scratch_cap = scratch_cap;
  out->key_cap = KV_MAX_KEY_LENGTH + 1;
  out->key = g_malloc (out->key_cap);
  out->code = KVB_OK;
  out->data = out->scratch;
  return out;
}

void
kvb_out_free (KvbOut *out)
{
  g_free (out->spill);
  g_clear_pointer (&out->held, g_bytes_unref);
  g_free (out->key);
  g_free (out->scratch);
  g_free (out);
}

void
kvb_out_reset (KvbOut *out)
{
  g_clear_pointer (&out->spill, g_free);
  g_clear_pointer (&out->held, g_bytes_unref);
  out->spill_cap = 0;
  out->code = KVB_OK;
  out->has_value = 0;
  out->flag0 = 0;
  out->flag1 = 0;
  out->num0 = 0;
  out->num1 = 0;
  out->num2 = 0;
  out->data = out->scratch;
  out->len = 0;
  /* Every call starts here, on the thread cgo runs it on: the thread's mode follows the block. */
  kv_set_thread_nonblocking (out->nonblocking);
}

void
kvb_out_put (KvbOut *out, const void *bytes, gsize n)
{
  gsize need = out->len + n;

  if (out->spill == NULL && need > out->scratch_cap)
    {
      out->spill_cap = MAX (need, 2 * out->scratch_cap);
      out->spill = g_malloc (out->spill_cap);
      memcpy (out->spill, out->scratch, out->len);
    }
  else if (out->spill != NULL && need > out->spill_cap)
    {
      out->spill_cap = MAX (need, 2 * out->spill_cap);
      out->spill = g_realloc (out->spill, out->spill_cap);
    }
  out->data = out->spill != NULL ? out->spill : out->scratch;
  if (n > 0)
    memcpy ((char *) out->data + out->len, bytes, n);
  out->len = need;
}

void
kvb_out_put_u64 (KvbOut *out, guint64 v)
{
  kvb_out_put (out, &v, sizeof v);
}

void
kvb_out_put_i64 (KvbOut *out, gint64 v)
{
  kvb_out_put (out, &v, sizeof v);
}

void
kvb_out_put_str (KvbOut *out, const char *s)
{
  gsize n = s != NULL ? strlen (s) : 0;

  kvb_out_put_u64 (out, n);
  kvb_out_put (out, s, n);
}

/* A string that may be %NULL: its length (-1 for %NULL), then its bytes. */
void
kvb_out_put_opt_str (KvbOut *out, const char *s)
{
  if (s == NULL)
    {
      kvb_out_put_i64 (out, -1);
      return;
    }
  kvb_out_put_i64 (out, (gint64) strlen (s));
  kvb_out_put (out, s, strlen (s));
}

/* Hands @bytes out without copying; the slot keeps the reference until its next call. */
void
kvb_out_take_value (KvbOut *out, GBytes *bytes)
{
  gsize size = 0;

  if (bytes == NULL)
    return;
  out->held = bytes;
  out->has_value = 1;
  out->data = g_bytes_get_data (bytes, &size);
  out->len = size;
  if (out->data == NULL)
    out->data = out->scratch;
}

/* Per-item errors (KvItemError), @items may be %NULL. */
void
kvb_out_put_items (KvbOut *out, GPtrArray *items)
{
  kvb_out_put_u64 (out, items != NULL ? items->len : 0);
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const KvItemError *item = g_ptr_array_index (items, i);

      kvb_out_put_u64 (out, item->index);
      kvb_out_put_opt_str (out, item->key);
      kvb_out_put_opt_str (out, item->id);
      kvb_out_put_str (out, item->name);
      kvb_out_put_str (out, item->message);
    }
}

/* Consumes @error and @items. */
void
kvb_out_error (KvbOut *out, GError *error, GPtrArray *items)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    out->code = KVB_WOULD_BLOCK;
  else
    out->code = error->domain == KV_ERROR ? error->code : KV_ERROR_UNKNOWN;
  kvb_out_put_str (out, error->message);
  kvb_out_put_items (out, items);
  g_clear_pointer (&items, g_ptr_array_unref);
  g_error_free (error);
}

void
kvb_out_put_bytes (KvbOut *out, GBytes *bytes)
{
  gsize size = 0;
  const void *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;

  kvb_out_put_u64 (out, size);
  kvb_out_put (out, data, size);
}

/* An array of strings (element-type utf8), @keys may be %NULL for none. */
void
kvb_out_put_keys (KvbOut *out, GPtrArray *keys)
{
  kvb_out_put_u64 (out, keys != NULL ? keys->len : 0);
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    kvb_out_put_str (out, g_ptr_array_index (keys, i));
}

/* An array of KvEntry, @entries may be %NULL for none. */
void
kvb_out_put_entries (KvbOut *out, GPtrArray *entries)
{
  kvb_out_put_u64 (out, entries != NULL ? entries->len : 0);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const KvEntry *entry = g_ptr_array_index (entries, i);

      kvb_out_put_str (out, kv_entry_get_key (entry));
      kvb_out_put_bytes (out, kv_entry_get_value (entry));
    }
}

void
kvb_out_put_claim (KvbOut *out, const KvClaim *claim)
{
  kvb_out_put_str (out, kv_claim_get_id (claim));
  kvb_out_put_str (out, kv_claim_get_key (claim));
  kvb_out_put_u64 (out, kv_claim_get_token (claim));
  kvb_out_put_opt_str (out, kv_claim_get_owner (claim));
  kvb_out_put_i64 (out, kv_claim_get_expires_at (claim));
  kvb_out_put_bytes (out, kv_claim_get_value (claim));
}

/* An array of KvClaim, @claims may be %NULL for none. */
void
kvb_out_put_claims (KvbOut *out, GPtrArray *claims)
{
  kvb_out_put_u64 (out, claims != NULL ? claims->len : 0);
  for (guint i = 0; claims != NULL && i < claims->len; i++)
    kvb_out_put_claim (out, g_ptr_array_index (claims, i));
}

/* Splits a buffer of @n NUL-terminated strings into an array (never NULL, even for @n == 0). */
const char **
kvb_split_keys (const char *packed, gsize n)
{
  const char **keys = g_new (const char *, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      keys[i] = packed;
      packed += strlen (packed) + 1;
    }
  if (n == 0)
    keys[0] = NULL;
  return keys;
}
