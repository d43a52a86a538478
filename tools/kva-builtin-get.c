/* kva-builtin-get.c — `kv-admin get STORE KEY`: print one value.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "kva-builtins.h"

/* --json prints `{"key":…,"value":…}`, the shape of a JSONL line, so the
 * output of get feeds the same tools as export does. */
static gboolean
print_entry_json (KvStore *store, const char *key, GBytes *value, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) entry = NULL;

  if (!kva_builder_add_entry (builder, store, key, value, error))
    return FALSE;
  entry = json_builder_get_root (builder);
  kva_print_json_node (entry);
  return TRUE;
}

gboolean
kva_builtin_get (int argc, char **argv, KvaInvocation *invocation, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("STORE KEY");
  g_autoptr (KvStore) store = NULL;
  g_autoptr (GBytes) value = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *key;

  if (!kva_option_context_parse (context, NULL, &argc, &argv, invocation, KVA_BUILTIN_FLAG_NONE,
                                 error))
    return FALSE;
  if (!kva_expect_args (invocation, argc, argv, 1, "KEY", error))
    return FALSE;
  key = argv[1];

  store = kva_invocation_open_store (invocation, error);
  if (store == NULL)
    return FALSE;

  value = kv_store_get (store, key, &local_error);
  if (value == NULL)
    {
      if (g_error_matches (local_error, KV_ERROR, KV_ERROR_KEY_NOT_FOUND))
        {
          /* Say which key in our own words; libkv's message may differ by backend. */
          g_set_error (error, KV_ERROR, KV_ERROR_KEY_NOT_FOUND, "key \"%s\" not found", key);
          return FALSE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (invocation->json)
    return print_entry_json (store, key, value, error);
  /* Human form: the stored text itself (canonical JSON in json mode). */
  return kva_print_raw (value, error);
}
