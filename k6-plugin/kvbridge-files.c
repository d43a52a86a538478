/* kvbridge-files.c — snapshots, JSON Lines and CSV (see kvbridge.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "kvbridge-private.h"

/* ---- Snapshots and JSON Lines --------------------------------------------------------------- */

/* The file a snapshot call uses: the one named, else the store's path (what
 * libkv falls back to; its summaries do not say which file they used). */
static const char *
snapshot_path (KvStore *store, const char *file_name)
{
  if (file_name != NULL && *file_name != '\0')
    return file_name;
  return kv_options_get_path (kv_store_get_options (store));
}

void
kvb_backup (KvStore *store, const char *file_name, int allow_concurrent_writes, gint64 max_entries,
            gint64 max_bytes, KvbOut *out)
{
  GError *error = NULL;
  KvBackupSummary sum = { 0 };

  kvb_out_reset (out);
  if (!kv_store_backup (store, file_name != NULL && *file_name != '\0' ? file_name : NULL,
                        allow_concurrent_writes, max_entries, max_bytes, &sum, &error))
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  out->num1 = sum.entries;
  out->num2 = sum.bytes;
  out->flag0 = sum.best_effort;
  out->flag1 = sum.no_op;
  kvb_out_put_str (out, snapshot_path (store, file_name));
  kvb_out_put_opt_str (out, sum.warning);
}

void
kvb_restore (KvStore *store, const char *file_name, gint64 max_entries, gint64 max_bytes,
             KvbOut *out)
{
  GError *error = NULL;
  KvRestoreSummary sum = { 0 };

  kvb_out_reset (out);
  if (!kv_store_restore (store, file_name != NULL && *file_name != '\0' ? file_name : NULL,
                         max_entries, max_bytes, &sum, &error))
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  out->num1 = sum.entries;
  out->num2 = sum.bytes;
  out->flag1 = sum.no_op;
  kvb_out_put_str (out, snapshot_path (store, file_name));
}

void
kvb_export_jsonl (KvStore *store, const char *file_name, const char *prefix, gint64 limit,
                  KvbOut *out)
{
  GError *error = NULL;
  KvTransferSummary sum = { 0 };

  kvb_out_reset (out);
  if (!kv_store_export_jsonl (store, file_name, prefix, limit, &sum, &error))
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  out->num1 = sum.records;
  out->num2 = sum.bytes;
}

void
kvb_import_jsonl (KvStore *store, const char *file_name, gint64 limit, gint64 batch_size,
                  KvbOut *out)
{
  GError *error = NULL;
  KvTransferSummary sum = { 0 };

  kvb_out_reset (out);
  /* On failure the message already names the line and the committed progress. */
  if (!kv_store_import_jsonl (store, file_name, limit, batch_size, &sum, &error))
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  out->num1 = sum.records;
  out->num2 = sum.bytes;
}

/* The validations do not touch the store; a closed handle still rejects, like
 * every method of a closed handle. TRUE (with the error in @out) when closed. */
static gboolean
out_closed (KvStore *store, KvbOut *out)
{
  GError *error = NULL;

  if (!kv_store_is_closed (store))
    return FALSE;
  g_set_error_literal (&error, KV_ERROR, KV_ERROR_STORE_CLOSED, "the store handle is closed");
  kvb_out_error (out, error, NULL);
  return TRUE;
}

/* Fills @out from a validation and clears it. */
static void
out_validation (KvbOut *out, KvValidation *v)
{
  out->flag0 = v->valid;
  out->flag1 = v->checked_all;
  out->num1 = v->records;
  out->num2 = v->bytes_read;
  if (!v->valid)
    {
      kvb_out_put_u64 (out, v->error_at);
      kvb_out_put_u64 (out, (guint64) v->error_code);
      kvb_out_put_str (out, v->error_message);
    }
  kv_validation_clear (v);
}

void
kvb_validate_jsonl (KvStore *store, const char *file_name, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  KvValidation v = { 0 };

  kvb_out_reset (out);
  if (out_closed (store, out))
    return;
  if (!kv_jsonl_validate (file_name, limit, &v, &error))
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  out_validation (out, &v);
}

/* ---- CSV ------------------------------------------------------------------------------------ */

void
kvb_export_csv (KvStore *store, const char *file_name, const char *packed_columns, gsize n_columns,
                const char *prefix, gint64 limit, char delimiter, int include_key, KvbOut *out)
{
  g_autofree const char **columns = kvb_split_keys (packed_columns, n_columns);
  GError *error = NULL;
  KvTransferSummary sum = { 0 };

  kvb_out_reset (out);
  if (!kv_store_export_csv (store, file_name, columns, n_columns, prefix, limit, delimiter,
                            include_key, &sum, &error))
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  out->num1 = sum.records;
  out->num2 = sum.bytes;
}

void
kvb_import_csv (KvStore *store, const char *file_name, const char *key_column, char delimiter,
                int has_header, gint64 limit, gint64 batch_size, KvbOut *out)
{
  GError *error = NULL;
  KvTransferSummary sum = { 0 };

  kvb_out_reset (out);
  /* libkv only notices a closed handle at the first batch's write: a file
   * without data rows would otherwise "import" into a closed handle. */
  if (out_closed (store, out))
    return;
  /* On failure the message already names the row and the committed progress. */
  if (!kv_store_import_csv (store, file_name, key_column, delimiter, has_header, limit, batch_size,
                            &sum, &error))
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  out->num1 = sum.records;
  out->num2 = sum.bytes;
}

void
kvb_validate_csv (KvStore *store, const char *file_name, const char *key_column, char delimiter,
                  int has_header, gint64 limit, KvbOut *out)
{
  GError *error = NULL;
  KvValidation v = { 0 };

  kvb_out_reset (out);
  if (out_closed (store, out))
    return;
  if (!kv_csv_validate (file_name, key_column, delimiter, has_header, limit, &v, &error))
    {
      kvb_out_error (out, error, NULL);
      return;
    }
  out_validation (out, &v);
}
