/* kva-builtin-verify.c — `kv-admin verify FILE`: read a snapshot (or a closed
 * disk store file) completely and check it, without opening it as a store.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "kva-builtins.h"

gboolean
kva_builtin_verify (int argc, char **argv, KvaInvocation *invocation, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE");
  KvSnapshotInfo info = { 0 };
  const char *file, *serialization;
  g_autofree char *created = NULL;
  gboolean ok;

  g_option_context_set_description (
      context,
      "FILE is a snapshot written by backup or compact, or the file of a disk store\n"
      "that no process has open. Every key, and in a json store every value, is read and\n"
      "checked; a snapshot's checksum trailer is checked before LMDB reads the file.\n"
      "A damaged file is reported as SnapshotReadError (exit 1).\n"
      "\n"
      "Exit status: 0 if the file is sound, 1 if it is not or cannot be read, 2 on bad usage.");
  if (!kva_option_context_parse (context, NULL, &argc, &argv, invocation, KVA_BUILTIN_FLAG_NO_STORE,
                                 error))
    return FALSE;
  if (!kva_expect_path_arg (invocation, argc, argv, "FILE", &file, error))
    return FALSE;
  if (invocation->options_json != NULL)
    return kva_usage_error (invocation, error, "verify opens no store and takes no --options");

  kva_progress_begin (invocation, "verifying", KVA_PROGRESS_STOPPABLE);
  ok = kv_snapshot_verify_full (file, kva_progress_report, &invocation->progress, &info, error);
  kva_progress_end (invocation);
  if (!ok)
    return FALSE;

  serialization = info.serialization == KV_SERIALIZATION_STRING ? "string" : "json";
  if (info.created_at > 0)
    {
      g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (info.created_at / 1000);

      if (dt != NULL)
        created = g_date_time_format_iso8601 (dt);
    }

  if (invocation->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
      g_autoptr (JsonNode) result = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, (gint64) info.bytes);
      json_builder_set_member_name (builder, "claims");
      json_builder_add_int_value (builder, (gint64) info.claims);
      json_builder_set_member_name (builder, "createdAt");
      json_builder_add_int_value (builder, info.created_at);
      json_builder_set_member_name (builder, "entries");
      json_builder_add_int_value (builder, (gint64) info.entries);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_set_member_name (builder, "fileSize");
      json_builder_add_int_value (builder, (gint64) info.file_size);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "serialization");
      json_builder_add_string_value (builder, serialization);
      json_builder_set_member_name (builder, "snapshot");
      json_builder_add_boolean_value (builder, info.created_at > 0);
      json_builder_end_object (builder);
      result = json_builder_get_root (builder);
      kva_print_json_node (result);
    }
  else
    printf ("file: %s\nok: true\nentries: %" PRIu64 "\nbytes: %" PRIu64 "\nfileSize: %" PRIu64
            "\ncreatedAt: %s\nserialization: %s\nclaims: %" PRIu64 "\n",
            file, info.entries, info.bytes, info.file_size,
            created != NULL ? created : "- (a store file, not a snapshot)", serialization,
            info.claims);
  return TRUE;
}
