/* fuzz-import-agreement.c — validate and import must agree (JSONL and CSV targets).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "fuzz/fuzz-properties.h"

void
fuzz_check_import_agreement (const char *target, const char *path, KvSerialization mode,
                             FuzzValidateFunc validate, FuzzImportFunc import, gconstpointer how)
{
  g_autoptr (KvStore) store = fuzz_seeded_memory_store (mode);
  g_autofree char *before = fuzz_store_dump (target, store);
  g_autofree char *after = NULL;
  g_autoptr (GError) error = NULL;
  KvValidation v = { 0 };
  KvTransferSummary sum = { 0 };
  gboolean imported;

  if (!validate (path, how, &v, &error))
    {
      /* Only reading the file can fail this way; the import then cannot read it either. */
      fuzz_check_error (target, "validate", error);
      g_clear_error (&error);
      FUZZ_CHECK (target, !import (store, path, how, &sum, &error),
                  "validate could not read the file, import could");
      fuzz_check_error (target, "import", error);
      return;
    }
  if (!v.valid)
    FUZZ_CHECK (target, v.error_message && g_utf8_validate (v.error_message, -1, NULL),
                "validate: invalid without a valid UTF-8 error message");
  imported = import (store, path, how, &sum, &error);
  if (!imported)
    fuzz_check_error (target, "import", error);
  after = fuzz_store_dump (target, store);
  FUZZ_CHECK (target, v.valid == imported,
              "validate says %s (%" G_GUINT64_FORMAT " records%s%s), import %s%s",
              v.valid ? "valid" : "invalid", v.records, v.valid ? "" : ": ",
              v.valid ? "" : v.error_message,
              imported ? "succeeds" : "fails: ", imported ? "" : error->message);
  if (imported)
    FUZZ_CHECK (target, sum.records == v.records,
                "validate counts %" G_GUINT64_FORMAT " records, import %" G_GUINT64_FORMAT,
                v.records, sum.records);
  /* The import commits KV_JSONL_BATCH_MAX records at a time; the harness
   * passes that batch size, so a refused file of fewer records changes nothing. */
  else if (v.records < KV_JSONL_BATCH_MAX)
    FUZZ_CHECK (target, g_str_equal (before, after),
                "a refused import changed the store:\nbefore:\n%safter:\n%s", before, after);
  kv_validation_clear (&v);
}
