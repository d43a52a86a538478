/* kva-builtin-export.c — `kv-admin export STORE FILE`: entries to a JSONL
 * (default) or CSV file, written atomically.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kva-builtins.h"

static char *opt_prefix;
static gint64 opt_limit;
static char *opt_format;
static char *opt_columns;
static char *opt_delimiter;
static gboolean opt_no_key;

static const GOptionEntry export_entries[] = {
  { "prefix", 0, 0, G_OPTION_ARG_STRING, &opt_prefix, "Export only the keys that start with PREFIX",
    "PREFIX" },
  { "limit", 0, 0, G_OPTION_ARG_INT64, &opt_limit,
    "Export at most N records (0, the default: all, up to 1000000)", "N" },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "File format: jsonl (the default) or csv",
    "FORMAT" },
  { "columns", 0, 0, G_OPTION_ARG_STRING, &opt_columns,
    "csv: the value members to write, in order (required)", "A,B,…" },
  { "delimiter", 0, 0, G_OPTION_ARG_STRING, &opt_delimiter,
    "csv: the field delimiter, one ASCII character or 'tab' (default ',')", "C" },
  { "no-key", 0, 0, G_OPTION_ARG_NONE, &opt_no_key,
    "csv: do not write the key as a first column named 'key'", NULL },
  { NULL },
};

/* Summaries of export and import: `records: N` / `bytes: N` lines or one JSON object. */
void
kva_print_transfer_summary (KvaInvocation *invocation, const char *file, const char *format,
                            const KvTransferSummary *summary)
{
  if (invocation->json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
      g_autoptr (JsonNode) result = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, (gint64) summary->bytes);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_set_member_name (builder, "format");
      json_builder_add_string_value (builder, format);
      json_builder_set_member_name (builder, "records");
      json_builder_add_int_value (builder, (gint64) summary->records);
      json_builder_end_object (builder);
      result = json_builder_get_root (builder);
      kva_print_json_node (result);
    }
  else
    printf ("file: %s\nformat: %s\nrecords: %" PRIu64 "\nbytes: %" PRIu64 "\n", file, format,
            summary->records, summary->bytes);
}

/* jsonl or csv; anything else is bad usage. Sets *@csv. */
gboolean
kva_parse_format (KvaInvocation *invocation, const char *format, gboolean *csv, GError **error)
{
  if (format == NULL || strcmp (format, "jsonl") == 0)
    *csv = FALSE;
  else if (strcmp (format, "csv") == 0)
    *csv = TRUE;
  else
    return kva_usage_error (invocation, error, "--format must be jsonl or csv, not '%s'", format);
  return TRUE;
}

gboolean
kva_builtin_export (int argc, char **argv, KvaInvocation *invocation, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("STORE FILE");
  g_autoptr (KvStore) store = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *format = NULL;
  g_autofree char *columns_text = NULL;
  g_autofree char *delimiter_text = NULL;
  g_auto (GStrv) columns = NULL;
  KvTransferSummary summary = { 0 };
  gboolean csv = FALSE, include_key, ok;
  char delimiter = 0;
  gint64 limit;
  const char *file;

  if (!kva_option_context_parse (context, export_entries, &argc, &argv, invocation,
                                 KVA_BUILTIN_FLAG_NONE, error))
    return FALSE;
  prefix = g_steal_pointer (&opt_prefix);
  format = g_steal_pointer (&opt_format);
  columns_text = g_steal_pointer (&opt_columns);
  delimiter_text = g_steal_pointer (&opt_delimiter);
  limit = opt_limit;
  include_key = !opt_no_key;

  if (!kva_expect_path_arg (invocation, argc, argv, "FILE", &file, error) ||
      !kva_check_output_path (invocation, "FILE", file, FALSE, error) ||
      !kva_check_limit (invocation, "--limit", limit, KV_JSONL_LIMIT_MAX, error) ||
      !kva_parse_format (invocation, format, &csv, error) ||
      !kva_parse_delimiter (invocation, delimiter_text, &delimiter, error))
    return FALSE;

  if (!csv && (columns_text != NULL || delimiter_text != NULL || opt_no_key))
    return kva_usage_error (invocation, error,
                            "--columns, --delimiter and --no-key need --format=csv");
  if (csv)
    {
      if (columns_text == NULL || *columns_text == '\0')
        return kva_usage_error (invocation, error, "--format=csv needs --columns");
      columns = g_strsplit (columns_text, ",", -1);
      for (guint i = 0; columns[i] != NULL; i++)
        {
          if (*columns[i] == '\0')
            return kva_usage_error (invocation, error, "--columns has an empty column name");
          for (guint j = 0; j < i; j++)
            if (strcmp (columns[i], columns[j]) == 0)
              return kva_usage_error (invocation, error, "--columns names '%s' twice", columns[i]);
        }
    }

  store = kva_invocation_open_store (invocation, error);
  if (store == NULL)
    return FALSE;

  kva_progress_begin (invocation, "exporting", KVA_PROGRESS_STOPPABLE);
  if (csv)
    ok = kv_store_export_csv_full (store, file, (const char *const *) columns,
                                   g_strv_length (columns), prefix, limit, delimiter, include_key,
                                   kva_progress_report, &invocation->progress, &summary, error);
  else
    ok = kv_store_export_jsonl_full (store, file, prefix, limit, kva_progress_report,
                                     &invocation->progress, &summary, error);
  kva_progress_end (invocation);
  if (!ok)
    return FALSE;

  kva_print_transfer_summary (invocation, file, csv ? "csv" : "jsonl", &summary);
  return TRUE;
}
