/* kva-builtin-stats.c — `kv-admin stats STORE`: the store's diagnostic snapshot.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "kva-builtins.h"

gboolean
kva_builtin_stats (int argc, char **argv, KvaInvocation *invocation, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("STORE");
  g_autoptr (KvStore) store = NULL;
  g_autofree char *stats_json = NULL;
  g_autoptr (JsonNode) stats = NULL;

  if (!kva_option_context_parse (context, NULL, &argc, &argv, invocation, KVA_BUILTIN_FLAG_NONE,
                                 error))
    return FALSE;
  if (!kva_expect_args (invocation, argc, argv, 0, "", error))
    return FALSE;

  store = kva_invocation_open_store (invocation, error);
  if (store == NULL)
    return FALSE;

  stats_json = kv_store_dup_stats_json (store, error);
  if (stats_json == NULL)
    return FALSE;

  if (invocation->json)
    {
      /* libkv already hands out canonical JSON: print it as it is. */
      kva_print_json_text (stats_json);
      return TRUE;
    }

  stats = kva_parse_store_json (stats_json, error);
  if (stats == NULL)
    return FALSE;
  kva_print_json_human (stats);
  return TRUE;
}
