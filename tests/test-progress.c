/* test-progress.c — progress reports and stopping from the `_full` variants of
 * export, import, backup, restore and verify, on every backend.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "store-fixture.h"

/* What the callback saw, and when it should say stop. */
typedef struct
{
  GArray *reports; /* KvProgress */
  int stop_stage;  /* -1: never stop */
  guint64 stop_at_records;
} Recorder;

static void
recorder_init (Recorder *r, int stop_stage, guint64 stop_at_records)
{
  r->reports = g_array_new (FALSE, FALSE, sizeof (KvProgress));
  r->stop_stage = stop_stage;
  r->stop_at_records = stop_at_records;
}

static void
recorder_clear (Recorder *r)
{
  g_clear_pointer (&r->reports, g_array_unref);
}

static gboolean
record_progress (const KvProgress *progress, gpointer data)
{
  Recorder *r = data;

  g_array_append_val (r->reports, *progress);
  return !((int) progress->stage == r->stop_stage && progress->records >= r->stop_at_records);
}

static const KvProgress *
report_at (Recorder *r, guint i)
{
  return &g_array_index (r->reports, KvProgress, i);
}

/* Stages come in order; within one, counts never go down and totals stay put. */
static void
assert_well_formed (Recorder *r)
{
  g_assert_cmpuint (r->reports->len, >, 0);
  for (guint i = 1; i < r->reports->len; i++)
    {
      const KvProgress *a = report_at (r, i - 1), *b = report_at (r, i);
      g_assert_cmpint (a->stage, <=, b->stage);
      if (a->stage == b->stage)
        {
          g_assert_cmpuint (a->records, <=, b->records);
          g_assert_cmpuint (a->bytes, <=, b->bytes);
          g_assert_cmpuint (a->records_total, ==, b->records_total);
          g_assert_cmpuint (a->bytes_total, ==, b->bytes_total);
        }
    }
}

/* The last report of @stage (asserting there is one), and how many there were. */
static const KvProgress *
last_of_stage (Recorder *r, KvProgressStage stage, guint *out_count)
{
  const KvProgress *last = NULL;
  guint count = 0;

  for (guint i = 0; i < r->reports->len; i++)
    if (report_at (r, i)->stage == stage)
      {
        last = report_at (r, i);
        count++;
      }
  g_assert_nonnull (last);
  if (out_count)
    *out_count = count;
  return last;
}

static gboolean
has_stage (Recorder *r, KvProgressStage stage)
{
  for (guint i = 0; i < r->reports->len; i++)
    if (report_at (r, i)->stage == stage)
      return TRUE;
  return FALSE;
}

/* One setMany: on disk rows a durable commit per key would dominate the test. */
static void
fill (KvStore *store, const char *prefix, guint n)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) lens = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      char *value = g_strdup_printf ("{\"n\":%u,\"name\":\"row %u\"}", i, i);
      gsize len = strlen (value);
      g_ptr_array_add (keys, g_strdup_printf ("%s%05u", prefix, i));
      g_ptr_array_add (values, value);
      g_array_append_val (lens, len);
    }
  g_assert_true (kv_store_set_many (store, (const char *const *) keys->pdata,
                                    (const char *const *) values->pdata, (const gsize *) lens->data,
                                    n, NULL, &error));
  g_assert_no_error (error);
}

static guint64
store_count (KvStore *store)
{
  guint64 n = 0;
  g_assert_true (kv_store_count (store, NULL, &n, NULL));
  return n;
}

/* Only the store files the fixture made: no temporary or scratch file left behind. */
static void
assert_no_leftovers (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)))
    g_assert_true (g_str_has_prefix (name, "store-") || g_str_has_prefix (name, "keep-"));
}

static guint64
file_size (const char *path)
{
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (guint64) st.st_size;
}

/* ---- Export -------------------------------------------------------------------------------- */

static void
test_export_reports (StoreFixture *f, gconstpointer data)
{
  g_autofree char *jsonl = g_build_filename (f->dir, "keep-out.jsonl", NULL);
  g_autofree char *csv = g_build_filename (f->dir, "keep-out.csv", NULL);
  const char *columns[] = { "n", "name" };
  KvTransferSummary sum = { 0 };
  g_autoptr (GError) error = NULL;
  const KvProgress *last;
  Recorder r;
  guint count;

  fill (f->store, "a:", 1000);
  fill (f->store, "b:", 300);

  recorder_init (&r, -1, 0);
  g_assert_true (
      kv_store_export_jsonl_full (f->store, jsonl, "a:", 0, record_progress, &r, &sum, &error));
  g_assert_no_error (error);
  assert_well_formed (&r);
  g_assert_false (has_stage (&r, KV_PROGRESS_STAGE_CHECKING));
  /* It starts at zero with the prefix's count as its total... */
  g_assert_cmpint (report_at (&r, 0)->stage, ==, KV_PROGRESS_STAGE_COPYING);
  g_assert_cmpuint (report_at (&r, 0)->records, ==, 0);
  g_assert_cmpuint (report_at (&r, 0)->records_total, ==, 1000);
  /* ...reports along the way (every 256 records) and ends where the summary does. */
  last = last_of_stage (&r, KV_PROGRESS_STAGE_COPYING, &count);
  g_assert_cmpuint (count, >=, 1000 / 256 + 2);
  g_assert_cmpuint (last->records, ==, 1000);
  g_assert_cmpuint (last->bytes, ==, sum.bytes);
  g_assert_cmpuint (sum.bytes, ==, file_size (jsonl));
  last_of_stage (&r, KV_PROGRESS_STAGE_COMMITTING, &count);
  g_assert_cmpuint (count, ==, 1);
  recorder_clear (&r);

  /* A limit caps the total; CSV counts its header's bytes too. */
  recorder_init (&r, -1, 0);
  g_assert_true (kv_store_export_csv_full (f->store, csv, columns, 2, NULL, 700, ',', TRUE,
                                           record_progress, &r, &sum, &error));
  g_assert_no_error (error);
  assert_well_formed (&r);
  last = last_of_stage (&r, KV_PROGRESS_STAGE_COPYING, NULL);
  g_assert_cmpuint (last->records_total, ==, 700);
  g_assert_cmpuint (last->records, ==, 700);
  g_assert_cmpuint (last->bytes, ==, file_size (csv));
  recorder_clear (&r);
}

static void
test_export_stopped (StoreFixture *f, gconstpointer data)
{
  g_autofree char *jsonl = g_build_filename (f->dir, "keep-out.jsonl", NULL);
  g_autofree char *csv = g_build_filename (f->dir, "keep-out.csv", NULL);
  g_autofree char *contents = NULL;
  const char *columns[] = { "n" };
  g_autoptr (GError) error = NULL;
  Recorder r;

  fill (f->store, "a:", 1000);
  g_assert_true (g_file_set_contents (jsonl, "old\n", -1, NULL));

  recorder_init (&r, KV_PROGRESS_STAGE_COPYING, 300);
  g_assert_false (
      kv_store_export_jsonl_full (f->store, jsonl, NULL, 0, record_progress, &r, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_OPERATION_CANCELED);
  g_assert_false (has_stage (&r, KV_PROGRESS_STAGE_COMMITTING));
  recorder_clear (&r);
  g_clear_error (&error);
  /* The file that was there is untouched, and no temporary file is left. */
  g_assert_true (g_file_get_contents (jsonl, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old\n");
  assert_no_leftovers (f->dir);

  /* Stopping at the very first report stops it too. */
  recorder_init (&r, KV_PROGRESS_STAGE_COPYING, 0);
  g_assert_false (kv_store_export_csv_full (f->store, csv, columns, 1, NULL, 0, ',', TRUE,
                                            record_progress, &r, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_OPERATION_CANCELED);
  g_assert_cmpuint (r.reports->len, ==, 1);
  recorder_clear (&r);
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
  assert_no_leftovers (f->dir);
}

/* ---- Import -------------------------------------------------------------------------------- */

static char *
write_jsonl (const char *dir, guint n)
{
  g_autoptr (GString) text = g_string_new (NULL);
  char *path = g_build_filename (dir, "keep-in.jsonl", NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "{\"key\":\"in:%05u\",\"value\":{\"n\":%u}}\n", i, i);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));
  return path;
}

static char *
write_csv (const char *dir, guint n)
{
  g_autoptr (GString) text = g_string_new ("key,n\r\n");
  char *path = g_build_filename (dir, "keep-in.csv", NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "in:%05u,%u\r\n", i, i);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));
  return path;
}

static void
test_import_reports (StoreFixture *f, gconstpointer data)
{
  g_autofree char *jsonl = write_jsonl (f->dir, 2500);
  g_autofree char *csv = write_csv (f->dir, 1200);
  KvTransferSummary sum = { 0 };
  g_autoptr (GError) error = NULL;
  const KvProgress *last;
  Recorder r;

  recorder_init (&r, -1, 0);
  g_assert_true (
      kv_store_import_jsonl_full (f->store, jsonl, 0, 1000, record_progress, &r, &sum, &error));
  g_assert_no_error (error);
  assert_well_formed (&r);
  /* The file's size is the total; the last report has read all of it. */
  g_assert_cmpuint (report_at (&r, 0)->bytes_total, ==, file_size (jsonl));
  g_assert_cmpuint (report_at (&r, 0)->records_total, ==, 0);
  last = last_of_stage (&r, KV_PROGRESS_STAGE_COPYING, NULL);
  g_assert_cmpuint (last->bytes, ==, file_size (jsonl));
  g_assert_cmpuint (last->records, ==, 2500);
  g_assert_cmpuint (sum.records, ==, 2500);
  recorder_clear (&r);

  recorder_init (&r, -1, 0);
  g_assert_true (kv_store_import_csv_full (f->store, csv, "key", ',', TRUE, 0, 0, record_progress,
                                           &r, &sum, &error));
  g_assert_no_error (error);
  assert_well_formed (&r);
  last = last_of_stage (&r, KV_PROGRESS_STAGE_COPYING, NULL);
  g_assert_cmpuint (last->bytes_total, ==, file_size (csv));
  g_assert_cmpuint (last->bytes, ==, file_size (csv));
  g_assert_cmpuint (last->records, ==, 1200);
  recorder_clear (&r);
  g_assert_cmpuint (store_count (f->store), ==, 2500);
}

static void
test_import_stopped (StoreFixture *f, gconstpointer data)
{
  g_autofree char *jsonl = write_jsonl (f->dir, 2500);
  g_autofree char *csv = write_csv (f->dir, 2500);
  KvTransferSummary sum = { 99, 99 };
  g_autoptr (GError) error = NULL;
  Recorder r;

  /* Stopped while reading the second batch: the first stays, the second is dropped. */
  recorder_init (&r, KV_PROGRESS_STAGE_COPYING, 1500);
  g_assert_false (
      kv_store_import_jsonl_full (f->store, jsonl, 0, 1000, record_progress, &r, &sum, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_OPERATION_CANCELED);
  g_assert_nonnull (strstr (error->message, "1000 records"));
  g_assert_nonnull (strstr (error->message, "through line 1000"));
  g_assert_cmpuint (sum.records, ==, 1000);
  g_assert_cmpuint (store_count (f->store), ==, 1000);
  recorder_clear (&r);
  g_clear_error (&error);

  g_assert_true (kv_store_clear (f->store, NULL));
  recorder_init (&r, KV_PROGRESS_STAGE_COPYING, 700);
  g_assert_false (kv_store_import_csv_full (f->store, csv, "key", ',', TRUE, 0, 500,
                                            record_progress, &r, &sum, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_OPERATION_CANCELED);
  g_assert_nonnull (strstr (error->message, "500 rows"));
  /* The header is row 1: 500 data rows end at row 501. */
  g_assert_nonnull (strstr (error->message, "through row 501"));
  g_assert_cmpuint (sum.records, ==, 500);
  g_assert_cmpuint (store_count (f->store), ==, 500);
  recorder_clear (&r);
}

/* ---- Backup, restore, verify ---------------------------------------------------------------- */

static void
test_snapshot_reports (StoreFixture *f, gconstpointer data)
{
  g_autofree char *snap = g_build_filename (f->dir, "keep-snap.kv", NULL);
  KvBackupSummary backup = { 0 };
  KvRestoreSummary restored = { 0 };
  KvSnapshotInfo info = { 0 };
  g_autoptr (GError) error = NULL;
  const KvProgress *last;
  Recorder r;

  fill (f->store, "s:", 1500);

  recorder_init (&r, -1, 0);
  g_assert_true (
      kv_store_backup_full (f->store, snap, FALSE, 0, 0, record_progress, &r, &backup, &error));
  g_assert_no_error (error);
  assert_well_formed (&r);
  g_assert_false (has_stage (&r, KV_PROGRESS_STAGE_CHECKSUM));
  last = last_of_stage (&r, KV_PROGRESS_STAGE_COPYING, NULL);
  g_assert_cmpuint (last->records_total, ==, 1500);
  g_assert_cmpuint (last->records, ==, 1500);
  last_of_stage (&r, KV_PROGRESS_STAGE_COMMITTING, NULL);
  recorder_clear (&r);

  /* Verify: the checksum over the file but its 64-byte trailer, then every record. */
  recorder_init (&r, -1, 0);
  g_assert_true (kv_snapshot_verify_full (snap, record_progress, &r, &info, &error));
  g_assert_no_error (error);
  assert_well_formed (&r);
  last = last_of_stage (&r, KV_PROGRESS_STAGE_CHECKSUM, NULL);
  g_assert_cmpuint (last->bytes_total, ==, backup.bytes - 64);
  g_assert_cmpuint (last->bytes, ==, last->bytes_total);
  last = last_of_stage (&r, KV_PROGRESS_STAGE_CHECKING, NULL);
  g_assert_cmpuint (last->records_total, ==, 1500);
  g_assert_cmpuint (last->records, ==, 1500);
  g_assert_cmpuint (last->bytes, ==, info.bytes);
  g_assert_false (has_stage (&r, KV_PROGRESS_STAGE_COMMITTING));
  recorder_clear (&r);

  /* Restore checks the same way, then commits; a "stop" there is too late and ignored. */
  g_assert_true (kv_store_clear (f->store, NULL));
  recorder_init (&r, KV_PROGRESS_STAGE_COMMITTING, 0);
  g_assert_true (
      kv_store_restore_full (f->store, snap, 0, 0, record_progress, &r, &restored, &error));
  g_assert_no_error (error);
  assert_well_formed (&r);
  g_assert_true (has_stage (&r, KV_PROGRESS_STAGE_CHECKSUM));
  last = last_of_stage (&r, KV_PROGRESS_STAGE_CHECKING, NULL);
  g_assert_cmpuint (last->records, ==, 1500);
  last_of_stage (&r, KV_PROGRESS_STAGE_COMMITTING, NULL);
  recorder_clear (&r);
  g_assert_cmpuint (restored.entries, ==, 1500);
  g_assert_cmpuint (store_count (f->store), ==, 1500);
}

static void
test_snapshot_stopped (StoreFixture *f, gconstpointer data)
{
  g_autofree char *snap = g_build_filename (f->dir, "keep-snap.kv", NULL);
  g_autofree char *other = g_build_filename (f->dir, "keep-other.kv", NULL);
  g_autoptr (GError) error = NULL;
  Recorder r;

  fill (f->store, "s:", 1500);

  /* A stopped backup writes nothing, leaves no scratch file, and frees the store for the next. */
  recorder_init (&r, KV_PROGRESS_STAGE_COPYING, 600);
  g_assert_false (
      kv_store_backup_full (f->store, snap, FALSE, 0, 0, record_progress, &r, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_OPERATION_CANCELED);
  g_clear_error (&error);
  recorder_clear (&r);
  g_assert_false (g_file_test (snap, G_FILE_TEST_EXISTS));
  assert_no_leftovers (f->dir);
  g_assert_true (kv_store_backup (f->store, snap, FALSE, 0, 0, NULL, &error));
  g_assert_no_error (error);

  /* A restore stopped in either check leaves the store as it was. */
  fill (f->store, "t:", 10);
  for (int stage = KV_PROGRESS_STAGE_CHECKSUM; stage <= KV_PROGRESS_STAGE_CHECKING; stage++)
    {
      recorder_init (&r, stage, stage == KV_PROGRESS_STAGE_CHECKING ? 700 : 0);
      g_assert_false (
          kv_store_restore_full (f->store, snap, 0, 0, record_progress, &r, NULL, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_OPERATION_CANCELED);
      g_clear_error (&error);
      g_assert_false (has_stage (&r, KV_PROGRESS_STAGE_COMMITTING));
      recorder_clear (&r);
      g_assert_cmpuint (store_count (f->store), ==, 1510);
    }

  /* Verify stops too; a plain (closed) store file has no checksum stage and no recorded count. */
  recorder_init (&r, KV_PROGRESS_STAGE_CHECKING, 1);
  g_assert_false (kv_snapshot_verify_full (snap, record_progress, &r, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_OPERATION_CANCELED);
  g_clear_error (&error);
  recorder_clear (&r);
  {
    g_autoptr (KvOptions) options = NULL;
    g_autofree char *json = g_strdup_printf ("{\"backend\":\"disk\",\"path\":\"%s\"}", other);
    g_autoptr (KvStore) disk = NULL;
    const KvProgress *last;

    options = kv_options_new_from_json (json, &error);
    g_assert_no_error (error);
    disk = kv_store_open (options, &error);
    g_assert_no_error (error);
    fill (disk, "d:", 300);
    kv_store_close (disk);
    recorder_init (&r, -1, 0);
    g_assert_true (kv_snapshot_verify_full (other, record_progress, &r, NULL, &error));
    g_assert_no_error (error);
    g_assert_false (has_stage (&r, KV_PROGRESS_STAGE_CHECKSUM));
    last = last_of_stage (&r, KV_PROGRESS_STAGE_CHECKING, NULL);
    g_assert_cmpuint (last->records_total, ==, 0);
    g_assert_cmpuint (last->records, ==, 300);
    recorder_clear (&r);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  STORE_TEST_ADD ("progress/export", test_export_reports);
  STORE_TEST_ADD ("progress/export-stopped", test_export_stopped);
  STORE_TEST_ADD ("progress/import", test_import_reports);
  STORE_TEST_ADD ("progress/import-stopped", test_import_stopped);
  STORE_TEST_ADD ("progress/snapshot", test_snapshot_reports);
  STORE_TEST_ADD ("progress/snapshot-stopped", test_snapshot_stopped);
  return g_test_run ();
}
