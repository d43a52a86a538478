/* kva-builtin-get.c — `kv-admin get STORE KEY`: print one value.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kva-builtins.h"

/* --json prints `{"key":…,"value":…}`, the shape of a JSONL line, so the
 * output of get feeds the same tools as export will. */
static gboolean
print_entry_json (KvStore *store, const char *key, GBytes *value, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonNode) entry = NULL;
  gsize size;
  const char *data = g_bytes_get_data (value, &size);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, key);
  json_builder_set_member_name (builder, "value");

  if (kv_options_get_serialization (kv_store_get_options (store)) == KV_SERIALIZATION_JSON)
    {
      g_autoptr (JsonNode) parsed = kva_parse_store_json (data, NULL);

      if (parsed == NULL)
        {
          /* The store does not enforce the mode it was created with, so the
           * likely cause is a string store read as json: say how to fix it. */
          g_set_error (error, KV_ERROR, KV_ERROR_UNEXPECTED_STORE_OUTPUT,
                       "value of key \"%s\" is not JSON; if the store was created with "
                       "serialization \"string\", add --options='{\"serialization\":\"string\"}'",
                       key);
          return FALSE;
        }
      json_builder_add_value (builder, g_steal_pointer (&parsed));
    }
  else
    {
      /* String mode stores bytes; JSON can only carry them as a string. */
      if (memchr (data, '\0', size) != NULL || !g_utf8_validate (data, (gssize) size, NULL))
        {
          g_set_error (error, KV_ERROR, KV_ERROR_UNEXPECTED_STORE_OUTPUT,
                       "value of key \"%s\" is not UTF-8 text and cannot be printed as JSON; "
                       "run without --json for the raw bytes",
                       key);
          return FALSE;
        }
      json_builder_add_string_value (builder, data);
    }

  json_builder_end_object (builder);
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
