/* kva-builtin-scan.c — `kv-admin scan STORE [--prefix=P] [--limit=N]
 * [--cursor=C] [--keys-only]`: one page of entries (or keys) and the cursor
 * of the next one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdio.h>

#include "kva-builtins.h"

static char *opt_prefix;
static gint64 opt_limit;
static char *opt_cursor;
static gboolean opt_keys_only;

static const GOptionEntry scan_entries[] = {
  { "prefix", 0, 0, G_OPTION_ARG_STRING, &opt_prefix, "Scan only the keys that start with PREFIX",
    "PREFIX" },
  { "limit", 0, 0, G_OPTION_ARG_INT64, &opt_limit,
    "Page size: at most N entries (0, the default: the rest in one page, up to 100000)", "N" },
  { "cursor", 0, 0, G_OPTION_ARG_STRING, &opt_cursor,
    "Continue after the page that returned CURSOR (same --prefix)", "CURSOR" },
  { "keys-only", 0, 0, G_OPTION_ARG_NONE, &opt_keys_only, "Scan keys without their values", NULL },
  { NULL },
};

gboolean
kva_builtin_scan (int argc, char **argv, KvaInvocation *invocation, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("STORE");
  g_autoptr (KvStore) store = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *next_cursor = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean keys_only, done = FALSE, ok;
  gint64 limit;

  if (!kva_option_context_parse (context, scan_entries, &argc, &argv, invocation,
                                 KVA_BUILTIN_FLAG_NONE, error))
    return FALSE;
  prefix = g_steal_pointer (&opt_prefix);
  cursor = g_steal_pointer (&opt_cursor);
  limit = opt_limit;
  keys_only = opt_keys_only;
  if (!kva_expect_args (invocation, argc, argv, 0, "", error) ||
      !kva_check_limit (invocation, "--limit", limit, KV_SCAN_LIMIT_MAX, error))
    return FALSE;

  store = kva_invocation_open_store (invocation, error);
  if (store == NULL)
    return FALSE;

  kva_progress_begin (invocation, "scanning", KVA_PROGRESS_STATUS);
  ok = keys_only ? kv_store_scan_keys (store, prefix, cursor, limit, &items, &next_cursor, &done,
                                       &local_error)
                 : kv_store_scan (store, prefix, cursor, limit, &items, &next_cursor, &done,
                                  &local_error);
  kva_progress_end (invocation);
  if (!ok)
    {
      /* A cursor that does not decode or belongs to another prefix is a bad
       * argument: exit 2, keeping libkv's InvalidCursorError name. */
      if (g_error_matches (local_error, KV_ERROR, KV_ERROR_INVALID_CURSOR))
        invocation->bad_usage = TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (invocation->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
      g_autoptr (JsonNode) result = NULL;

      json_builder_begin_object (builder);
      if (!kva_builder_add_items (builder, store, items, keys_only, error))
        return FALSE;
      json_builder_set_member_name (builder, "cursor");
      json_builder_add_string_value (builder, next_cursor != NULL ? next_cursor : "");
      json_builder_set_member_name (builder, "done");
      json_builder_add_boolean_value (builder, done);
      json_builder_end_object (builder);
      result = json_builder_get_root (builder);
      kva_print_json_node (result);
      return TRUE;
    }

  if (!kva_print_items_human (items, keys_only, error))
    return FALSE;
  /* The page, then where to go on: lines without a tab, unlike the entries. */
  if (printf ("cursor: %s\ndone: %s\n", next_cursor != NULL ? next_cursor : "",
              done ? "true" : "false") < 0)
    return kva_stdout_error (error);
  return TRUE;
}
