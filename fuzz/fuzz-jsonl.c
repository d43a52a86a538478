/* fuzz-jsonl.c — JSON Lines: kv_jsonl_validate() and kv_store_import_jsonl() agree.
 *
 * Input: one byte of settings (bit 0: string serialization instead of json),
 * then the file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "fuzz/fuzz-properties.h"

#define T "jsonl"

static gboolean
validate (const char *path, gconstpointer how, KvValidation *out, GError **error)
{
  return kv_jsonl_validate (path, 0, out, error);
}

static gboolean
import (KvStore *store, const char *path, gconstpointer how, KvTransferSummary *out, GError **error)
{
  return kv_store_import_jsonl (store, path, 0, KV_JSONL_BATCH_MAX, out, error);
}

int
fuzz_one_jsonl (const uint8_t *data, size_t size)
{
  g_autofree char *path = NULL;

  if (size < 1)
    return 0;
  path = fuzz_write_file ("input.jsonl", data + 1, size - 1);
  fuzz_check_import_agreement (T, path,
                               data[0] & 1 ? KV_SERIALIZATION_STRING : KV_SERIALIZATION_JSON,
                               validate, import, NULL);
  fuzz_remove_file (path);
  return 0;
}
