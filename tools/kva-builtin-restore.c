/* kva-builtin-restore.c — `kv-admin restore STORE FILE`: replace the store's
 * contents with a snapshot, after checking the snapshot completely.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "kva-builtins.h"

static gint64 opt_max_entries;
static gint64 opt_max_bytes;

static const GOptionEntry restore_entries[] = {
  { "max-entries", 0, 0, G_OPTION_ARG_INT64, &opt_max_entries,
    "Refuse (SnapshotBudgetExceededError) a snapshot of more than N entries (0: no limit)", "N" },
  { "max-bytes", 0, 0, G_OPTION_ARG_INT64, &opt_max_bytes,
    "Refuse a snapshot of more than N bytes of keys and values (0: no limit)", "N" },
  { NULL },
};

gboolean
kva_builtin_restore (int argc, char **argv, KvaInvocation *invocation, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("STORE FILE");
  g_autoptr (KvStore) store = NULL;
  KvRestoreSummary summary = { 0 };
  const char *file;
  gboolean ok;

  if (!kva_option_context_parse (context, restore_entries, &argc, &argv, invocation,
                                 KVA_BUILTIN_FLAG_WRITES, error))
    return FALSE;
  if (!kva_expect_path_arg (invocation, argc, argv, "FILE", &file, error) ||
      !kva_check_budgets (invocation, opt_max_entries, opt_max_bytes, error))
    return FALSE;

  store = kva_invocation_open_store (invocation, error);
  if (store == NULL)
    return FALSE;

  kva_progress_begin (invocation, "restoring", KVA_PROGRESS_STOPPABLE);
  ok = kv_store_restore_full (store, file, opt_max_entries, opt_max_bytes, kva_progress_report,
                              &invocation->progress, &summary, error);
  kva_progress_end (invocation);
  if (!ok)
    return FALSE;

  if (invocation->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
      g_autoptr (JsonNode) result = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, (gint64) summary.bytes);
      json_builder_set_member_name (builder, "entries");
      json_builder_add_int_value (builder, (gint64) summary.entries);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_set_member_name (builder, "noOp");
      json_builder_add_boolean_value (builder, summary.no_op);
      json_builder_end_object (builder);
      result = json_builder_get_root (builder);
      kva_print_json_node (result);
    }
  else
    {
      printf ("file: %s\nentries: %" PRIu64 "\nbytes: %" PRIu64 "\n", file, summary.entries,
              summary.bytes);
      if (summary.no_op)
        printf ("noOp: true (FILE is the store itself; nothing changed)\n");
    }
  return TRUE;
}
