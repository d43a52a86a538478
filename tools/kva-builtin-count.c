/* kva-builtin-count.c — `kv-admin count STORE [--prefix=P]`: how many keys
 * the store holds, or how many start with a prefix.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "kva-builtins.h"

static char *opt_prefix;

static const GOptionEntry count_entries[] = {
  { "prefix", 0, 0, G_OPTION_ARG_STRING, &opt_prefix, "Count only the keys that start with PREFIX",
    "PREFIX" },
  { NULL },
};

gboolean
kva_builtin_count (int argc, char **argv, KvaInvocation *invocation, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("STORE");
  g_autoptr (KvStore) store = NULL;
  g_autofree char *prefix = NULL;
  guint64 count = 0;

  if (!kva_option_context_parse (context, count_entries, &argc, &argv, invocation,
                                 KVA_BUILTIN_FLAG_NONE, error))
    return FALSE;
  prefix = g_steal_pointer (&opt_prefix);
  if (!kva_expect_args (invocation, argc, argv, 0, "", error))
    return FALSE;

  store = kva_invocation_open_store (invocation, error);
  if (store == NULL)
    return FALSE;

  /* libkv counts a prefix from its key index when the store tracks keys, so
   * this stays cheap on large stores; NULL or "" counts every key. */
  if (!kv_store_count (store, prefix, &count, error))
    return FALSE;

  if (invocation->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
      g_autoptr (JsonNode) result = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, (gint64) count);
      json_builder_set_member_name (builder, "prefix");
      json_builder_add_string_value (builder, prefix != NULL ? prefix : "");
      json_builder_end_object (builder);
      result = json_builder_get_root (builder);
      kva_print_json_node (result);
    }
  else
    printf ("%" PRIu64 "\n", count);
  return TRUE;
}
