/* kvbridge-store.c — opening, plain, atomic and ordered store calls (see kvbridge.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kvbridge-private.h"

KvStore *
kvb_open_shared (const char *options_json, KvbOut *out)
{
  g_autoptr (KvOptions) options = NULL;
  GError *error = NULL;
  KvStore *store;
  const KvOptions *effective;

  kvb_out_reset (out);
  options = kv_options_new_from_json (options_json, &error);
  if (options == NULL)
    {
      kvb_out_error (out, error, NULL);
      return NULL;
    }
  store = kv_store_open_shared (options, &error);
  if (store == NULL)
    {
      kvb_out_error (out, error, NULL);
      return NULL;
    }
  /* The binding writes canonical JSON itself (values.go): no second parse. */
  kv_store_set_values_canonical (store, TRUE);
  effective = kv_store_get_options (store);
  out->flag0 = kv_options_get_serialization (effective) == KV_SERIALIZATION_STRING;
  out->flag1 = kv_options_get_backend (effective) == KV_BACKEND_MEMORY;
  out->num1 = kv_options_get_metrics_operations (effective) ? 1 : 0;
  out->num2 = kv_options_get_track_keys (effective) ? 1 : 0;
  return store;
}

/* These two take no KvbOut, so they set the thread's mode themselves: the
 * thread may last have run an event loop's nonblocking call. */
void
kvb_close (KvStore *store)
{
  kv_set_thread_nonblocking (FALSE);
  kv_store_close (store);
}

void
kvb_unref (KvStore *store)
{
  kv_set_thread_nonblocking (FALSE);
  g_object_unref (store);
}

void
kvb_get (KvStore *store, const char *key, KvbOut *out)
{
  GError *error = NULL;
  GBytes *value;

  kvb_out_reset (out);
  value = kv_store_get (store, key, &error);
  if (value == NULL)
    kvb_out_error (out, error, NULL);
  else
    kvb_out_take_value (out, value);
}

void
kvb_exists (KvStore *store, const char *key, KvbOut *out)
{
  GError *error = NULL;
  gboolean exists = FALSE;

  kvb_out_reset (out);
  if (!kv_store_exists (store, key, &exists, &error))
    kvb_out_error (out, error, NULL);
  out->flag0 = exists;
}

void
kvb_clear (KvStore *store, KvbOut *out)
{
  GError *error = NULL;

  kvb_out_reset (out);
  if (!kv_store_clear (store, &error))
    kvb_out_error (out, error, NULL);
}

void
kvb_size (KvStore *store, KvbOut *out)
{
  GError *error = NULL;
  guint64 size = 0;

  kvb_out_reset (out);
  if (!kv_store_size (store, &size, &error))
    kvb_out_error (out, error, NULL);
  out->num1 = size;
}

void
kvb_get_many (KvStore *store, const char *packed_keys, gsize n, KvbOut *out)
{
  g_autofree const char **keys = kvb_split_keys (packed_keys, n);
  GPtrArray *item_errors = NULL;
  GError *error = NULL;
  GPtrArray *values;

  kvb_out_reset (out);
  values = kv_store_get_many (store, keys, n, &item_errors, &error);
  if (values == NULL)
    {
      kvb_out_error (out, error, item_errors);
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
          kvb_out_put_i64 (out, -1);
          continue;
        }
      data = g_bytes_get_data (value, &size);
      kvb_out_put_i64 (out, (gint64) size);
      kvb_out_put (out, data, size);
    }
  out->num1 = values->len;
  g_ptr_array_unref (values);
}

/* ---- Order, paging, sampling ---------------------------------------------------------------- */

void
kvb_list (KvStore *store, const char *prefix, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  kvb_out_reset (out);
  entries = kv_store_list (store, prefix, limit, &error);
  if (entries == NULL)
    kvb_out_error (out, error, NULL);
  else
    kvb_out_put_entries (out, entries);
}

void
kvb_list_keys (KvStore *store, const char *prefix, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) keys = NULL;

  kvb_out_reset (out);
  keys = kv_store_list_keys (store, prefix, limit, &error);
  if (keys == NULL)
    kvb_out_error (out, error, NULL);
  else
    kvb_out_put_keys (out, keys);
}

void
kvb_scan (KvStore *store, const char *prefix, const char *cursor, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *next = NULL;
  gboolean done = FALSE;

  kvb_out_reset (out);
  if (!kv_store_scan (store, prefix, cursor, limit, &entries, &next, &done, &error))
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  kvb_out_put_str (out, next);
  kvb_out_put_entries (out, entries);
  out->flag0 = done;
}

void
kvb_scan_keys (KvStore *store, const char *prefix, const char *cursor, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  g_autofree char *next = NULL;
  gboolean done = FALSE;

  kvb_out_reset (out);
  if (!kv_store_scan_keys (store, prefix, cursor, limit, &keys, &next, &done, &error))
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  kvb_out_put_str (out, next);
  kvb_out_put_keys (out, keys);
  out->flag0 = done;
}

void
kvb_count (KvStore *store, const char *prefix, KvbOut *out)
{
  GError *error = NULL;
  guint64 count = 0;

  kvb_out_reset (out);
  if (!kv_store_count (store, prefix, &count, &error))
    kvb_out_error (out, error, NULL);
  out->num1 = count;
}

void
kvb_delete_by_prefix (KvStore *store, const char *prefix, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  guint64 deleted = 0;
  gboolean done = FALSE;

  kvb_out_reset (out);
  if (!kv_store_delete_by_prefix (store, prefix, limit, &deleted, &done, &error))
    {
      kvb_out_error (out, error, NULL);
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

  kvb_out_reset (out);
  if (!kv_store_random_key (store, prefix, &key, &error))
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  if (key != NULL)
    {
      out->has_value = 1;
      kvb_out_put (out, key, strlen (key));
    }
}

void
kvb_random_keys (KvStore *store, const char *prefix, gint64 count, int unique, KvbOut *out)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) keys = NULL;

  kvb_out_reset (out);
  keys = kv_store_random_keys (store, prefix, count, unique, &error);
  if (keys == NULL)
    kvb_out_error (out, error, NULL);
  else
    kvb_out_put_keys (out, keys);
}

void
kvb_rebuild_key_list (KvStore *store, KvbOut *out)
{
  GError *error = NULL;

  kvb_out_reset (out);
  if (!kv_store_rebuild_key_list (store, &error))
    kvb_out_error (out, error, NULL);
}

void
kvb_stats (KvStore *store, KvbOut *out)
{
  GError *error = NULL;
  g_autofree char *json = NULL;

  kvb_out_reset (out);
  json = kv_store_dup_stats_json (store, &error);
  if (json == NULL)
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  out->has_value = 1;
  kvb_out_put (out, json, strlen (json));
}
