/* fuzz-store-file.c — a damaged store file opened read-only as a disk store.
 *
 * The input is written to a scratch file, opened with disk.readOnly, counted,
 * listed and closed. Properties: no crash; refusals are KV_ERRORs with UTF-8
 * messages; when both succeed, count and list agree.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "fuzz/fuzz-properties.h"

#define T "store-file"

int
fuzz_one_store_file (const uint8_t *data, size_t size)
{
  g_autofree char *path = fuzz_write_file ("input.kv", data, size);
  g_autoptr (KvOptions) options = kv_options_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  KvStore *store;
  guint64 count = 0;
  gboolean counted;

  kv_options_set_path (options, path);
  kv_options_set_disk_read_only (options, TRUE);
  store = kv_store_open (options, &error);
  if (store == NULL)
    {
      fuzz_check_error (T, "kv_store_open", error);
      fuzz_remove_file (path);
      return 0;
    }
  counted = kv_store_count (store, NULL, &count, &error);
  if (!counted)
    {
      fuzz_check_error (T, "kv_store_count", error);
      g_clear_error (&error);
    }
  entries = kv_store_list (store, NULL, 0, &error);
  if (entries == NULL)
    fuzz_check_error (T, "kv_store_list", error);
  else if (counted)
    FUZZ_CHECK (T, entries->len == count, "count says %" G_GUINT64_FORMAT " keys, list returns %u",
                count, entries->len);
  kv_store_close (store);
  g_object_unref (store);
  fuzz_remove_file (path);
  return 0;
}
