/* fuzz-snapshot.c — snapshots: kv_snapshot_verify() and kv_store_restore() agree.
 *
 * Input: a mode byte, then bytes. Mode 0 (even byte): the bytes are the whole
 * snapshot file, trailer included — random damage, which the checksum should
 * catch. Mode 1 (odd byte): the bytes are the LMDB part and the harness
 * appends a correct trailer (magic, length, SHA-256; see kv-snapshot.c), so
 * the fuzzer reaches the LMDB pages the way a crafted file does.
 *
 * Properties: verify fails ⇒ restore fails into a json and into a string
 * store; verify succeeds ⇒ restore succeeds into a store of the snapshot's
 * serialization, with as many entries as verify counted; every refused
 * restore leaves its store unchanged; refusals are KV_ERRORs with UTF-8 messages.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz/fuzz-properties.h"

#define T "snapshot"

#define TRAILER_MAGIC "LIBKVSNP"
#define TRAILER_SIZE 64

static char *
write_with_trailer (const uint8_t *data, size_t size)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *file = g_malloc0 (size + TRAILER_SIZE);
  guint64 be = GUINT64_TO_BE ((guint64) size);
  gsize digest_len = 32;

  if (size)
    memcpy (file, data, size);
  memcpy (file + size, TRAILER_MAGIC, 8);
  memcpy (file + size + 8, &be, 8);
  g_checksum_update (sum, data, (gssize) size);
  g_checksum_get_digest (sum, file + size + 16, &digest_len);
  return fuzz_write_file ("input.kvs", file, size + TRAILER_SIZE);
}

/* Restores @path into a fresh seeded store of @mode; TRUE when it succeeded. */
static gboolean
restore_into (const char *path, KvSerialization mode, guint64 *out_count)
{
  g_autoptr (KvStore) store = fuzz_seeded_memory_store (mode);
  g_autofree char *before = fuzz_store_dump (T, store);
  g_autofree char *after = NULL;
  g_autoptr (GError) error = NULL;
  KvRestoreSummary sum = { 0 };

  if (kv_store_restore (store, path, 0, 0, &sum, &error))
    {
      FUZZ_CHECK (T, kv_store_count (store, NULL, out_count, &error),
                  "count after a restore failed: %s", error->message);
      return TRUE;
    }
  fuzz_check_error (T, "kv_store_restore", error);
  after = fuzz_store_dump (T, store);
  FUZZ_CHECK (T, g_str_equal (before, after),
              "a refused restore (%s) changed the store:\nbefore:\n%safter:\n%s", error->message,
              before, after);
  return FALSE;
}

int
fuzz_one_snapshot (const uint8_t *data, size_t size)
{
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  KvSnapshotInfo info = { 0 };
  gboolean verified, restored_json, restored_string;
  guint64 count_json = 0, count_string = 0;

  if (size < 1)
    return 0;
  path = data[0] & 1 ? write_with_trailer (data + 1, size - 1)
                     : fuzz_write_file ("input.kvs", data + 1, size - 1);
  verified = kv_snapshot_verify (path, &info, &error);
  if (!verified)
    fuzz_check_error (T, "kv_snapshot_verify", error);
  restored_json = restore_into (path, KV_SERIALIZATION_JSON, &count_json);
  restored_string = restore_into (path, KV_SERIALIZATION_STRING, &count_string);
  if (!verified)
    FUZZ_CHECK (T, !restored_json && !restored_string,
                "verify refuses the snapshot (%s) but restore into a %s store accepts it",
                error->message, restored_json ? "json" : "string");
  else if (info.serialization == KV_SERIALIZATION_JSON)
    FUZZ_CHECK (T, restored_json && count_json == info.entries,
                "verify accepts a json snapshot of %" G_GUINT64_FORMAT
                " entries; restore into a json store %s (%" G_GUINT64_FORMAT " entries)",
                info.entries, restored_json ? "succeeds" : "fails", count_json);
  else
    FUZZ_CHECK (T, restored_string && count_string == info.entries,
                "verify accepts a string snapshot of %" G_GUINT64_FORMAT
                " entries; restore into a string store %s (%" G_GUINT64_FORMAT " entries)",
                info.entries, restored_string ? "succeeds" : "fails", count_string);
  fuzz_remove_file (path);
  return 0;
}
