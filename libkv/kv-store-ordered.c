/* kv-store-ordered.c — order, paging and sampling: list, scan, count, deleteByPrefix, random keys.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-cursor-private.h"
#include "kv-store-private.h"
#include "kv-value-private.h"

/* ---- Order, paging, sampling -------------------------------------------------------------- */

static GPtrArray *
list_common (KvStore *store, const char *prefix, gint64 limit, gboolean keys_only, GError **error)
{
  KvCore *core;
  guint64 max;
  gboolean more;
  GPtrArray *out;

  g_return_val_if_fail (KV_IS_STORE (store), NULL);
  if (!_kv_prefix_validate (prefix, FALSE, error) ||
      !_kv_limit_validate (limit, KV_LIST_LIMIT_MAX, keys_only ? "listKeys" : "list", &max, error))
    return NULL;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func (keys_only ? g_free : (GDestroyNotify) kv_entry_unref);
  if (!_kv_backend_scan (core->backend, prefix, NULL, max, keys_only, out, &more, error))
    g_clear_pointer (&out, g_ptr_array_unref);
  _kv_core_release (core);
  return out;
}

GPtrArray *
kv_store_list (KvStore *store, const char *prefix, gint64 limit, GError **error)
{
  return list_common (store, prefix, limit, FALSE, error);
}

GPtrArray *
kv_store_list_keys (KvStore *store, const char *prefix, gint64 limit, GError **error)
{
  return list_common (store, prefix, limit, TRUE, error);
}

static gboolean
scan_common (KvStore *store, const char *prefix, const char *cursor, gint64 limit,
             gboolean keys_only, GPtrArray **out_items, char **out_cursor, gboolean *out_done,
             GError **error)
{
  KvCore *core;
  guint64 max;
  gboolean more = FALSE;
  g_autofree char *after = NULL;
  g_autoptr (GPtrArray) items = NULL;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  g_return_val_if_fail (out_items != NULL && out_cursor != NULL && out_done != NULL, FALSE);
  if (!_kv_prefix_validate (prefix, FALSE, error) ||
      !_kv_limit_validate (limit, KV_SCAN_LIMIT_MAX, keys_only ? "scanKeys" : "scan", &max,
                           error) ||
      !_kv_cursor_decode (cursor, prefix, &after, error))
    return FALSE;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  items = g_ptr_array_new_with_free_func (keys_only ? g_free : (GDestroyNotify) kv_entry_unref);
  if (!_kv_backend_scan (core->backend, prefix, after, max, keys_only, items, &more, error))
    {
      _kv_core_release (core);
      return FALSE;
    }
  _kv_core_release (core);

  /* The next page starts strictly after the last key of this one. The last
   * page's cursor is "", as in xk6-kv, so `while (cursor !== "")` loops end. */
  if (!more)
    *out_cursor = g_strdup ("");
  else if (items->len > 0)
    {
      gpointer last = items->pdata[items->len - 1];
      *out_cursor =
          _kv_cursor_encode (prefix, keys_only ? (const char *) last : kv_entry_get_key (last));
    }
  else
    *out_cursor = g_strdup (after ? cursor : "");
  *out_done = !more;
  *out_items = g_steal_pointer (&items);
  return TRUE;
}

gboolean
kv_store_scan (KvStore *store, const char *prefix, const char *cursor, gint64 limit,
               GPtrArray **out_entries, char **out_cursor, gboolean *out_done, GError **error)
{
  return scan_common (store, prefix, cursor, limit, FALSE, out_entries, out_cursor, out_done,
                      error);
}

gboolean
kv_store_scan_keys (KvStore *store, const char *prefix, const char *cursor, gint64 limit,
                    GPtrArray **out_keys, char **out_cursor, gboolean *out_done, GError **error)
{
  return scan_common (store, prefix, cursor, limit, TRUE, out_keys, out_cursor, out_done, error);
}

gboolean
kv_store_count (KvStore *store, const char *prefix, guint64 *out_count, GError **error)
{
  KvCore *core;
  guint64 count = 0;
  gboolean ok;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  if (!_kv_prefix_validate (prefix, FALSE, error))
    return FALSE;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  ok = _kv_backend_count_prefix (core->backend, prefix, &count, error);
  _kv_core_release (core);
  if (ok && out_count)
    *out_count = count;
  return ok;
}

gboolean
kv_store_delete_by_prefix (KvStore *store, const char *prefix, gint64 limit, guint64 *out_deleted,
                           gboolean *out_done, GError **error)
{
  KvCore *core;
  guint64 max, deleted = 0;
  gboolean more = FALSE, ok;
  g_autoptr (GPtrArray) keys = NULL;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  if (!_kv_prefix_validate (prefix, TRUE, error))
    return FALSE;
  if (limit <= 0)
    {
      g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                           "deleteByPrefix limit is required and must be a positive integer");
      return FALSE;
    }
  if (!_kv_limit_validate (limit, KV_DELETE_BY_PREFIX_LIMIT_MAX, "deleteByPrefix", &max, error))
    return FALSE;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  if (!_kv_core_check_writable (core, error))
    {
      _kv_core_release (core);
      return FALSE;
    }
  keys = g_ptr_array_new_with_free_func (g_free);
  ok = _kv_backend_scan (core->backend, prefix, NULL, max, TRUE, keys, &more, error) &&
       _kv_backend_remove_many (core->backend, (const char *const *) keys->pdata, keys->len,
                                &deleted, error);
  _kv_core_release (core);
  if (!ok)
    return FALSE;
  if (out_deleted)
    *out_deleted = deleted;
  if (out_done)
    *out_done = !more;
  return TRUE;
}

static GPtrArray *
random_common (KvStore *store, const char *prefix, guint64 count, gboolean unique, GError **error)
{
  KvCore *core;
  GPtrArray *keys;

  if (!_kv_prefix_validate (prefix, FALSE, error))
    return NULL;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return NULL;
  keys = g_ptr_array_new_with_free_func (g_free);
  if (!_kv_backend_random_keys (core->backend, prefix, count, unique, keys, error))
    g_clear_pointer (&keys, g_ptr_array_unref);
  _kv_core_release (core);
  return keys;
}

gboolean
kv_store_random_key (KvStore *store, const char *prefix, char **out_key, GError **error)
{
  g_autoptr (GPtrArray) keys = NULL;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  g_return_val_if_fail (out_key != NULL, FALSE);
  keys = random_common (store, prefix, 1, TRUE, error);
  if (keys == NULL)
    return FALSE;
  *out_key = keys->len ? g_strdup (keys->pdata[0]) : NULL;
  return TRUE;
}

GPtrArray *
kv_store_random_keys (KvStore *store, const char *prefix, gint64 count, gboolean unique,
                      GError **error)
{
  g_return_val_if_fail (KV_IS_STORE (store), NULL);
  if (count < 1 || count > KV_RANDOM_KEYS_COUNT_MAX)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                   "randomKeys count must be an integer from 1 to %d", KV_RANDOM_KEYS_COUNT_MAX);
      return NULL;
    }
  return random_common (store, prefix, (guint64) count, unique, error);
}

gboolean
kv_store_rebuild_key_list (KvStore *store, GError **error)
{
  KvCore *core;
  gboolean ok;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  ok = _kv_backend_rebuild_index (core->backend, error);
  _kv_core_release (core);
  return ok;
}
