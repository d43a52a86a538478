/* kva-builtin-list.c — `kv-admin list STORE [--prefix=P] [--limit=N]
 * [--keys-only]`: entries (or keys) in key order, all in one go.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdio.h>

#include "kva-builtins.h"

static char *opt_prefix;
static gint64 opt_limit;
static gboolean opt_keys_only;

static const GOptionEntry list_entries[] = {
  { "prefix", 0, 0, G_OPTION_ARG_STRING, &opt_prefix, "List only the keys that start with PREFIX",
    "PREFIX" },
  { "limit", 0, 0, G_OPTION_ARG_INT64, &opt_limit,
    "List at most N entries (0, the default: all, up to 250000)", "N" },
  { "keys-only", 0, 0, G_OPTION_ARG_NONE, &opt_keys_only, "List keys without their values", NULL },
  { NULL },
};

/* Prints a page of entries or keys: `KEY<TAB>VALUE` or `KEY` lines. Shared with scan. */
gboolean
kva_print_items_human (GPtrArray *items, gboolean keys_only, GError **error)
{
  for (guint i = 0; i < items->len; i++)
    {
      if (keys_only)
        {
          if (puts (g_ptr_array_index (items, i)) == EOF)
            return kva_stdout_error (error);
        }
      else
        {
          const KvEntry *entry = g_ptr_array_index (items, i);

          if (!kva_print_entry_line (kv_entry_get_key (entry), kv_entry_get_value (entry), error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Adds `"keys":[…]` or `"entries":[{key,value}…]` to an open object. Shared with scan. */
gboolean
kva_builder_add_items (JsonBuilder *builder, KvStore *store, GPtrArray *items, gboolean keys_only,
                       GError **error)
{
  json_builder_set_member_name (builder, keys_only ? "keys" : "entries");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      if (keys_only)
        json_builder_add_string_value (builder, g_ptr_array_index (items, i));
      else
        {
          const KvEntry *entry = g_ptr_array_index (items, i);

          if (!kva_builder_add_entry (builder, store, kv_entry_get_key (entry),
                                      kv_entry_get_value (entry), error))
            return FALSE;
        }
    }
  json_builder_end_array (builder);
  return TRUE;
}

gboolean
kva_builtin_list (int argc, char **argv, KvaInvocation *invocation, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("STORE");
  g_autoptr (KvStore) store = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr (GPtrArray) items = NULL;
  gboolean keys_only;
  gint64 limit;

  if (!kva_option_context_parse (context, list_entries, &argc, &argv, invocation,
                                 KVA_BUILTIN_FLAG_NONE, error))
    return FALSE;
  prefix = g_steal_pointer (&opt_prefix);
  limit = opt_limit;
  keys_only = opt_keys_only;
  if (!kva_expect_args (invocation, argc, argv, 0, "", error) ||
      !kva_check_limit (invocation, "--limit", limit, KV_LIST_LIMIT_MAX, error))
    return FALSE;

  store = kva_invocation_open_store (invocation, error);
  if (store == NULL)
    return FALSE;

  kva_progress_begin (invocation, "listing", KVA_PROGRESS_STATUS);
  items = keys_only ? kv_store_list_keys (store, prefix, limit, error)
                    : kv_store_list (store, prefix, limit, error);
  kva_progress_end (invocation);
  if (items == NULL)
    return FALSE;

  if (invocation->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
      g_autoptr (JsonNode) result = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, items->len);
      if (!kva_builder_add_items (builder, store, items, keys_only, error))
        return FALSE;
      json_builder_end_object (builder);
      result = json_builder_get_root (builder);
      kva_print_json_node (result);
      return TRUE;
    }
  return kva_print_items_human (items, keys_only, error);
}
