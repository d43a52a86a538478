/* fuzz-csv.c — CSV: kv_csv_validate() and kv_store_import_csv() agree.
 *
 * Input: one byte of settings — bits 0-1 the delimiter (, ; TAB |), bit 2 no
 * header row (the key is then column "1", else column "key"), bit 3 string
 * serialization — then the file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "fuzz/fuzz-properties.h"

#define T "csv"

typedef struct
{
  char delimiter;
  gboolean has_header;
  const char *key_column;
} CsvHow;

static gboolean
validate (const char *path, gconstpointer data, KvValidation *out, GError **error)
{
  const CsvHow *how = data;
  return kv_csv_validate (path, how->key_column, how->delimiter, how->has_header, 0, out, error);
}

static gboolean
import (KvStore *store, const char *path, gconstpointer data, KvTransferSummary *out,
        GError **error)
{
  const CsvHow *how = data;
  return kv_store_import_csv (store, path, how->key_column, how->delimiter, how->has_header, 0,
                              KV_JSONL_BATCH_MAX, out, error);
}

int
fuzz_one_csv (const uint8_t *data, size_t size)
{
  static const char delimiters[] = { ',', ';', '\t', '|' };
  g_autofree char *path = NULL;
  CsvHow how;

  if (size < 1)
    return 0;
  how.delimiter = delimiters[data[0] & 3];
  how.has_header = !(data[0] & 4);
  how.key_column = how.has_header ? "key" : "1";
  path = fuzz_write_file ("input.csv", data + 1, size - 1);
  fuzz_check_import_agreement (T, path,
                               data[0] & 8 ? KV_SERIALIZATION_STRING : KV_SERIALIZATION_JSON,
                               validate, import, &how);
  fuzz_remove_file (path);
  return 0;
}
