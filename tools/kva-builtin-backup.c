/* kva-builtin-backup.c — `kv-admin backup STORE FILE`: a verified snapshot
 * of the store in FILE. The store is opened read-only: the disk backend takes
 * a consistent MVCC snapshot without blocking the store's writers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "kva-builtins.h"

static gint64 opt_max_entries;
static gint64 opt_max_bytes;

static const GOptionEntry backup_entries[] = {
  { "max-entries", 0, 0, G_OPTION_ARG_INT64, &opt_max_entries,
    "Fail (SnapshotBudgetExceededError) if the store holds more than N entries (0: no limit)",
    "N" },
  { "max-bytes", 0, 0, G_OPTION_ARG_INT64, &opt_max_bytes,
    "Fail if keys and values take more than N bytes (0: no limit)", "N" },
  { NULL },
};

/* Writes the snapshot and prints the summary; shared with compact. */
gboolean
kva_backup_to (KvaInvocation *invocation, KvStore *store, const char *file, gint64 max_entries,
               gint64 max_bytes, GError **error)
{
  KvBackupSummary summary = { 0 };
  gboolean ok;

  kva_progress_begin (invocation, "copying", KVA_PROGRESS_STOPPABLE);
  ok = kv_store_backup_full (store, file, FALSE, max_entries, max_bytes, kva_progress_report,
                             &invocation->progress, &summary, error);
  kva_progress_end (invocation);
  if (!ok)
    return FALSE;

  if (invocation->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
      g_autoptr (JsonNode) result = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "bestEffort");
      json_builder_add_boolean_value (builder, summary.best_effort);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, (gint64) summary.bytes);
      json_builder_set_member_name (builder, "entries");
      json_builder_add_int_value (builder, (gint64) summary.entries);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_set_member_name (builder, "noOp");
      json_builder_add_boolean_value (builder, summary.no_op);
      if (summary.warning != NULL)
        {
          json_builder_set_member_name (builder, "warning");
          json_builder_add_string_value (builder, summary.warning);
        }
      json_builder_end_object (builder);
      result = json_builder_get_root (builder);
      kva_print_json_node (result);
    }
  else
    {
      printf ("file: %s\nentries: %" PRIu64 "\nbytes: %" PRIu64 "\n", file, summary.entries,
              summary.bytes);
      if (summary.no_op)
        printf ("noOp: true (FILE is the store itself; nothing was written)\n");
      if (summary.warning != NULL)
        printf ("warning: %s\n", summary.warning);
    }
  return TRUE;
}

gboolean
kva_check_budgets (KvaInvocation *invocation, gint64 max_entries, gint64 max_bytes, GError **error)
{
  if (max_entries < 0)
    return kva_usage_error (invocation, error, "--max-entries must not be negative");
  if (max_bytes < 0)
    return kva_usage_error (invocation, error, "--max-bytes must not be negative");
  return TRUE;
}

gboolean
kva_builtin_backup (int argc, char **argv, KvaInvocation *invocation, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("STORE FILE");
  g_autoptr (KvStore) store = NULL;
  const char *file;

  if (!kva_option_context_parse (context, backup_entries, &argc, &argv, invocation,
                                 KVA_BUILTIN_FLAG_NONE, error))
    return FALSE;
  if (!kva_expect_path_arg (invocation, argc, argv, "FILE", &file, error) ||
      !kva_check_output_path (invocation, "FILE", file, TRUE, error) ||
      !kva_check_budgets (invocation, opt_max_entries, opt_max_bytes, error))
    return FALSE;

  store = kva_invocation_open_store (invocation, error);
  if (store == NULL)
    return FALSE;
  return kva_backup_to (invocation, store, file, opt_max_entries, opt_max_bytes, error);
}
