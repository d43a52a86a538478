/* kv-jsonl.h — JSON Lines: the portable format, one {"key":…,"value":…} object per line.
 *
 * Files written by xk6-kv import here and the other way round. Values are
 * written as they read back through the API: the JSON value itself in json
 * mode, a JSON string in string mode.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <glib-object.h>
#include <libkv/kv-version-macros.h>
#include <libkv/kv-progress.h>
#include <libkv/kv-store.h>

G_BEGIN_DECLS

/**
 * KV_JSONL_MAX_LINE:
 *
 * The longest accepted line, 64 MiB plus room for the key (%KV_MAX_VALUE_SIZE
 * and 4 KiB).
 *
 * Since: 1.0
 */
#define KV_JSONL_MAX_LINE (64u * 1024u * 1024u + 4096u)
/**
 * KV_JSONL_LIMIT_MAX:
 *
 * The cap on a positive export, import or validate limit.
 *
 * Since: 1.0
 */
#define KV_JSONL_LIMIT_MAX 1000000
/**
 * KV_JSONL_BATCH_DEFAULT:
 *
 * Records per import batch when none is given.
 *
 * Since: 1.0
 */
#define KV_JSONL_BATCH_DEFAULT 1000
/**
 * KV_JSONL_BATCH_MAX:
 *
 * The cap on an import batch size.
 *
 * Since: 1.0
 */
#define KV_JSONL_BATCH_MAX 10000

/**
 * KvTransferSummary:
 * @records: records exported or imported
 * @bytes: bytes written (export) or consumed (import)
 *
 * What an export or import moved.
 *
 * Since: 1.0
 */
typedef struct
{
  guint64 records;
  guint64 bytes;
} KvTransferSummary;

/**
 * kv_store_export_jsonl:
 * @store: a #KvStore
 * @file_name: the file to write
 * @prefix: (nullable): only keys with this prefix
 * @limit: at most this many records (0 or less: all; positive values up to %KV_JSONL_LIMIT_MAX)
 * @out_summary: (out caller-allocates) (optional): what was written
 * @error: return location for a #GError, or %NULL
 *
 * Writes matching entries in key order to @file_name, atomically: a temporary
 * file in the same directory, fsynced, renamed into place, directory fsynced.
 * A failure leaves any existing @file_name untouched.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_export_jsonl (KvStore *store, const char *file_name,
                                                          const char *prefix, gint64 limit,
                                                          KvTransferSummary *out_summary,
                                                          GError **error);

/**
 * kv_store_export_jsonl_full:
 * @store: a #KvStore
 * @file_name: the file to write
 * @prefix: (nullable): only keys with this prefix
 * @limit: as for kv_store_export_jsonl()
 * @progress: (nullable) (scope call): called as the export advances (stages
 *   COPYING, with records_total the matching keys counted first, then
 *   COMMITTING); %FALSE from it stops the export and no file is written
 * @progress_data: (closure progress): data for @progress
 * @out_summary: (out caller-allocates) (optional): what was written
 * @error: return location for a #GError, or %NULL
 *
 * kv_store_export_jsonl() with progress reports.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean
kv_store_export_jsonl_full (KvStore *store, const char *file_name, const char *prefix, gint64 limit,
                            KvProgressFunc progress, gpointer progress_data,
                            KvTransferSummary *out_summary, GError **error);

/**
 * kv_store_import_jsonl:
 * @store: a #KvStore
 * @file_name: the file to read
 * @limit: at most this many records (0 or less: all)
 * @batch_size: records per batch (0 or less: %KV_JSONL_BATCH_DEFAULT; at most %KV_JSONL_BATCH_MAX)
 * @out_summary: (out caller-allocates) (optional): what was committed — also on failure
 * @error: return location for a #GError, or %NULL
 *
 * Reads records and writes them in setMany batches; existing keys are
 * overwritten. Batch-atomic, not file-atomic: on a bad line the batches
 * before it stay imported and the batch holding it is not written at all.
 * The error names the line and the committed progress.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_import_jsonl (KvStore *store, const char *file_name,
                                                          gint64 limit, gint64 batch_size,
                                                          KvTransferSummary *out_summary,
                                                          GError **error);

/**
 * kv_store_import_jsonl_full:
 * @store: a #KvStore
 * @file_name: the file to read
 * @limit: as for kv_store_import_jsonl()
 * @batch_size: as for kv_store_import_jsonl()
 * @progress: (nullable) (scope call): called as the import advances (stage
 *   COPYING, bytes_total the file's size); %FALSE from it stops the import
 *   with %KV_ERROR_OPERATION_CANCELED: the batches committed before stay,
 *   the one being read is dropped, and @out_summary says what was committed
 * @progress_data: (closure progress): data for @progress
 * @out_summary: (out caller-allocates) (optional): what was committed — also on failure
 * @error: return location for a #GError, or %NULL
 *
 * kv_store_import_jsonl() with progress reports.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_import_jsonl_full (
    KvStore *store, const char *file_name, gint64 limit, gint64 batch_size, KvProgressFunc progress,
    gpointer progress_data, KvTransferSummary *out_summary, GError **error);

/**
 * KvValidation:
 * @valid: every checked record is well formed
 * @records: records checked
 * @bytes_read: bytes consumed
 * @checked_all: the whole file was checked (no limit cut it short)
 * @error_at: the line (JSONL) or row (CSV) of the first problem, 0 if none
 * @error_code: its #KvError code
 * @error_message: (nullable): its description
 *
 * The result of a validation; free what it holds with kv_validation_clear().
 *
 * Since: 1.0
 */
typedef struct
{
  gboolean valid;
  guint64 records;
  guint64 bytes_read;
  gboolean checked_all;
  guint64 error_at;
  KvError error_code;
  char *error_message;
} KvValidation;

/**
 * kv_validation_clear:
 * @validation: a #KvValidation filled by kv_jsonl_validate() or kv_csv_validate()
 *
 * Frees what @validation holds (its message), not @validation itself.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_validation_clear (KvValidation *validation);

/**
 * kv_jsonl_validate:
 * @file_name: the file to check
 * @limit: check at most this many records (0 or less: all)
 * @out: (out caller-allocates): what the check found; kv_validation_clear() it
 * @error: return location for a #GError, or %NULL
 *
 * Checks a file the way kv_store_import_jsonl() would read it, without a
 * store. Fails (with @error) only when the file cannot be read; problems in
 * its content are reported in @out.
 *
 * Returns: %TRUE if the file was read (valid or not), %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_jsonl_validate (const char *file_name, gint64 limit,
                                                      KvValidation *out, GError **error);

G_END_DECLS
