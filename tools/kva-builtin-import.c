/* kva-builtin-import.c — `kv-admin import STORE FILE`: records of a JSONL
 * (default) or CSV file into a store, in batches.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "kva-builtins.h"

static char *opt_format;
static char *opt_key_column;
static char *opt_delimiter;
static gboolean opt_no_header;
static gint64 opt_batch_size;
static gint64 opt_limit;

static const GOptionEntry import_entries[] = {
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, "File format: jsonl (the default) or csv",
    "FORMAT" },
  { "key-column", 0, 0, G_OPTION_ARG_STRING, &opt_key_column,
    "csv: the column holding each row's key: a header name (default 'key') or, with "
    "--no-header, a 1-based number (default 1)",
    "K" },
  { "delimiter", 0, 0, G_OPTION_ARG_STRING, &opt_delimiter,
    "csv: the field delimiter, one ASCII character or 'tab' (default ',')", "C" },
  { "no-header", 0, 0, G_OPTION_ARG_NONE, &opt_no_header,
    "csv: the first row is data, not column names", NULL },
  { "batch-size", 0, 0, G_OPTION_ARG_INT64, &opt_batch_size,
    "Records written per batch (0, the default: 1000; at most 10000)", "N" },
  { "limit", 0, 0, G_OPTION_ARG_INT64, &opt_limit,
    "Import at most N records (0, the default: all, up to 1000000)", "N" },
  { NULL },
};

gboolean
kva_builtin_import (int argc, char **argv, KvaInvocation *invocation, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("STORE FILE");
  g_autoptr (KvStore) store = NULL;
  g_autofree char *format = NULL;
  g_autofree char *key_column = NULL;
  g_autofree char *delimiter_text = NULL;
  KvTransferSummary summary = { 0 };
  gboolean csv = FALSE, has_header, ok;
  char delimiter = 0;
  gint64 limit, batch_size;
  const char *file;

  if (!kva_option_context_parse (context, import_entries, &argc, &argv, invocation,
                                 KVA_BUILTIN_FLAG_WRITES, error))
    return FALSE;
  format = g_steal_pointer (&opt_format);
  key_column = g_steal_pointer (&opt_key_column);
  delimiter_text = g_steal_pointer (&opt_delimiter);
  has_header = !opt_no_header;
  limit = opt_limit;
  batch_size = opt_batch_size;

  if (!kva_expect_path_arg (invocation, argc, argv, "FILE", &file, error) ||
      !kva_check_limit (invocation, "--limit", limit, KV_JSONL_LIMIT_MAX, error) ||
      !kva_check_limit (invocation, "--batch-size", batch_size, KV_JSONL_BATCH_MAX, error) ||
      !kva_parse_format (invocation, format, &csv, error) ||
      !kva_parse_delimiter (invocation, delimiter_text, &delimiter, error))
    return FALSE;
  if (!csv && (key_column != NULL || delimiter_text != NULL || !has_header))
    return kva_usage_error (invocation, error,
                            "--key-column, --delimiter and --no-header need --format=csv");
  if (key_column != NULL && *key_column == '\0')
    return kva_usage_error (invocation, error, "--key-column must not be empty");
  if (csv && key_column == NULL)
    key_column = g_strdup (has_header ? "key" : "1");

  store = kva_invocation_open_store (invocation, error);
  if (store == NULL)
    return FALSE;

  kva_progress_begin (invocation, "importing", KVA_PROGRESS_STOPPABLE);
  if (csv)
    ok =
        kv_store_import_csv_full (store, file, key_column, delimiter, has_header, limit, batch_size,
                                  kva_progress_report, &invocation->progress, &summary, error);
  else
    ok = kv_store_import_jsonl_full (store, file, limit, batch_size, kva_progress_report,
                                     &invocation->progress, &summary, error);
  kva_progress_end (invocation);
  /* On failure libkv's message names the bad line or row and what was
   * already committed; there is no summary to print. */
  if (!ok)
    return FALSE;

  kva_print_transfer_summary (invocation, file, csv ? "csv" : "jsonl", &summary);
  return TRUE;
}
