/* test-snapshot.c — backup and restore on every backend, and every bad snapshot file. */
#include "config.h"

#include <lmdb.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "store-fixture.h"

static char *
in_dir (StoreFixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static void
fill (KvStore *kv, const char *prefix, int n)
{
  for (int i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s%04d", prefix, i);
      g_autofree char *value = g_strdup_printf ("{\"i\":%d}", i);
      g_assert_true (kv_store_set (kv, key, value, strlen (value), NULL));
    }
}

static guint64
count (KvStore *kv, const char *prefix)
{
  guint64 n = 0;
  g_assert_true (kv_store_count (kv, prefix, &n, NULL));
  return n;
}

static void
test_round_trip (StoreFixture *f, gconstpointer data)
{
  g_autofree char *snap = in_dir (f, "snap.kv");
  g_autoptr (GError) error = NULL;
  g_autoptr (KvClaim) claim = NULL;
  g_autofree char *stats = NULL;
  KvBackupSummary b;
  KvRestoreSummary r;
  KvSnapshotInfo info;
  KvAllocationStats st;

  fill (f->store, "user:", 50);
  claim = kv_store_claim_key (f->store, "user:0001", NULL, 60000, NULL);
  g_assert_true (kv_store_backup (f->store, snap, FALSE, 0, 0, &b, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (b.entries, ==, 50);
  g_assert_cmpuint (b.bytes, >, 0);
  g_assert_false (b.best_effort);
  g_assert_false (b.no_op);

  g_assert_true (kv_snapshot_verify (snap, &info, &error));
  g_assert_cmpuint (info.entries, ==, 50);
  g_assert_cmpuint (info.claims, ==, 0); /* snapshots hold data, not leases */
  g_assert_cmpint (info.created_at, >, 0);

  /* Change everything, then restore: exactly the snapshot again. */
  g_assert_true (kv_store_delete_by_prefix (f->store, "user:", 10, NULL, NULL, NULL));
  fill (f->store, "other:", 5);
  g_assert_true (kv_store_restore (f->store, snap, 0, 0, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.entries, ==, 50);
  g_assert_cmpuint (count (f->store, NULL), ==, 50);
  g_assert_cmpuint (count (f->store, "other:"), ==, 0);
  {
    g_autoptr (GBytes) v = kv_store_get (f->store, "user:0007", NULL);
    g_assert_cmpstr (g_bytes_get_data (v, NULL), ==, "{\"i\":7}");
  }
  /* Claims were dropped with the old data. */
  g_assert_true (kv_store_allocation_stats (f->store, NULL, &st, NULL));
  g_assert_cmpuint (st.claimed_live, ==, 0);
  stats = kv_store_dup_stats_json (f->store, NULL);
  g_assert_null (strstr (stats, "\"consistent\":false"));
}

/* A snapshot is a disk store file: a memory run's backup opens as backend "disk". */
static void
test_snapshot_opens_as_disk_store (StoreFixture *f, gconstpointer data)
{
  g_autofree char *snap = in_dir (f, "seed.kv");
  g_autofree char *json = g_strdup_printf ("{\"backend\":\"disk\",\"path\":\"%s\"}", snap);
  g_autoptr (KvOptions) o = kv_options_new_from_json (json, NULL);
  g_autoptr (KvStore) disk = NULL;
  g_autoptr (GError) error = NULL;

  fill (f->store, "seed:", 20);
  g_assert_true (kv_store_backup (f->store, snap, FALSE, 0, 0, NULL, &error));
  disk = kv_store_open (o, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count (disk, "seed:"), ==, 20);
  g_assert_true (kv_store_set (disk, "more", "1", 1, NULL)); /* and it is a working store */
}

static void
test_default_file_and_live_file (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gboolean disk = kv_options_get_backend (kv_store_get_options (f->store)) == KV_BACKEND_DISK;
  const char *path = kv_options_get_path (kv_store_get_options (f->store));
  KvBackupSummary b;
  KvRestoreSummary r;

  fill (f->store, "k", 3);
  g_assert_true (kv_store_backup (f->store, NULL, FALSE, 0, 0, &b, &error));
  g_assert_no_error (error);
  /* memory: the shared default file (here the store's path); disk: the live file, a no-op. */
  g_assert_cmpint (b.no_op, ==, disk);
  g_assert_cmpuint (b.entries, ==, 3);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  fill (f->store, "extra", 2);
  g_assert_true (kv_store_restore (f->store, NULL, 0, 0, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.no_op, ==, disk);
  g_assert_cmpuint (count (f->store, NULL), ==, disk ? 5 : 3);
}

static void
test_budgets (StoreFixture *f, gconstpointer data)
{
  g_autofree char *snap = in_dir (f, "budget.kv");
  g_autoptr (GError) error = NULL;

  fill (f->store, "b", 10);
  g_assert_false (kv_store_backup (f->store, snap, FALSE, 9, 0, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED);
  g_clear_error (&error);
  g_assert_false (g_file_test (snap, G_FILE_TEST_EXISTS)); /* nothing published */
  g_assert_false (kv_store_backup (f->store, snap, FALSE, 0, 40, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED);
  g_clear_error (&error);

  g_assert_true (kv_store_backup (f->store, snap, FALSE, 10, 0, NULL, &error));
  g_assert_true (
      kv_store_backup (f->store, snap, FALSE, -1, -1, NULL, &error)); /* <= 0: no budget */
  fill (f->store, "new", 1);
  g_assert_false (kv_store_restore (f->store, snap, 5, 0, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED);
  g_assert_cmpuint (count (f->store, NULL), ==, 11); /* untouched */
}

static void
assert_restore_fails (StoreFixture *f, const char *path, KvError code)
{
  g_autoptr (GError) error = NULL;
  KvSnapshotInfo info;

  g_assert_false (kv_store_restore (f->store, path, 0, 0, NULL, &error));
  if (!g_error_matches (error, KV_ERROR, (gint) code))
    g_error ("restore %s: expected %s, got %s: %s", path, kv_error_code_get_name (code),
             error ? kv_error_code_get_name (error->code) : "success", error ? error->message : "");
  g_clear_error (&error);
  g_assert_false (kv_snapshot_verify (path, &info, &error));
  g_assert_error (error, KV_ERROR, (gint) code);
  g_assert_cmpuint (count (f->store, NULL), ==, 7); /* the live store is untouched */
}

static void
test_bad_snapshots (StoreFixture *f, gconstpointer data)
{
  g_autofree char *missing = in_dir (f, "missing.kv");
  g_autofree char *empty = in_dir (f, "empty.kv");
  g_autofree char *foreign = in_dir (f, "foreign.kv");
  g_autofree char *no_k6 = in_dir (f, "nok6.kv");
  g_autofree char *other_format = in_dir (f, "other.kv");
  g_autofree char *good = in_dir (f, "good.kv");
  g_autofree char *truncated = in_dir (f, "truncated.kv");
  g_autofree char *contents = NULL;
  gsize len;
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  MDB_val k = { 6, (void *) "format" }, v = { 5, (void *) "bbolt" };

  fill (f->store, "x", 7);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_set_contents (foreign, "{\"not\":\"an LMDB file\"}", -1, NULL));
  /* LMDB files that are not ours: without "k6", and with another format. */
  for (int i = 0; i < 2; i++)
    {
      g_assert_cmpint (mdb_env_create (&env), ==, 0);
      g_assert_cmpint (mdb_env_set_maxdbs (env, 4), ==, 0);
      g_assert_cmpint (
          mdb_env_open (env, i ? other_format : no_k6, MDB_NOSUBDIR | MDB_NOLOCK, 0644), ==, 0);
      g_assert_cmpint (mdb_txn_begin (env, NULL, 0, &txn), ==, 0);
      g_assert_cmpint (mdb_dbi_open (txn, i ? "k6" : "else", MDB_CREATE, &dbi), ==, 0);
      if (i)
        {
          g_assert_cmpint (mdb_dbi_open (txn, "meta", MDB_CREATE, &dbi), ==, 0);
          g_assert_cmpint (mdb_put (txn, dbi, &k, &v, 0), ==, 0);
        }
      g_assert_cmpint (mdb_txn_commit (txn), ==, 0);
      mdb_env_close (env);
    }
  /* A real snapshot cut in half. */
  g_assert_true (kv_store_backup (f->store, good, FALSE, 0, 0, NULL, NULL));
  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (truncated, contents, (gssize) len / 2, NULL));

  assert_restore_fails (f, missing, KV_ERROR_SNAPSHOT_NOT_FOUND);
  assert_restore_fails (f, empty, KV_ERROR_SNAPSHOT_READ);
  assert_restore_fails (f, foreign, KV_ERROR_SNAPSHOT_READ);
  assert_restore_fails (f, no_k6, KV_ERROR_SNAPSHOT_KEY_MISSING);
  assert_restore_fails (f, other_format, KV_ERROR_SNAPSHOT_READ);
  assert_restore_fails (f, truncated, KV_ERROR_SNAPSHOT_READ);
  assert_restore_fails (f, f->dir, KV_ERROR_SNAPSHOT_READ);
}

/* A libkv LMDB file whose "serialization" record is @serialization (found by
 * fuzz-snapshot: verify said json for "stri", restore refused it). */
static void
write_with_serialization (const char *path, const char *serialization)
{
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi data, meta;
  MDB_val fk = { 6, (void *) "format" }, fv = { 12, (void *) "libkv-lmdb-1" };
  MDB_val sk = { 13, (void *) "serialization" },
          sv = { strlen (serialization), (void *) serialization };
  MDB_val k = { 1, (void *) "k" }, v = { 7, (void *) "{\"a\":1}" };

  g_assert_cmpint (mdb_env_create (&env), ==, 0);
  g_assert_cmpint (mdb_env_set_maxdbs (env, 4), ==, 0);
  g_assert_cmpint (mdb_env_open (env, path, MDB_NOSUBDIR | MDB_NOLOCK, 0644), ==, 0);
  g_assert_cmpint (mdb_txn_begin (env, NULL, 0, &txn), ==, 0);
  g_assert_cmpint (mdb_dbi_open (txn, "k6", MDB_CREATE, &data), ==, 0);
  g_assert_cmpint (mdb_put (txn, data, &k, &v, 0), ==, 0);
  g_assert_cmpint (mdb_dbi_open (txn, "meta", MDB_CREATE, &meta), ==, 0);
  g_assert_cmpint (mdb_put (txn, meta, &fk, &fv, 0), ==, 0);
  g_assert_cmpint (mdb_put (txn, meta, &sk, &sv, 0), ==, 0);
  g_assert_cmpint (mdb_txn_commit (txn), ==, 0);
  mdb_env_close (env);
}

/* Verify refuses exactly the serializations restore cannot match to a store. */
static void
test_unknown_serialization (StoreFixture *f, gconstpointer data)
{
  const char *unknown[] = { "stri", "JSON", "",
                            "a serialization name longer than 64 bytes ......." };
  const char *mode =
      kv_options_get_serialization (kv_store_get_options (f->store)) == KV_SERIALIZATION_STRING
          ? "string"
          : "json";
  g_autofree char *path = in_dir (f, "ser.kv");
  g_autoptr (GError) error = NULL;
  KvSnapshotInfo info;

  fill (f->store, "x", 7);
  for (gsize i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_unlink (path);
      write_with_serialization (path, unknown[i]);
      assert_restore_fails (f, path, KV_ERROR_SNAPSHOT_READ);
    }
  g_unlink (path);
  write_with_serialization (path, mode);
  g_assert_true (kv_snapshot_verify (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.entries, ==, 1);
  g_assert_true (kv_store_restore (f->store, path, 0, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count (f->store, NULL), ==, 1);
}

/* LMDB does not checksum pages, and damaged pages can crash it; the trailer
 * must catch damage anywhere before LMDB reads the file. */
static void
test_damage_anywhere (StoreFixture *f, gconstpointer data)
{
  g_autofree char *good = in_dir (f, "good.kv");
  g_autofree char *bad = in_dir (f, "damaged.kv");
  g_autofree char *contents = NULL;
  gsize len;
  GRand *rand = g_rand_new_with_seed (7);

  fill (f->store, "d:", 2000);
  g_assert_true (kv_store_backup (f->store, good, FALSE, 0, 0, NULL, NULL));
  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  for (gsize offset = 0; offset + 64 <= len; offset += len / 40)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *copy = g_memdup2 (contents, len);
      for (int i = 0; i < 64; i++)
        copy[offset + i] ^= (char) (1 + g_rand_int_range (rand, 0, 255));
      g_assert_true (g_file_set_contents (bad, copy, (gssize) len, NULL));
      g_assert_false (kv_store_restore (f->store, bad, 0, 0, NULL, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ);
    }
  g_rand_free (rand);
  g_assert_cmpuint (count (f->store, "d:"), ==, 2000);
}

static void
test_best_effort (StoreFixture *f, gconstpointer data)
{
  g_autofree char *snap = in_dir (f, "be.kv");
  gboolean memory = kv_options_get_backend (kv_store_get_options (f->store)) == KV_BACKEND_MEMORY;
  KvBackupSummary b;

  fill (f->store, "k", 3);
  g_assert_true (kv_store_backup (f->store, snap, TRUE, 0, 0, &b, NULL));
  /* Only the memory backend lets writers run; disk snapshots are always consistent. */
  g_assert_cmpint (b.best_effort, ==, memory);
  g_assert_cmpint (b.warning != NULL, ==, memory);
  g_assert_cmpuint (b.entries, ==, 3);
}

typedef struct
{
  KvStore *store;
  const char *path;
  GError *error;
} BackupThread;

static gpointer
backup_thread (gpointer data)
{
  BackupThread *t = data;
  if (!kv_store_backup (t->store, t->path, FALSE, 0, 0, NULL, &t->error))
    g_assert_nonnull (t->error);
  return NULL;
}

static gboolean
has_temp_file (const char *dir, const char *prefix)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    if (g_str_has_prefix (name, prefix))
      return TRUE;
  return FALSE;
}

/* While a backup runs, a second backup and a restore are refused with
 * BackupInProgressError. The probes fail fast on their own (a one-entry
 * budget, a missing file), so they hold the store only for an instant. */
static void
test_backup_in_progress (StoreFixture *f, gconstpointer data)
{
  g_autofree char *a = in_dir (f, "a.kv");
  g_autofree char *b = in_dir (f, "b.kv");
  g_autofree char *missing = in_dir (f, "missing.kv");
  gboolean seen_backup = FALSE, seen_restore = FALSE;

  fill (f->store, "many:", 20000);
  for (int attempt = 0; attempt < 50 && !(seen_backup && seen_restore); attempt++)
    {
      BackupThread t = { f->store, a, NULL };
      GThread *thread = g_thread_new ("backup", backup_thread, &t);
      /* The backup writes a temporary file only once it holds the store: wait for it. */
      for (int spin = 0; spin < 100000 && !has_temp_file (f->dir, ".a.kv.tmp-"); spin++)
        g_thread_yield ();
      for (int i = 0; i < 50 && !(seen_backup && seen_restore); i++)
        {
          g_autoptr (GError) error = NULL;
          g_assert_false (kv_store_backup (f->store, b, FALSE, 1, 0, NULL, &error));
          seen_backup |= g_error_matches (error, KV_ERROR, KV_ERROR_BACKUP_IN_PROGRESS);
          g_clear_error (&error);
          g_assert_false (kv_store_restore (f->store, missing, 0, 0, NULL, &error));
          seen_restore |= g_error_matches (error, KV_ERROR, KV_ERROR_BACKUP_IN_PROGRESS);
        }
      g_thread_join (thread);
      /* The long backup succeeds unless a probe held the store when it started. */
      g_assert_true (t.error == NULL ||
                     g_error_matches (t.error, KV_ERROR, KV_ERROR_BACKUP_IN_PROGRESS) ||
                     g_error_matches (t.error, KV_ERROR, KV_ERROR_RESTORE_IN_PROGRESS));
      g_clear_error (&t.error);
    }
  g_assert_true (seen_backup);
  g_assert_true (seen_restore);
}

/* Permission denied: a snapshot, and a directory to export into, that the
 * caller may not read or write. As root (CI) the check runs in a subprocess
 * that drops to uid/gid 65534, since root ignores file modes. */
static void
test_permission_denied (void)
{
  const char *dir = g_getenv ("KV_TEST_PRIVATE_DIR");

  if (g_test_subprocess ())
    {
      g_autofree char *snap = g_build_filename (dir, "private.kv", NULL);
      g_autofree char *out = g_build_filename (dir, "out.jsonl", NULL);
      g_autoptr (KvOptions) o = kv_options_new_from_json ("{\"backend\":\"memory\"}", NULL);
      g_autoptr (KvStore) kv = NULL;
      g_autoptr (GError) error = NULL;
      KvSnapshotInfo info;

      if (geteuid () == 0)
        g_assert_true (setgid (65534) == 0 && setuid (65534) == 0);
      kv = kv_store_open (o, NULL);
      g_assert_true (kv_store_set (kv, "k", "1", 1, NULL));
      g_assert_false (kv_store_restore (kv, snap, 0, 0, NULL, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_PERMISSION);
      g_clear_error (&error);
      g_assert_false (kv_snapshot_verify (snap, &info, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_PERMISSION);
      g_clear_error (&error);
      g_assert_false (kv_store_export_jsonl (kv, out, NULL, 0, NULL, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_PERMISSION);
      g_clear_error (&error);
      g_assert_false (kv_store_backup (kv, out, FALSE, 0, 0, NULL, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_PERMISSION);
      return;
    }
  {
    g_autofree char *tmp = g_dir_make_tmp ("kv-private-XXXXXX", NULL);
    g_autofree char *snap = g_build_filename (tmp, "private.kv", NULL);
    g_autoptr (KvOptions) o = kv_options_new_from_json ("{\"backend\":\"memory\"}", NULL);
    g_autoptr (KvStore) kv = kv_store_open (o, NULL);

    g_assert_true (kv_store_set (kv, "k", "1", 1, NULL));
    g_assert_true (kv_store_backup (kv, snap, FALSE, 0, 0, NULL, NULL));
    /* Root-owned 0700 directory for the subprocess as uid 65534; modes 0 otherwise. */
    g_assert_cmpint (g_chmod (snap, geteuid () == 0 ? 0600 : 0), ==, 0);
    g_assert_cmpint (g_chmod (tmp, geteuid () == 0 ? 0711 : 0500), ==, 0);
    g_setenv ("KV_TEST_PRIVATE_DIR", tmp, TRUE);
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_chmod (tmp, 0700);
    g_remove (snap);
    g_rmdir (tmp);
    g_test_trap_assert_passed ();
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  STORE_TEST_ADD ("snapshot/round-trip", test_round_trip);
  STORE_TEST_ADD ("snapshot/opens-as-disk-store", test_snapshot_opens_as_disk_store);
  STORE_TEST_ADD ("snapshot/default-and-live-file", test_default_file_and_live_file);
  STORE_TEST_ADD ("snapshot/budgets", test_budgets);
  STORE_TEST_ADD ("snapshot/bad-files", test_bad_snapshots);
  STORE_TEST_ADD ("snapshot/unknown-serialization", test_unknown_serialization);
  STORE_TEST_ADD ("snapshot/damage-anywhere", test_damage_anywhere);
  STORE_TEST_ADD ("snapshot/best-effort", test_best_effort);
  STRESS_TEST_ADD ("snapshot/in-progress", test_backup_in_progress);
  g_test_add_func ("/kv/snapshot/permission-denied", test_permission_denied);
  return g_test_run ();
}
