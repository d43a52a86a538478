/* kv-csv.h — CSV export, import and validation for stores of flat records.
 *
 * A CSV row is a flat object of scalars. Export writes one row per entry
 * whose value is such an object; import makes one object per row, keyed by
 * one of its columns. Quoting follows RFC 4180 (fields with the delimiter, a
 * quote or a line break are quoted, quotes doubled); cells come back as
 * strings, since CSV does not carry types.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <glib-object.h>
#include <libkv/kv-version-macros.h>
#include <libkv/kv-jsonl.h>
#include <libkv/kv-store.h>

G_BEGIN_DECLS

/**
 * kv_store_export_csv:
 * @store: a #KvStore
 * @file_name: the file to write
 * @columns: (array length=n_columns): the value members to write, in order (non-empty, distinct)
 * @n_columns: the number of @columns, at least 1
 * @prefix: (nullable): only keys with this prefix
 * @limit: at most this many rows (0 or less: all; up to %KV_JSONL_LIMIT_MAX)
 * @delimiter: one character, not CR, LF or `"` (0 means `,`)
 * @include_key: write the key as a first column named `key`
 * @out_summary: (out caller-allocates) (optional): what was written
 * @error: return location for a #GError, or %NULL
 *
 * Every exported value must be a JSON object whose members are strings,
 * numbers, booleans or null (else %KV_ERROR_UNSUPPORTED_VALUE_TYPE naming the
 * key); missing members and null become empty cells. The file is replaced
 * atomically, like every export.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_export_csv (KvStore *store, const char *file_name,
                                                        const char *const *columns, gsize n_columns,
                                                        const char *prefix, gint64 limit,
                                                        char delimiter, gboolean include_key,
                                                        KvTransferSummary *out_summary,
                                                        GError **error);

/**
 * kv_store_export_csv_full:
 * @store: a #KvStore
 * @file_name: the file to write
 * @columns: (array length=n_columns): as for kv_store_export_csv()
 * @n_columns: the number of @columns
 * @prefix: (nullable): only keys with this prefix
 * @limit: as for kv_store_export_csv()
 * @delimiter: as for kv_store_export_csv()
 * @include_key: as for kv_store_export_csv()
 * @progress: (nullable) (scope call): as for kv_store_export_jsonl_full()
 * @progress_data: (closure progress): data for @progress
 * @out_summary: (out caller-allocates) (optional): what was written
 * @error: return location for a #GError, or %NULL
 *
 * kv_store_export_csv() with progress reports.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_export_csv_full (
    KvStore *store, const char *file_name, const char *const *columns, gsize n_columns,
    const char *prefix, gint64 limit, char delimiter, gboolean include_key, KvProgressFunc progress,
    gpointer progress_data, KvTransferSummary *out_summary, GError **error);

/**
 * kv_store_import_csv:
 * @store: a #KvStore
 * @file_name: the file to read
 * @key_column: the column holding each row's key; with @has_header a header
 *   name, without one a 1-based column number ("1", "2", …)
 * @delimiter: as for kv_store_export_csv()
 * @has_header: the first row names the columns
 * @limit: at most this many rows (0 or less: all)
 * @batch_size: rows per setMany batch (0 or less: %KV_JSONL_BATCH_DEFAULT)
 * @out_summary: (out caller-allocates) (optional): what was committed — also on failure
 * @error: return location for a #GError, or %NULL
 *
 * Stores each row as an object of its other columns (strings). Batch-atomic
 * like kv_store_import_jsonl(); errors name the row (the header is row 1).
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_import_csv (KvStore *store, const char *file_name,
                                                        const char *key_column, char delimiter,
                                                        gboolean has_header, gint64 limit,
                                                        gint64 batch_size,
                                                        KvTransferSummary *out_summary,
                                                        GError **error);

/**
 * kv_store_import_csv_full:
 * @store: a #KvStore
 * @file_name: the file to read
 * @key_column: as for kv_store_import_csv()
 * @delimiter: as for kv_store_export_csv()
 * @has_header: the first row names the columns
 * @limit: as for kv_store_import_csv()
 * @batch_size: as for kv_store_import_csv()
 * @progress: (nullable) (scope call): as for kv_store_import_jsonl_full()
 * @progress_data: (closure progress): data for @progress
 * @out_summary: (out caller-allocates) (optional): what was committed — also on failure
 * @error: return location for a #GError, or %NULL
 *
 * kv_store_import_csv() with progress reports.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_import_csv_full (
    KvStore *store, const char *file_name, const char *key_column, char delimiter,
    gboolean has_header, gint64 limit, gint64 batch_size, KvProgressFunc progress,
    gpointer progress_data, KvTransferSummary *out_summary, GError **error);

/**
 * kv_csv_validate:
 * @file_name: the file to check
 * @key_column: (nullable): when given, every row must have a non-empty key there
 * @delimiter: as for kv_store_export_csv()
 * @has_header: the first row names the columns
 * @limit: check at most this many rows (0 or less: all)
 * @out: (out caller-allocates): what the check found; kv_validation_clear() it
 * @error: return location for a #GError, or %NULL
 *
 * Checks a file the way kv_store_import_csv() reads it; content problems are
 * reported in @out (error_at is the row), not as errors.
 *
 * Returns: %TRUE if the file was read (valid or not), %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_csv_validate (const char *file_name, const char *key_column,
                                                    char delimiter, gboolean has_header,
                                                    gint64 limit, KvValidation *out,
                                                    GError **error);

G_END_DECLS
