/* kvbridge.c — see kvbridge.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kvbridge.h"

KvbOut *
kvb_out_new (gsize scratch_cap)
{
  KvbOut *out = g_new0 (KvbOut, 1);

  out->scratch = g_malloc (scratch_cap);
  out->scratch_cap = scratch_cap;
  out->code = KVB_OK;
  out->data = out->scratch;
  return out;
}

static void
out_reset (KvbOut *out)
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
}

static void
out_put (KvbOut *out, const void *bytes, gsize n)
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

static void
out_put_u64 (KvbOut *out, guint64 v)
{
  out_put (out, &v, sizeof v);
}

static void
out_put_i64 (KvbOut *out, gint64 v)
{
  out_put (out, &v, sizeof v);
}

static void
out_put_str (KvbOut *out, const char *s)
{
  gsize n = s != NULL ? strlen (s) : 0;

  out_put_u64 (out, n);
  out_put (out, s, n);
}

/* A string that may be %NULL: its length (-1 for %NULL), then its bytes. */
static void
out_put_opt_str (KvbOut *out, const char *s)
{
  if (s == NULL)
    {
      out_put_i64 (out, -1);
      return;
    }
  out_put_i64 (out, (gint64) strlen (s));
  out_put (out, s, strlen (s));
}

/* Hands @bytes out without copying; the slot keeps the reference until its next call. */
static void
out_take_value (KvbOut *out, GBytes *bytes)
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
static void
out_put_items (KvbOut *out, GPtrArray *items)
{
  out_put_u64 (out, items != NULL ? items->len : 0);
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const KvItemError *item = g_ptr_array_index (items, i);

      out_put_u64 (out, item->index);
      out_put_opt_str (out, item->key);
      out_put_opt_str (out, item->id);
      out_put_str (out, item->name);
      out_put_str (out, item->message);
    }
}

/* Consumes @error and @items. */
static void
out_error (KvbOut *out, GError *error, GPtrArray *items)
{
  out->code = error->domain == KV_ERROR ? error->code : KV_ERROR_UNKNOWN;
  out_put_str (out, error->message);
  out_put_items (out, items);
  g_clear_pointer (&items, g_ptr_array_unref);
  g_error_free (error);
}

static void
out_put_bytes (KvbOut *out, GBytes *bytes)
{
  gsize size = 0;
  const void *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;

  out_put_u64 (out, size);
  out_put (out, data, size);
}

/* An array of strings (element-type utf8), @keys may be %NULL for none. */
static void
out_put_keys (KvbOut *out, GPtrArray *keys)
{
  out_put_u64 (out, keys != NULL ? keys->len : 0);
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    out_put_str (out, g_ptr_array_index (keys, i));
}

/* An array of KvEntry, @entries may be %NULL for none. */
static void
out_put_entries (KvbOut *out, GPtrArray *entries)
{
  out_put_u64 (out, entries != NULL ? entries->len : 0);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const KvEntry *entry = g_ptr_array_index (entries, i);

      out_put_str (out, kv_entry_get_key (entry));
      out_put_bytes (out, kv_entry_get_value (entry));
    }
}

static void
out_put_claim (KvbOut *out, const KvClaim *claim)
{
  out_put_str (out, kv_claim_get_id (claim));
  out_put_str (out, kv_claim_get_key (claim));
  out_put_u64 (out, kv_claim_get_token (claim));
  out_put_opt_str (out, kv_claim_get_owner (claim));
  out_put_i64 (out, kv_claim_get_expires_at (claim));
  out_put_bytes (out, kv_claim_get_value (claim));
}

/* An array of KvClaim, @claims may be %NULL for none. */
static void
out_put_claims (KvbOut *out, GPtrArray *claims)
{
  out_put_u64 (out, claims != NULL ? claims->len : 0);
  for (guint i = 0; claims != NULL && i < claims->len; i++)
    out_put_claim (out, g_ptr_array_index (claims, i));
}

/* Splits a buffer of @n NUL-terminated strings into an array (never NULL, even for @n == 0). */
static const char **
split_keys (const char *packed, gsize n)
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

KvStore *
kvb_open_shared (const char *options_json, KvbOut *out)
{
  g_autoptr (KvOptions) options = NULL;
  GError *error = NULL;
  KvStore *store;
  const KvOptions *effective;

  out_reset (out);
  options = kv_options_new_from_json (options_json, &error);
  if (options == NULL)
    {
      out_error (out, error, NULL);
      return NULL;
    }
  store = kv_store_open_shared (options, &error);
  if (store == NULL)
    {
      out_error (out, error, NULL);
      return NULL;
    }
  effective = kv_store_get_options (store);
  out->flag0 = kv_options_get_serialization (effective) == KV_SERIALIZATION_STRING;
  out->flag1 = kv_options_get_backend (effective) == KV_BACKEND_MEMORY;
  out->num1 = kv_options_get_metrics_operations (effective) ? 1 : 0;
  out->num2 = kv_options_get_track_keys (effective) ? 1 : 0;
  return store;
}

void
kvb_close (KvStore *store)
{
  kv_store_close (store);
}

void
kvb_unref (KvStore *store)
{
  g_object_unref (store);
}

void
kvb_get (KvStore *store, const char *key, KvbOut *out)
{
  GError *error = NULL;
  GBytes *value;

  out_reset (out);
  value = kv_store_get (store, key, &error);
  if (value == NULL)
    out_error (out, error, NULL);
  else
    out_take_value (out, value);
}

void
kvb_set (KvStore *store, const char *key, const char *value, gsize value_len, KvbOut *out)
{
  GError *error = NULL;

  out_reset (out);
  if (!kv_store_set (store, key, value, value_len, &error))
    out_error (out, error, NULL);
}

void
kvb_delete (KvStore *store, const char *key, KvbOut *out)
{
  GError *error = NULL;

  out_reset (out);
  if (!kv_store_delete (store, key, &error))
    out_error (out, error, NULL);
}

void
kvb_exists (KvStore *store, const char *key, KvbOut *out)
{
  GError *error = NULL;
  gboolean exists = FALSE;

  out_reset (out);
  if (!kv_store_exists (store, key, &exists, &error))
    out_error (out, error, NULL);
  out->flag0 = exists;
}

void
kvb_clear (KvStore *store, KvbOut *out)
{
  GError *error = NULL;

  out_reset (out);
  if (!kv_store_clear (store, &error))
    out_error (out, error, NULL);
}

void
kvb_size (KvStore *store, KvbOut *out)
{
  GError *error = NULL;
  guint64 size = 0;

  out_reset (out);
  if (!kv_store_size (store, &size, &error))
    out_error (out, error, NULL);
  out->num1 = size;
}

void
kvb_get_many (KvStore *store, const char *packed_keys, gsize n, KvbOut *out)
{
  g_autofree const char **keys = split_keys (packed_keys, n);
  GPtrArray *item_errors = NULL;
  GError *error = NULL;
  GPtrArray *values;

  out_reset (out);
  values = kv_store_get_many (store, keys, n, &item_errors, &error);
  if (values == NULL)
    {
      out_error (out, error, item_errors);
      return;
    }
  g_clear_pointer (&item_errors, g_ptr_array_unref);
  for (guint i = 0; i < values->len; i++)
    {
      GBytes *value = g_ptr_array_index (values, i);
      gsize size = 0;
      const void *data;

      if (value == NULL)
        {
          out_put_i64 (out, -1);
          continue;
        }
      data = g_bytes_get_data (value, &size);
      out_put_i64 (out, (gint64) size);
      out_put (out, data, size);
    }
  out->num1 = values->len;
  g_ptr_array_unref (values);
}

void
kvb_set_many (KvStore *store, const char *packed_keys, const char *packed_values,
              const gsize *value_lens, gsize n, KvbOut *out)
{
  g_autofree const char **keys = split_keys (packed_keys, n);
  g_autofree const char **values = g_new (const char *, MAX (n, 1));
  GPtrArray *item_errors = NULL;
  GError *error = NULL;

  out_reset (out);
  values[0] = packed_values;
  for (gsize i = 0; i < n; i++)
    {
      values[i] = packed_values;
      packed_values += value_lens[i];
    }
  if (!kv_store_set_many (store, keys, values, value_lens, n, &item_errors, &error))
    out_error (out, error, item_errors);
  else
    g_clear_pointer (&item_errors, g_ptr_array_unref);
}

void
kvb_delete_many (KvStore *store, const char *packed_keys, gsize n, KvbOut *out)
{
  g_autofree const char **keys = split_keys (packed_keys, n);
  GPtrArray *item_errors = NULL;
  GError *error = NULL;
  guint64 deleted = 0, missing = 0;

  out_reset (out);
  if (!kv_store_delete_many (store, keys, n, &deleted, &missing, &item_errors, &error))
    {
      out_error (out, error, item_errors);
      return;
    }
  g_clear_pointer (&item_errors, g_ptr_array_unref);
  out->num1 = deleted;
  out->num2 = missing;
}

void
kvb_increment_by (KvStore *store, const char *key, gint64 delta, KvbOut *out)
{
  GError *error = NULL;
  gint64 value = 0;

  out_reset (out);
  if (!kv_store_increment_by (store, key, delta, &value, &error))
    out_error (out, error, NULL);
  out->num0 = value;
}

void
kvb_get_or_set (KvStore *store, const char *key, const char *value, gsize value_len,
                KvbOut *out)
{
  GError *error = NULL;
  gboolean loaded = FALSE;
  GBytes *result;

  out_reset (out);
  result = kv_store_get_or_set (store, key, value, value_len, &loaded, &error);
  if (result == NULL)
    {
      out_error (out, error, NULL);
      return;
    }
  out->flag0 = loaded;
  out_take_value (out, result);
}

void
kvb_swap (KvStore *store, const char *key, const char *value, gsize value_len, KvbOut *out)
{
  GError *error = NULL;
  GBytes *previous = NULL;

  out_reset (out);
  if (!kv_store_swap (store, key, value, value_len, &previous, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out->flag0 = previous != NULL;
  out_take_value (out, previous);
}

void
kvb_compare_and_swap (KvStore *store, const char *key, const char *expected, gsize expected_len,
                      int expect_absent, const char *value, gsize value_len, int want_current,
                      KvbOut *out)
{
  GError *error = NULL;
  gboolean swapped = FALSE, existed = FALSE;
  GBytes *current = NULL;

  out_reset (out);
  if (!kv_store_compare_and_swap (store, key, expect_absent ? NULL : expected,
                                  expect_absent ? 0 : expected_len, value, value_len, &swapped,
                                  &existed, want_current ? &current : NULL, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out->flag0 = swapped;
  out->flag1 = existed;
  out_take_value (out, current);
}

void
kvb_set_if_absent (KvStore *store, const char *key, const char *value, gsize value_len,
                   KvbOut *out)
{
  GError *error = NULL;
  gboolean set = FALSE;

  out_reset (out);
  if (!kv_store_set_if_absent (store, key, value, value_len, &set, &error))
    out_error (out, error, NULL);
  out->flag0 = set;
}

void
kvb_delete_if_exists (KvStore *store, const char *key, KvbOut *out)
{
  GError *error = NULL;
  gboolean deleted = FALSE;

  out_reset (out);
  if (!kv_store_delete_if_exists (store, key, &deleted, &error))
    out_error (out, error, NULL);
  out->flag0 = deleted;
}

void
kvb_compare_and_delete (KvStore *store, const char *key, const char *expected, gsize expected_len,
                        int want_current, KvbOut *out)
{
  GError *error = NULL;
  gboolean deleted = FALSE, existed = FALSE;
  GBytes *current = NULL;

  out_reset (out);
  if (!kv_store_compare_and_delete (store, key, expected, expected_len, &deleted, &existed,
                                    want_current ? &current : NULL, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out->flag0 = deleted;
  out->flag1 = existed;
  out_take_value (out, current);
}

/* ---- Order, paging, sampling ---------------------------------------------------------------- */

void
kvb_list (KvStore *store, const char *prefix, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  out_reset (out);
  entries = kv_store_list (store, prefix, limit, &error);
  if (entries == NULL)
    out_error (out, error, NULL);
  else
    out_put_entries (out, entries);
}

void
kvb_list_keys (KvStore *store, const char *prefix, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) keys = NULL;

  out_reset (out);
  keys = kv_store_list_keys (store, prefix, limit, &error);
  if (keys == NULL)
    out_error (out, error, NULL);
  else
    out_put_keys (out, keys);
}

void
kvb_scan (KvStore *store, const char *prefix, const char *cursor, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *next = NULL;
  gboolean done = FALSE;

  out_reset (out);
  if (!kv_store_scan (store, prefix, cursor, limit, &entries, &next, &done, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out_put_str (out, next);
  out_put_entries (out, entries);
  out->flag0 = done;
}

void
kvb_scan_keys (KvStore *store, const char *prefix, const char *cursor, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  g_autofree char *next = NULL;
  gboolean done = FALSE;

  out_reset (out);
  if (!kv_store_scan_keys (store, prefix, cursor, limit, &keys, &next, &done, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out_put_str (out, next);
  out_put_keys (out, keys);
  out->flag0 = done;
}

void
kvb_count (KvStore *store, const char *prefix, KvbOut *out)
{
  GError *error = NULL;
  guint64 count = 0;

  out_reset (out);
  if (!kv_store_count (store, prefix, &count, &error))
    out_error (out, error, NULL);
  out->num1 = count;
}

void
kvb_delete_by_prefix (KvStore *store, const char *prefix, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  guint64 deleted = 0;
  gboolean done = FALSE;

  out_reset (out);
  if (!kv_store_delete_by_prefix (store, prefix, limit, &deleted, &done, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out->num1 = deleted;
  out->flag0 = done;
}

void
kvb_random_key (KvStore *store, const char *prefix, KvbOut *out)
{
  GError *error = NULL;
  g_autofree char *key = NULL;

  out_reset (out);
  if (!kv_store_random_key (store, prefix, &key, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  if (key != NULL)
    {
      out->has_value = 1;
      out_put (out, key, strlen (key));
    }
}

void
kvb_random_keys (KvStore *store, const char *prefix, gint64 count, int unique, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) keys = NULL;

  out_reset (out);
  keys = kv_store_random_keys (store, prefix, count, unique, &error);
  if (keys == NULL)
    out_error (out, error, NULL);
  else
    out_put_keys (out, keys);
}

void
kvb_rebuild_key_list (KvStore *store, KvbOut *out)
{
  GError *error = NULL;

  out_reset (out);
  if (!kv_store_rebuild_key_list (store, &error))
    out_error (out, error, NULL);
}

void
kvb_stats (KvStore *store, KvbOut *out)
{
  GError *error = NULL;
  g_autofree char *json = NULL;

  out_reset (out);
  json = kv_store_dup_stats_json (store, &error);
  if (json == NULL)
    {
      out_error (out, error, NULL);
      return;
    }
  out->has_value = 1;
  out_put (out, json, strlen (json));
}

/* ---- Claims --------------------------------------------------------------------------------- */

void
kvb_pop_random (KvStore *store, const char *prefix, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (KvEntry) entry = NULL;

  out_reset (out);
  entry = kv_store_pop_random (store, prefix, &error);
  if (error != NULL)
    {
      out_error (out, error, NULL);
      return;
    }
  out_put_u64 (out, entry != NULL ? 1 : 0);
  if (entry != NULL)
    {
      out_put_str (out, kv_entry_get_key (entry));
      out_put_bytes (out, kv_entry_get_value (entry));
    }
}

void
kvb_pop_random_many (KvStore *store, const char *prefix, gint64 count, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  out_reset (out);
  entries = kv_store_pop_random_many (store, prefix, count, &error);
  if (entries == NULL)
    out_error (out, error, NULL);
  else
    out_put_entries (out, entries);
}

void
kvb_claim_random (KvStore *store, const char *prefix, const char *owner, gint64 ttl_ms,
                  KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (KvClaim) claim = NULL;

  out_reset (out);
  claim = kv_store_claim_random (store, prefix, owner, ttl_ms, &error);
  if (error != NULL)
    {
      out_error (out, error, NULL);
      return;
    }
  out_put_u64 (out, claim != NULL ? 1 : 0);
  if (claim != NULL)
    out_put_claim (out, claim);
}

void
kvb_claim_random_many (KvStore *store, const char *prefix, gint64 count, const char *owner,
                       gint64 ttl_ms, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) claims = NULL;

  out_reset (out);
  claims = kv_store_claim_random_many (store, prefix, count, owner, ttl_ms, &error);
  if (claims == NULL)
    out_error (out, error, NULL);
  else
    out_put_claims (out, claims);
}

void
kvb_claim_key (KvStore *store, const char *key, const char *owner, gint64 ttl_ms, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (KvClaim) claim = NULL;

  out_reset (out);
  claim = kv_store_claim_key (store, key, owner, ttl_ms, &error);
  if (error != NULL)
    {
      out_error (out, error, NULL);
      return;
    }
  out_put_u64 (out, claim != NULL ? 1 : 0);
  if (claim != NULL)
    out_put_claim (out, claim);
}

void
kvb_claim_keys (KvStore *store, const char *packed_keys, gsize n, const char *owner,
                gint64 ttl_ms, int all_or_nothing, KvbOut *out)
{
  g_autofree const char **keys = split_keys (packed_keys, n);
  GError *error = NULL;
  g_autoptr (GPtrArray) claimed = NULL;
  g_autoptr (GPtrArray) busy = NULL;
  g_autoptr (GPtrArray) missing = NULL;

  out_reset (out);
  g_autoptr (GPtrArray) items = NULL;

  if (!kv_store_claim_keys (store, keys, n, owner, ttl_ms, all_or_nothing, &claimed, &busy,
                            &missing, &items, &error))
    {
      out_error (out, error, items);
      return;
    }
  out_put_claims (out, claimed);
  out_put_keys (out, busy);
  out_put_keys (out, missing);
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
kvb_claim_ref (KvStore *store, int op, const char *id, const char *key, guint64 token,
               int delete_key, gint64 ttl_ms, KvbOut *out)
{
  KvClaimRef ref = { id, key, token };
  GError *error = NULL;
  gboolean done = FALSE;
  gboolean ok;

  out_reset (out);
  switch (op)
    {
    case KVB_REF_RELEASE:
      ok = kv_store_release_claim (store, &ref, &done, &error);
      break;
    case KVB_REF_COMPLETE:
      ok = kv_store_complete_claim (store, &ref, delete_key, &done, &error);
      break;
    case KVB_REF_RENEW:
      ok = kv_store_renew_claim (store, &ref, ttl_ms, &done, &error);
      break;
    default:
      g_set_error (&error, KV_ERROR, KV_ERROR_UNKNOWN, "unknown claim operation %d", op);
      ok = FALSE;
    }
  if (!ok)
    {
      out_error (out, error, NULL);
      return;
    }
  out->flag0 = done;
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

  out_reset (out);
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
      out_error (out, error, NULL);
      return;
    }
  out->num1 = done;
  out_put_items (out, failed);
}

void
kvb_allocation_stats (KvStore *store, const char *prefix, KvbOut *out)
{
  GError *error = NULL;
  KvAllocationStats stats = { 0 };

  out_reset (out);
  if (!kv_store_allocation_stats (store, prefix, &stats, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out_put_u64 (out, stats.total);
  out_put_u64 (out, stats.claimable);
  out_put_u64 (out, stats.claimed_live);
  out_put_u64 (out, stats.claimed_expired);
}

/* ---- Snapshots and JSON Lines --------------------------------------------------------------- */

/* The file a snapshot call uses: the one named, else the store's path (what
 * libkv falls back to; its summaries do not say which file they used). */
static const char *
snapshot_path (KvStore *store, const char *file_name)
{
  if (file_name != NULL && *file_name != '\0')
    return file_name;
  return kv_options_get_path (kv_store_get_options (store));
}

void
kvb_backup (KvStore *store, const char *file_name, int allow_concurrent_writes,
            gint64 max_entries, gint64 max_bytes, KvbOut *out)
{
  GError *error = NULL;
  KvBackupSummary sum = { 0 };

  out_reset (out);
  if (!kv_store_backup (store, file_name != NULL && *file_name != '\0' ? file_name : NULL,
                        allow_concurrent_writes, max_entries, max_bytes, &sum, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out->num1 = sum.entries;
  out->num2 = sum.bytes;
  out->flag0 = sum.best_effort;
  out->flag1 = sum.no_op;
  out_put_str (out, snapshot_path (store, file_name));
  out_put_opt_str (out, sum.warning);
}

void
kvb_restore (KvStore *store, const char *file_name, gint64 max_entries, gint64 max_bytes,
             KvbOut *out)
{
  GError *error = NULL;
  KvRestoreSummary sum = { 0 };

  out_reset (out);
  if (!kv_store_restore (store, file_name != NULL && *file_name != '\0' ? file_name : NULL,
                         max_entries, max_bytes, &sum, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out->num1 = sum.entries;
  out->num2 = sum.bytes;
  out->flag1 = sum.no_op;
  out_put_str (out, snapshot_path (store, file_name));
}

void
kvb_export_jsonl (KvStore *store, const char *file_name, const char *prefix, gint64 limit,
                  KvbOut *out)
{
  GError *error = NULL;
  KvTransferSummary sum = { 0 };

  out_reset (out);
  if (!kv_store_export_jsonl (store, file_name, prefix, limit, &sum, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out->num1 = sum.records;
  out->num2 = sum.bytes;
}

void
kvb_import_jsonl (KvStore *store, const char *file_name, gint64 limit, gint64 batch_size,
                  KvbOut *out)
{
  GError *error = NULL;
  KvTransferSummary sum = { 0 };

  out_reset (out);
  /* On failure the message already names the line and the committed progress. */
  if (!kv_store_import_jsonl (store, file_name, limit, batch_size, &sum, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out->num1 = sum.records;
  out->num2 = sum.bytes;
}

/* The validations do not touch the store; a closed handle still rejects, like
 * every method of a closed handle. TRUE (with the error in @out) when closed. */
static gboolean
out_closed (KvStore *store, KvbOut *out)
{
  GError *error = NULL;

  if (!kv_store_is_closed (store))
    return FALSE;
  g_set_error_literal (&error, KV_ERROR, KV_ERROR_STORE_CLOSED, "the store handle is closed");
  out_error (out, error, NULL);
  return TRUE;
}

/* Fills @out from a validation and clears it. */
static void
out_validation (KvbOut *out, KvValidation *v)
{
  out->flag0 = v->valid;
  out->flag1 = v->checked_all;
  out->num1 = v->records;
  out->num2 = v->bytes_read;
  if (!v->valid)
    {
      out_put_u64 (out, v->error_at);
      out_put_u64 (out, (guint64) v->error_code);
      out_put_str (out, v->error_message);
    }
  kv_validation_clear (v);
}

void
kvb_validate_jsonl (KvStore *store, const char *file_name, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  KvValidation v = { 0 };

  out_reset (out);
  if (out_closed (store, out))
    return;
  if (!kv_jsonl_validate (file_name, limit, &v, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out_validation (out, &v);
}

/* ---- CSV ------------------------------------------------------------------------------------ */

void
kvb_export_csv (KvStore *store, const char *file_name, const char *packed_columns,
                gsize n_columns, const char *prefix, gint64 limit, char delimiter,
                int include_key, KvbOut *out)
{
  g_autofree const char **columns = split_keys (packed_columns, n_columns);
  GError *error = NULL;
  KvTransferSummary sum = { 0 };

  out_reset (out);
  if (!kv_store_export_csv (store, file_name, columns, n_columns, prefix, limit, delimiter,
                            include_key, &sum, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out->num1 = sum.records;
  out->num2 = sum.bytes;
}

void
kvb_import_csv (KvStore *store, const char *file_name, const char *key_column, char delimiter,
                int has_header, gint64 limit, gint64 batch_size, KvbOut *out)
{
  GError *error = NULL;
  KvTransferSummary sum = { 0 };

  out_reset (out);
  /* libkv only notices a closed handle at the first batch's write: a file
   * without data rows would otherwise "import" into a closed handle. */
  if (out_closed (store, out))
    return;
  /* On failure the message already names the row and the committed progress. */
  if (!kv_store_import_csv (store, file_name, key_column, delimiter, has_header, limit,
                            batch_size, &sum, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out->num1 = sum.records;
  out->num2 = sum.bytes;
}

void
kvb_validate_csv (KvStore *store, const char *file_name, const char *key_column, char delimiter,
                  int has_header, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  KvValidation v = { 0 };

  out_reset (out);
  if (out_closed (store, out))
    return;
  if (!kv_csv_validate (file_name, key_column, delimiter, has_header, limit, &v, &error))
    {
      out_error (out, error, NULL);
      return;
    }
  out_validation (out, &v);
}
