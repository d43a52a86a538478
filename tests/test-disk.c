/* test-disk.c — what only the disk backend has: files, read-only mode, map growth,
 * several processes on one store, and surviving SIGKILL. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libkv/kv.h>

typedef struct
{
  char *dir;
  char *path;
} DiskFixture;

static void
disk_setup (DiskFixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("kv-disk-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "store.kv", NULL);
}

static void
disk_teardown (DiskFixture *f, gconstpointer data)
{
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static KvStore *
open_disk (const char *path, const char *extra, GError **error)
{
  g_autofree char *json = g_strdup_printf ("{\"backend\":\"disk\",\"path\":\"%s\"%s%s}", path,
                                           extra ? "," : "", extra ? extra : "");
  g_autoptr (KvOptions) o = kv_options_new_from_json (json, error);
  return o ? kv_store_open (o, error) : NULL;
}

static KvStore *
open_ok (const char *path, const char *extra)
{
  g_autoptr (GError) error = NULL;
  KvStore *kv = open_disk (path, extra, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kv);
  return kv;
}

static void
assert_value (KvStore *kv, const char *key, const char *want)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) v = kv_store_get (kv, key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_bytes_get_data (v, NULL), ==, want);
}

static void
test_persists (DiskFixture *f, gconstpointer data)
{
  g_autoptr (KvClaim) claim = NULL;
  guint64 first_token;

  {
    g_autoptr (KvStore) kv = open_ok (f->path, NULL);
    g_assert_true (kv_store_set (kv, "a", "{\"x\":1}", 7, NULL));
    g_assert_true (kv_store_set (kv, "job:1", "1", 1, NULL));
    g_assert_true (kv_store_increment_by (kv, "n", 41, NULL, NULL));
    claim = kv_store_claim_key (kv, "job:1", "w", 60000, NULL);
    g_assert_nonnull (claim);
    first_token = kv_claim_get_token (claim);
  }
  {
    g_autoptr (KvStore) kv = open_ok (f->path, NULL);
    g_autoptr (KvClaim) again = kv_store_claim_key (kv, "job:1", "w", 0, NULL);
    g_autoptr (KvClaim) other = NULL;
    KvAllocationStats st;
    assert_value (kv, "a", "{\"x\":1}");
    assert_value (kv, "n", "41");
    /* Claim records and the token counter survive reopening. */
    g_assert_null (again);
    g_assert_true (kv_store_allocation_stats (kv, "job:", &st, NULL));
    g_assert_cmpuint (st.claimed_live, ==, 1);
    g_assert_true (kv_store_set (kv, "job:2", "2", 1, NULL));
    other = kv_store_claim_key (kv, "job:2", NULL, 0, NULL);
    g_assert_cmpuint (kv_claim_get_token (other), ==, first_token + 1);
  }
}

/* Permission denied is DiskPathError, whether creating a store in a directory
 * we may not write, or opening (read-write or read-only) a file we may not
 * read. Root ignores modes, so as root the checks run in a subprocess that
 * drops to uid 65534 ("nobody"). */
static void
test_permission_denied (void)
{
  const char *dir = g_getenv ("KV_TEST_PRIVATE_DIR");

  if (g_test_subprocess ())
    {
      g_autofree char *existing = g_build_filename (dir, "private.kv", NULL);
      g_autofree char *fresh = g_build_filename (dir, "new.kv", NULL);
      const char *cases[][2] = {
        { fresh, NULL },
        { existing, NULL },
        { existing, "\"disk\":{\"readOnly\":true}" },
      };

      if (geteuid () == 0)
        g_assert_true (setgid (65534) == 0 && setuid (65534) == 0);
      for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (KvStore) kv = open_disk (cases[i][0], cases[i][1], &error);
          g_assert_null (kv);
          g_assert_error (error, KV_ERROR, KV_ERROR_DISK_PATH);
          g_assert_nonnull (strstr (error->message, "ermission denied"));
        }
      return;
    }
  {
    g_autofree char *tmp = g_dir_make_tmp ("kv-private-XXXXXX", NULL);
    g_autofree char *existing = g_build_filename (tmp, "private.kv", NULL);
    g_autofree char *lock = g_strconcat (existing, "-lock", NULL);

    g_object_unref (open_ok (existing, NULL));
    /* The directory can be entered but not written; the files are private. */
    g_assert_cmpint (g_chmod (existing, geteuid () == 0 ? 0600 : 0), ==, 0);
    g_assert_cmpint (g_chmod (lock, geteuid () == 0 ? 0600 : 0), ==, 0);
    g_assert_cmpint (g_chmod (tmp, 0711), ==, 0);
    if (geteuid () != 0)
      g_assert_cmpint (g_chmod (tmp, 0511), ==, 0);
    g_setenv ("KV_TEST_PRIVATE_DIR", tmp, TRUE);
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_chmod (tmp, 0700);
    g_remove (existing);
    g_remove (lock);
    g_rmdir (tmp);
    g_test_trap_assert_passed ();
  }
}

/* A store keeps the serialization it was created with; the other is refused,
 * read-write or read-only, and so is a snapshot of the other kind on restore. */
static void
test_serialization_kept (DiskFixture *f, gconstpointer data)
{
  g_autofree char *snap = g_build_filename (f->dir, "json.snap", NULL);
  g_autofree char *other = g_build_filename (f->dir, "json.kv", NULL);
  g_autoptr (GError) error = NULL;
  KvStore *kv;

  kv = open_ok (f->path, "\"serialization\":\"string\"");
  g_assert_true (kv_store_set (kv, "greeting", "hello", 5, NULL));
  g_object_unref (kv);

  for (int read_only = 0; read_only <= 1; read_only++)
    {
      const char *extra = read_only ? "\"disk\":{\"readOnly\":true}" : NULL;
      kv = open_disk (f->path, extra, &error);
      g_assert_null (kv);
      g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_SERIALIZATION);
      g_assert_nonnull (strstr (error->message, "created with serialization \"string\""));
      g_clear_error (&error);
    }

  /* A json snapshot does not restore into the string store, which keeps its data. */
  kv = open_ok (other, NULL);
  g_assert_true (kv_store_set (kv, "n", "1", 1, NULL));
  g_assert_true (kv_store_backup (kv, snap, FALSE, 0, 0, NULL, NULL));
  g_object_unref (kv);
  kv = open_ok (f->path, "\"serialization\":\"string\"");
  g_assert_false (kv_store_restore (kv, snap, 0, 0, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_SERIALIZATION);
  g_clear_error (&error);
  assert_value (kv, "greeting", "hello");
  g_object_unref (kv);
}

static void
test_read_only (DiskFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvStore) ro = NULL;
  gboolean b;
  g_autofree char *stats = NULL;

  ro = open_disk (f->path, "\"disk\":{\"readOnly\":true}", &error);
  g_assert_null (ro); /* read-only never creates a store */
  g_assert_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN);
  g_clear_error (&error);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));

  {
    g_autoptr (KvStore) rw = open_ok (f->path, NULL);
    g_assert_true (kv_store_set (rw, "k", "1", 1, NULL));
  }
  ro = open_ok (f->path, "\"disk\":{\"readOnly\":true}");
  assert_value (ro, "k", "1");
#define ASSERT_RO(expr)                                                                            \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_assert_false (expr);                                                                         \
    g_assert_error (error, KV_ERROR, KV_ERROR_STORE_READ_ONLY);                                    \
    g_clear_error (&error);                                                                        \
  }                                                                                                \
  G_STMT_END
  ASSERT_RO (kv_store_set (ro, "k", "2", 1, &error));
  ASSERT_RO (kv_store_delete (ro, "k", &error));
  ASSERT_RO (kv_store_clear (ro, &error));
  ASSERT_RO (kv_store_increment_by (ro, "k", 1, NULL, &error));
  ASSERT_RO (kv_store_compare_and_swap (ro, "k", "1", 1, "2", 1, &b, NULL, NULL, &error));
  ASSERT_RO (kv_store_claim_key (ro, "k", NULL, 0, &error) != NULL);
  ASSERT_RO (kv_store_pop_random (ro, NULL, &error) != NULL);
  ASSERT_RO (kv_store_delete_by_prefix (ro, "k", 10, NULL, NULL, &error));
#undef ASSERT_RO
  assert_value (ro, "k", "1");
  stats = kv_store_dup_stats_json (ro, &error);
  g_assert_nonnull (strstr (stats, "\"readOnly\":true"));
}

static void
test_bad_paths (DiskFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *plain = g_build_filename (f->dir, "plain", NULL);
  /* Under a regular file: no directory can be made there. */
  g_autofree char *missing_dir = g_build_filename (f->dir, "plain", "such", "store.kv", NULL);
  g_autofree char *foreign = g_build_filename (f->dir, "foreign.kv", NULL);
  KvStore *kv;

  g_assert_true (g_file_set_contents (plain, "x", -1, NULL));
  kv = open_disk (missing_dir, NULL, &error);
  g_assert_null (kv);
  g_assert_error (error, KV_ERROR, KV_ERROR_DISK_PATH);
  g_clear_error (&error);

  kv = open_disk (f->dir, NULL, &error); /* a directory */
  g_assert_null (kv);
  g_assert_error (error, KV_ERROR, KV_ERROR_DISK_PATH);
  g_clear_error (&error);

  /* Not an LMDB file: refused, and left as it was. */
  g_assert_true (g_file_set_contents (foreign, "this is a bbolt file, honest", -1, NULL));
  kv = open_disk (foreign, NULL, &error);
  g_assert_null (kv);
  g_assert_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN);
  g_clear_error (&error);
  {
    g_autofree char *contents = NULL;
    g_assert_true (g_file_get_contents (foreign, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "this is a bbolt file, honest");
  }
}

/* D13: an LMDB file someone else made, without our "k6" database and
 * without libkv's format record, is refused in every mode — and left as it
 * was, rather than adopted with our databases created inside it. */
static void
test_bucket_missing (DiskFixture *f, gconstpointer data)
{
  static const char *const modes[] = { "\"disk\":{\"readOnly\":true}", NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gsize before_len, after_len;
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  KvStore *kv;

  g_assert_cmpint (mdb_env_create (&env), ==, 0);
  g_assert_cmpint (mdb_env_set_maxdbs (env, 2), ==, 0);
  g_assert_cmpint (mdb_env_open (env, f->path, MDB_NOSUBDIR, 0644), ==, 0);
  g_assert_cmpint (mdb_txn_begin (env, NULL, 0, &txn), ==, 0);
  g_assert_cmpint (mdb_dbi_open (txn, "other", MDB_CREATE, &dbi), ==, 0);
  g_assert_cmpint (mdb_txn_commit (txn), ==, 0);
  mdb_env_close (env);

  g_assert_true (g_file_get_contents (f->path, &before, &before_len, NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      kv = open_disk (f->path, modes[i], &error);
      g_assert_null (kv);
      g_assert_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN);
      g_assert_nonnull (strstr (error->message, "format"));
      g_clear_error (&error);
    }
  g_assert_true (g_file_get_contents (f->path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
test_open_twice (DiskFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvStore) a = open_ok (f->path, NULL);
  KvStore *b = open_disk (f->path, NULL, &error);

  g_assert_null (b);
  g_assert_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN);
  g_clear_object (&a);
  b = open_ok (f->path, NULL); /* closed: fine again */
  g_object_unref (b);
}

/* A 1 MiB map filled with 6 MiB: the writer grows it (several times) and
 * nothing is lost or written twice. */
static void
test_map_grows (DiskFixture *f, gconstpointer data)
{
  g_autoptr (KvStore) kv = open_ok (f->path, "\"disk\":{\"mapSize\":\"1MiB\",\"noSync\":true}");
  g_autofree char *value = g_malloc (64 * 1024 + 3);
  g_autofree char *stats = NULL;
  guint64 n = 0;

  memset (value, 'v', 64 * 1024 + 2);
  value[0] = value[64 * 1024 + 1] = '"';
  value[64 * 1024 + 2] = '\0';
  for (int i = 0; i < 96; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("big:%03d", i);
      g_assert_true (kv_store_set (kv, key, value, strlen (value), &error));
      g_assert_no_error (error);
    }
  g_assert_true (kv_store_count (kv, "big:", &n, NULL));
  g_assert_cmpuint (n, ==, 96);
  stats = kv_store_dup_stats_json (kv, NULL);
  g_assert_null (strstr (stats, "\"mapSize\":1048576")); /* it grew */
  {
    g_autoptr (GBytes) v = kv_store_get (kv, "big:095", NULL);
    g_assert_cmpuint (g_bytes_get_size (v), ==, strlen (value));
  }
}

static void
test_stats_and_options (DiskFixture *f, gconstpointer data)
{
  g_autoptr (KvStore) kv =
      open_ok (f->path, "\"disk\":{\"timeout\":\"2s\",\"noGrowSync\":true,\"freelistType\":\"map\","
                        "\"noFreelistSync\":true,\"maxReaders\":200,\"initialMmapSize\":\"8MB\"}");
  g_autofree char *stats = NULL;

  g_assert_true (kv_store_set (kv, "a", "1", 1, NULL));
  stats = kv_store_dup_stats_json (kv, NULL);
  g_assert_nonnull (strstr (stats, "\"backend\":\"disk\""));
  g_assert_nonnull (strstr (stats, "\"ignoredOptions\":[\"noFreelistSync\",\"freelistType\"]"));
  g_assert_nonnull (strstr (stats, "\"maxReaders\":200"));
  g_assert_nonnull (strstr (stats, "\"count\":1"));
  g_assert_nonnull (strstr (stats, "\"readOnly\":false"));
}

/* The disk fills up: writes past RLIMIT_FSIZE fail the way ENOSPC does, with
 * no mount needed. The failed write is a typed error, nothing acknowledged
 * before it is lost, and the store opens and works again once there is room. */
static void
test_disk_full (DiskFixture *f, gconstpointer data)
{
  if (g_test_subprocess ())
    {
      g_autoptr (KvStore) kv = open_ok (f->path, NULL);
      g_autofree char *value = g_malloc (32 * 1024 + 3);
      struct rlimit lim;
      struct stat st;
      int acked = 0, failed_at = -1;

      memset (value, 'x', 32 * 1024 + 2);
      value[0] = value[32 * 1024 + 1] = '"';
      value[32 * 1024 + 2] = '\0';
      g_assert_true (kv_store_set (kv, "before", "1", 1, NULL));
      g_assert_cmpint (stat (f->path, &st), ==, 0);
      signal (SIGXFSZ, SIG_IGN); /* get EFBIG from write() instead of a signal */
      getrlimit (RLIMIT_FSIZE, &lim);
      lim.rlim_cur = (rlim_t) st.st_size + 256 * 1024;
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);

      for (int i = 0; i < 200; i++)
        {
          g_autoptr (GError) error = NULL;
          g_autofree char *key = g_strdup_printf ("fill:%03d", i);
          if (!kv_store_set (kv, key, value, strlen (value), &error))
            {
              g_assert_error (error, KV_ERROR, KV_ERROR_DISK_STORE_WRITE);
              g_assert_nonnull (strstr (error->message, "full"));
              failed_at = i;
              break;
            }
          acked++;
        }
      g_assert_cmpint (failed_at, >=, 0); /* the limit was hit */

      /* Room again: everything acknowledged is there, the store keeps working. */
      lim.rlim_cur = lim.rlim_max;
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);
      g_clear_object (&kv);
      kv = open_ok (f->path, NULL);
      assert_value (kv, "before", "1");
      for (int i = 0; i < acked; i++)
        {
          g_autofree char *key = g_strdup_printf ("fill:%03d", i);
          g_autoptr (GBytes) v = kv_store_get (kv, key, NULL);
          g_assert_nonnull (v);
        }
      g_assert_true (kv_store_set (kv, "after", "2", 1, NULL));
      g_test_message ("%d writes acknowledged before the disk was full", acked);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* ---- Several processes -------------------------------------------------------------------- */

static char *
helper_path (void)
{
  return g_test_build_filename (G_TEST_BUILT, "kv-test-helper", NULL);
}

static GPid
spawn_helper (const char *const *args, int stdout_fd)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *helper = helper_path ();
  GPtrArray *argv = g_ptr_array_new ();
  GPid pid = 0;

  g_ptr_array_add (argv, helper);
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_async_with_fds (NULL, (char **) argv->pdata, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, -1, stdout_fd,
                                         -1, &error));
  g_assert_no_error (error);
  g_ptr_array_free (argv, TRUE);
  return pid;
}

static int
wait_helper (GPid pid)
{
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return status;
}

static void
test_processes_share_counters (DiskFixture *f, gconstpointer data)
{
  const char *args[] = { "increment", f->path, "shared", "300", NULL };
  GPid a, b;

  {
    g_autoptr (KvStore) kv = open_ok (f->path, NULL); /* create it first */
  }
  a = spawn_helper (args, -1);
  b = spawn_helper (args, -1);
  g_assert_true (g_spawn_check_wait_status (wait_helper (a), NULL));
  g_assert_true (g_spawn_check_wait_status (wait_helper (b), NULL));
  {
    g_autoptr (KvStore) kv = open_ok (f->path, NULL);
    assert_value (kv, "shared", "600");
  }
}

static GHashTable *
read_lines (const char *file)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (char **l = lines; *l; l++)
    if (**l)
      g_assert_true (g_hash_table_add (set, g_strdup (*l))); /* no key twice within a process */
  return set;
}

static void
test_processes_share_claims (DiskFixture *f, gconstpointer data)
{
  const char *args[] = { "drain", f->path, "pool:", NULL };
  g_autofree char *out_a = g_build_filename (f->dir, "a.out", NULL);
  g_autofree char *out_b = g_build_filename (f->dir, "b.out", NULL);
  g_autoptr (GHashTable) got_a = NULL;
  g_autoptr (GHashTable) got_b = NULL;
  int fd_a, fd_b;
  GPid a, b;
  const int pool = 200;

  {
    g_autoptr (KvStore) kv = open_ok (f->path, NULL);
    for (int i = 0; i < pool; i++)
      {
        g_autofree char *key = g_strdup_printf ("pool:%d", i);
        g_assert_true (kv_store_set (kv, key, "1", 1, NULL));
      }
  }
  fd_a = open (out_a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  fd_b = open (out_b, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  a = spawn_helper (args, fd_a);
  b = spawn_helper (args, fd_b);
  g_assert_true (g_spawn_check_wait_status (wait_helper (a), NULL));
  g_assert_true (g_spawn_check_wait_status (wait_helper (b), NULL));
  close (fd_a);
  close (fd_b);

  /* Every item went to exactly one process. */
  got_a = read_lines (out_a);
  got_b = read_lines (out_b);
  g_assert_cmpuint (g_hash_table_size (got_a) + g_hash_table_size (got_b), ==, pool);
  {
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init (&it, got_a);
    while (g_hash_table_iter_next (&it, &key, NULL))
      g_assert_false (g_hash_table_contains (got_b, key));
  }
  g_test_message ("process A took %u items, process B %u", g_hash_table_size (got_a),
                  g_hash_table_size (got_b));
}

/* With trackKeys, the derived index notices another process's writes. */
static void
test_index_sees_other_process (DiskFixture *f, gconstpointer data)
{
  g_autoptr (KvStore) kv = open_ok (f->path, "\"trackKeys\":true");
  const char *args[] = { "add", f->path, "theirs:", "50", NULL };
  guint64 n = 1;
  char *key = NULL;
  GPid pid;

  g_assert_true (kv_store_count (kv, "theirs:", &n, NULL));
  g_assert_cmpuint (n, ==, 0);
  /* The helper opens the same file: fine across processes (not within one). */
  pid = spawn_helper (args, -1);
  g_assert_true (g_spawn_check_wait_status (wait_helper (pid), NULL));
  g_assert_true (kv_store_count (kv, "theirs:", &n, NULL));
  g_assert_cmpuint (n, ==, 50);
  g_assert_true (kv_store_random_key (kv, "theirs:", &key, NULL));
  g_assert_true (g_str_has_prefix (key, "theirs:"));
  g_free (key);
  g_assert_true (kv_store_set (kv, "mine", "1", 1, NULL));
  g_assert_true (kv_store_count (kv, NULL, &n, NULL));
  g_assert_cmpuint (n, ==, 51);
}

/* ---- Crash safety ------------------------------------------------------------------------- */

/* A writer is SIGKILLed at a random moment, again and again; every write it
 * acknowledged (set() returned, then it printed the number) must be there
 * and the store must open cleanly. */
static void
test_sigkill_loses_no_acknowledged_write (DiskFixture *f, gconstpointer data)
{
  const int trials = g_test_slow () ? 1000 : 100;
  g_autofree char *out = g_build_filename (f->dir, "acked.out", NULL);
  const char *args[] = { "write-forever", f->path, NULL };
  guint64 total_acked = 0;

  for (int t = 0; t < trials; t++)
    {
      g_autoptr (KvStore) kv = NULL;
      g_autofree char *contents = NULL;
      g_auto (GStrv) lines = NULL;
      gint64 acked = -1;
      int fd = open (out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      GPid pid = spawn_helper (args, fd);
      int status;

      close (fd);
      g_usleep (g_random_int_range (5, 60) * 1000);
      kill (pid, SIGKILL);
      status = wait_helper (pid);
      g_assert_true (WIFSIGNALED (status) || WIFEXITED (status));

      g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
      lines = g_strsplit (contents, "\n", -1);
      for (char **l = lines; *l; l++)
        if (**l && l[1] != NULL) /* a complete line: the number was fully printed */
          acked = g_ascii_strtoll (*l, NULL, 10);

      kv = open_ok (f->path, NULL);
      for (gint64 n = 0; n <= acked; n++)
        {
          char key[32], want[32];
          g_autoptr (GError) error = NULL;
          g_autoptr (GBytes) v = NULL;
          g_snprintf (key, sizeof key, "seq:%" G_GINT64_FORMAT, n);
          g_snprintf (want, sizeof want, "%" G_GINT64_FORMAT, n);
          v = kv_store_get (kv, key, &error);
          if (v == NULL)
            g_error ("trial %d: acknowledged write %s is missing: %s", t, key, error->message);
          g_assert_cmpstr (g_bytes_get_data (v, NULL), ==, want);
        }
      total_acked += (guint64) (acked + 1);
    }
  g_test_message ("%d kills, %" G_GUINT64_FORMAT " acknowledged writes checked", trials,
                  total_acked);
}

/* The page check on open (kv-lmdb-check.c) reads the file while a writer in
 * another process commits and reuses freed pages: the snapshot it checks is
 * pinned by a read transaction, so no open is ever refused as damaged, and
 * every read-only open counts what it lists. Writable opens (a second
 * writer, which also checks the free-page list) the same. */
static void
test_open_beside_a_writer (DiskFixture *f, gconstpointer data)
{
  const int opens = g_test_slow () ? 2000 : 200;
  g_autofree char *out = g_build_filename (f->dir, "written.out", NULL);
  const char *args[] = { "write-forever", f->path, NULL };
  int out_fd = open (out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  gint64 started;
  GPid pid;

  {
    /* Enough pages that each check takes a while; replaced values free pages. */
    g_autoptr (KvStore) kv = open_ok (f->path, "\"disk\":{\"noSync\":true}");
    g_autoptr (GError) error = NULL;
    for (int round = 0; round < 2; round++)
      for (int i = 0; i < 3000; i++)
        {
          g_autofree char *key = g_strdup_printf ("fill:%05d", i);
          g_autofree char *value = g_strdup_printf ("\"%0*d\"", round ? 20 : 90, i);
          g_assert_true (kv_store_set (kv, key, value, strlen (value), &error));
        }
  }
  pid = spawn_helper (args, out_fd);
  close (out_fd);
  /* The checks must run while commits land: wait for the writer's first ones. */
  started = g_get_monotonic_time ();
  for (;;)
    {
      g_autofree char *written = NULL;
      if (g_file_get_contents (out, &written, NULL, NULL) && strlen (written) > 20)
        break;
      g_assert_cmpint (g_get_monotonic_time () - started, <, 30 * G_USEC_PER_SEC);
      g_usleep (1000);
    }
  for (int i = 0; i < opens; i++)
    {
      gboolean writable = i % 4 == 3;
      g_autoptr (GError) error = NULL;
      g_autoptr (KvStore) kv =
          open_disk (f->path, writable ? NULL : "\"disk\":{\"readOnly\":true}", &error);
      g_autoptr (GPtrArray) listed = NULL;
      guint64 count = 0;

      g_assert_no_error (error);
      if (writable)
        {
          g_assert_true (kv_store_set (kv, "second-writer", "1", 1, &error));
          g_assert_no_error (error);
          continue;
        }
      /* A read-only store reads one snapshot per call: count and list may
       * see different commits, never fewer keys in the later one. */
      g_assert_true (kv_store_count (kv, NULL, &count, &error));
      listed = kv_store_list (kv, NULL, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (listed->len, >=, count);
      g_assert_cmpuint (count, >=, 3000);
    }
  /* The writer ran all along: it was never refused by the other openers. */
  g_assert_cmpint (waitpid (pid, NULL, WNOHANG), ==, 0);
  kill (pid, SIGKILL);
  wait_helper (pid);
  {
    g_autofree char *written = NULL;
    g_auto (GStrv) lines = NULL;
    g_assert_true (g_file_get_contents (out, &written, NULL, NULL));
    lines = g_strsplit (written, "\n", -1);
    g_test_message ("%d opens beside %u commits", opens, g_strv_length (lines) - 1);
  }
}

/* D14: a pop hands the value over as it deletes it. A stored value that is
 * not JSON (a damaged or foreign file) is refused, and nothing is deleted. */
static void
test_pop_keeps_undecodable (DiskFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) popped = NULL;
  KvStore *kv = open_ok (f->path, NULL);
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  MDB_val k = { 2, (void *) "ok" }, v = { 9, (void *) "{bad json" };
  guint64 count = 0;

  g_assert_true (kv_store_set (kv, "good", "1", 1, &error));
  g_object_unref (kv);
  g_assert_cmpint (mdb_env_create (&env), ==, 0);
  g_assert_cmpint (mdb_env_set_maxdbs (env, 8), ==, 0);
  g_assert_cmpint (mdb_env_open (env, f->path, MDB_NOSUBDIR, 0644), ==, 0);
  g_assert_cmpint (mdb_txn_begin (env, NULL, 0, &txn), ==, 0);
  g_assert_cmpint (mdb_dbi_open (txn, "k6", 0, &dbi), ==, 0);
  g_assert_cmpint (mdb_put (txn, dbi, &k, &v, 0), ==, 0);
  g_assert_cmpint (mdb_txn_commit (txn), ==, 0);
  mdb_env_close (env);

  kv = open_ok (f->path, NULL);
  /* popRandomMany takes both keys in one write: the bad one vetoes it all. */
  popped = kv_store_pop_random_many (kv, NULL, 10, &error);
  g_assert_null (popped);
  g_assert_error (error, KV_ERROR, KV_ERROR_UNEXPECTED_STORE_OUTPUT);
  g_assert_nonnull (strstr (error->message, "\"ok\""));
  g_clear_error (&error);
  g_assert_true (kv_store_size (kv, &count, &error));
  g_assert_cmpuint (count, ==, 2);
  /* popRandom either returns the good entry or refuses the bad one. */
  for (int i = 0; i < 20 && count == 2; i++)
    {
      g_autoptr (KvEntry) entry = kv_store_pop_random (kv, NULL, &error);
      if (entry)
        g_assert_cmpstr (kv_entry_get_key (entry), ==, "good");
      else
        {
          g_assert_error (error, KV_ERROR, KV_ERROR_UNEXPECTED_STORE_OUTPUT);
          g_clear_error (&error);
        }
      g_assert_true (kv_store_size (kv, &count, &error));
    }
  {
    gboolean exists = FALSE;
    g_assert_true (kv_store_exists (kv, "ok", &exists, &error));
    g_assert_true (exists);
  }
  g_object_unref (kv);
}

/* As in xk6-kv, openKv({path: "./data/custom.kv"}) creates ./data (0750);
 * a read-only open creates nothing. */
static void
test_creates_parent_dir (DiskFixture *f, gconstpointer data)
{
  g_autofree char *top = g_build_filename (f->dir, "data", NULL);
  g_autofree char *parent = g_build_filename (f->dir, "data", "deeper", NULL);
  g_autofree char *path = g_build_filename (parent, "custom.kv", NULL);
  g_autofree char *ro_top = g_build_filename (f->dir, "ro", NULL);
  g_autofree char *ro_path = g_build_filename (ro_top, "x.kv", NULL);
  g_autofree char *lock = g_strconcat (path, "-lock", NULL);
  g_autoptr (GError) error = NULL;
  mode_t mask = umask (022);
  struct stat st;
  KvStore *kv;

  umask (mask);
  kv = open_ok (path, NULL);
  g_assert_true (kv_store_set (kv, "k", "1", 1, NULL));
  g_object_unref (kv);
  g_assert_cmpint (stat (parent, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0750 & ~mask);
  kv = open_ok (path, "\"disk\":{\"readOnly\":true}");
  assert_value (kv, "k", "1");
  g_object_unref (kv);

  kv = open_disk (ro_path, "\"disk\":{\"readOnly\":true}", &error);
  g_assert_null (kv);
  g_assert_nonnull (error);
  g_assert_false (g_file_test (ro_top, G_FILE_TEST_EXISTS));

  g_remove (path);
  g_remove (lock);
  g_rmdir (parent);
  g_rmdir (top);
}

/* D11: messages that say what is wrong. */
static void
test_open_messages (DiskFixture *f, gconstpointer data)
{
  g_autofree char *empty = g_build_filename (f->dir, "empty.kv", NULL);
  const char *tiny[] = { "1", "4096", "65536" };

  /* A map too small for even a new store is raised to the minimum. */
  for (gsize i = 0; i < G_N_ELEMENTS (tiny); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/tiny-%zu.kv", f->dir, i);
      g_autofree char *extra = g_strdup_printf ("\"disk\":{\"mapSize\":%s}", tiny[i]);
      KvStore *kv = open_ok (path, extra);
      for (int k = 0; k < 200; k++)
        {
          g_autofree char *key = g_strdup_printf ("key-%d", k);
          g_assert_true (kv_store_set (kv, key, "\"some value to fill pages\"", 26, NULL));
        }
      g_object_unref (kv);
    }
  /* A zero-length file read-only: not "Bad file descriptor". */
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  {
    g_autoptr (GError) error = NULL;
    KvStore *kv = open_disk (empty, "\"disk\":{\"readOnly\":true}", &error);
    g_assert_null (kv);
    g_assert_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN);
    g_assert_nonnull (strstr (error->message, "size is 0"));
    g_assert_null (strstr (error->message, "Bad file descriptor"));
  }
  /* /proc/self/mem exists: the failure is its lock file, and the message says so. */
  {
    g_autoptr (GError) error = NULL;
    KvStore *kv = open_disk ("/proc/self/mem", NULL, &error);
    g_assert_null (kv);
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "/proc/self/mem-lock"));
  }
}

/* D11: when only the lock file cannot be made, the message names it. Root
 * ignores modes, so as root the check runs as uid 65534 ("nobody"). */
static void
test_lock_file_permission_message (void)
{
  const char *dir = g_getenv ("KV_TEST_LOCKLESS_DIR");

  if (g_test_subprocess ())
    {
      g_autofree char *path = g_build_filename (dir, "shared.kv", NULL);
      g_autofree char *lock = g_strconcat (path, "-lock", NULL);
      g_autoptr (GError) error = NULL;
      KvStore *kv;

      if (geteuid () == 0)
        g_assert_true (setgid (65534) == 0 && setuid (65534) == 0);
      kv = open_disk (path, NULL, &error);
      g_assert_null (kv);
      g_assert_error (error, KV_ERROR, KV_ERROR_DISK_PATH);
      g_assert_nonnull (strstr (error->message, lock));
      g_assert_nonnull (strstr (error->message, "lock file"));
      return;
    }
  {
    g_autofree char *tmp = g_dir_make_tmp ("kv-lockless-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (tmp, "shared.kv", NULL);
    g_autofree char *lock = g_strconcat (path, "-lock", NULL);

    g_object_unref (open_ok (path, NULL));
    g_remove (lock);
    /* The store may be read and written by anyone; its directory by no one else. */
    g_assert_cmpint (g_chmod (path, 0666), ==, 0);
    g_assert_cmpint (g_chmod (tmp, geteuid () == 0 ? 0755 : 0555), ==, 0);
    g_setenv ("KV_TEST_LOCKLESS_DIR", tmp, TRUE);
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_chmod (tmp, 0700);
    g_remove (path);
    g_remove (lock);
    g_rmdir (tmp);
    g_test_trap_assert_passed ();
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(path, func) g_test_add (path, DiskFixture, NULL, disk_setup, func, disk_teardown)
  ADD ("/kv/disk/persists", test_persists);
  ADD ("/kv/disk/read-only", test_read_only);
  ADD ("/kv/disk/serialization-kept", test_serialization_kept);
  g_test_add_func ("/kv/disk/permission-denied", test_permission_denied);
  ADD ("/kv/disk/bad-paths", test_bad_paths);
  ADD ("/kv/disk/creates-parent-dir", test_creates_parent_dir);
  ADD ("/kv/disk/open-messages", test_open_messages);
  g_test_add_func ("/kv/disk/lock-file-permission-message", test_lock_file_permission_message);
  ADD ("/kv/disk/bucket-missing", test_bucket_missing);
  ADD ("/kv/disk/pop-keeps-undecodable", test_pop_keeps_undecodable);
  ADD ("/kv/disk/open-twice", test_open_twice);
  ADD ("/kv/disk/map-grows", test_map_grows);
  ADD ("/kv/disk/stats-options", test_stats_and_options);
  ADD ("/kv/disk/disk-full", test_disk_full);
  ADD ("/kv/disk/processes/counters", test_processes_share_counters);
  ADD ("/kv/disk/processes/claims", test_processes_share_claims);
  ADD ("/kv/disk/processes/index-freshness", test_index_sees_other_process);
  ADD ("/kv/disk/crash/sigkill", test_sigkill_loses_no_acknowledged_write);
  ADD ("/kv/disk/processes/open-beside-a-writer", test_open_beside_a_writer);
#undef ADD
  return g_test_run ();
}
