/* test-file.c — what libkv's file writers (backup, JSONL and CSV export) may
 * replace, and what a replaced file keeps (libkv/kv-file.c).
 *
 * Destinations are scratch nodes in the test's own directory only: FIFOs,
 * unix sockets, symbolic links and, as root, a /dev/null-like character
 * device made with mknod inside that directory. Never a real device node.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "store-fixture.h"

typedef enum
{
  WRITE_BACKUP,
  WRITE_JSONL,
  WRITE_CSV,
} Writer;

static const char *const writer_names[] = { "backup", "exportJSONL", "exportCSV" };

static gboolean
write_with (KvStore *store, Writer writer, const char *path, GError **error)
{
  static const char *const columns[] = { "n" };

  switch (writer)
    {
    case WRITE_BACKUP:
      return kv_store_backup (store, path, FALSE, 0, 0, NULL, error);
    case WRITE_JSONL:
      return kv_store_export_jsonl (store, path, NULL, 0, NULL, error);
    case WRITE_CSV:
      return kv_store_export_csv (store, path, columns, 1, NULL, 0, ',', TRUE, NULL, error);
    }
  g_assert_not_reached ();
}

static void
put_some (KvStore *store, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%03u", i);
      g_autofree char *value = g_strdup_printf ("{\"n\":%u}", i);
      g_assert_true (kv_store_set (store, key, value, strlen (value), NULL));
    }
}

/* No ".NAME.tmp-XXXXXX" (or its -scratch) left in @dir. */
static void
assert_no_temporaries (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)))
    g_assert_null (strstr (name, ".tmp-"));
}

static void
make_socket (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (strlen (path), <, sizeof addr.sun_path);
  strcpy (addr.sun_path, path);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  close (fd);
}

static void
remove_tree (const char *path)
{
  struct stat st;

  if (lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* D19: a destination that exists and is not a regular file (FIFO, socket,
 * device, directory, symbolic link) is refused and left as it is. */
static void
test_refuses_non_regular (StoreFixture *f, gconstpointer data)
{
  g_autofree char *fifo = g_build_filename (f->dir, "fifo1", NULL);
  g_autofree char *sock = g_build_filename (f->dir, "sock1", NULL);
  g_autofree char *target = g_build_filename (f->dir, "target1", NULL);
  g_autofree char *link = g_build_filename (f->dir, "link1", NULL);
  g_autofree char *dangling = g_build_filename (f->dir, "dangling1", NULL);
  g_autofree char *subdir = g_build_filename (f->dir, "subdir1", NULL);
  g_autofree char *dev = g_build_filename (f->dir, "mynull", NULL);
  g_autofree char *contents = NULL;
  gboolean have_dev;

  put_some (f->store, 3);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  make_socket (sock);
  g_assert_true (g_file_set_contents (target, "precious\n", -1, NULL));
  g_assert_cmpint (symlink ("target1", link), ==, 0);
  g_assert_cmpint (symlink ("nowhere", dangling), ==, 0);
  g_assert_cmpint (g_mkdir (subdir, 0700), ==, 0);
  /* A /dev/null-like node, only inside the scratch directory, only as root. */
  have_dev = geteuid () == 0 && mknod (dev, S_IFCHR | 0600, makedev (1, 3)) == 0;

  for (Writer w = WRITE_BACKUP; w <= WRITE_CSV; w++)
    {
      const struct
      {
        const char *path;
        mode_t type;
        const char *says;
      } cases[] = {
        { fifo, S_IFIFO, "a FIFO" },        { sock, S_IFSOCK, "a socket" },
        { link, S_IFLNK, "symbolic link" }, { dangling, S_IFLNK, "symbolic link" },
        { subdir, S_IFDIR, "directory" },   { have_dev ? dev : NULL, S_IFCHR, "character device" },
      };

      for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          g_autoptr (GError) error = NULL;
          struct stat st;

          if (cases[i].path == NULL)
            continue;
          g_test_message ("%s onto %s", writer_names[w], cases[i].path);
          g_assert_false (write_with (f->store, w, cases[i].path, &error));
          g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT);
          g_assert_nonnull (strstr (error->message, cases[i].says));
          g_assert_cmpint (lstat (cases[i].path, &st), ==, 0);
          g_assert_cmpint (st.st_mode & S_IFMT, ==, cases[i].type);
        }
    }
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious\n");
  assert_no_temporaries (f->dir);
  g_rmdir (subdir);
}

static gboolean
is_disk (StoreFixture *f)
{
  return kv_options_get_backend (kv_store_get_options (f->store)) == KV_BACKEND_DISK;
}

/* D26, D27: never onto the store's own file, its -lock file, either one's
 * inode under another name, or any X-lock next to an LMDB data file X. */
static void
test_refuses_store_files (StoreFixture *f, gconstpointer data)
{
  g_autofree char *snap = g_build_filename (f->dir, "snap.kv", NULL);
  g_autofree char *snap_lock = g_build_filename (f->dir, "snap.kv-lock", NULL);
  g_autofree char *notes = g_build_filename (f->dir, "notes", NULL);
  g_autofree char *notes_lock = g_build_filename (f->dir, "notes-lock", NULL);
  g_autofree char *data_link = g_build_filename (f->dir, "data-link", NULL);
  g_autofree char *lock_link = g_build_filename (f->dir, "lock-link", NULL);
  const char *store_path = kv_options_get_path (kv_store_get_options (f->store));
  g_autofree char *store_lock = g_strconcat (store_path, "-lock", NULL);
  guint64 n = 0;

  put_some (f->store, 20);
  g_assert_true (kv_store_backup (f->store, snap, FALSE, 0, 0, NULL, NULL));
  /* A snapshot is an LMDB data file: its -lock name is refused even before it exists. */
  for (Writer w = WRITE_BACKUP; w <= WRITE_CSV; w++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (write_with (f->store, w, snap_lock, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT);
      g_assert_nonnull (strstr (error->message, "lock file of the LMDB store"));
      g_assert_false (g_file_test (snap_lock, G_FILE_TEST_EXISTS));
    }
  /* Also when X is reached through a symbolic link (the lock file is then next to the link). */
  {
    g_autofree char *via = g_build_filename (f->dir, "via-link.kv", NULL);
    g_autofree char *via_lock = g_strconcat (via, "-lock", NULL);
    g_autoptr (GError) error = NULL;
    g_assert_cmpint (symlink ("snap.kv", via), ==, 0);
    g_assert_false (write_with (f->store, WRITE_JSONL, via_lock, &error));
    g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT);
    g_unlink (via);
  }
  /* A -lock name next to a file that is not LMDB is just a name. */
  g_assert_true (
      g_file_set_contents (notes, "plain text, long enough to hold a magic\n", -1, NULL));
  g_assert_true (write_with (f->store, WRITE_JSONL, notes_lock, NULL));

  if (is_disk (f))
    {
      g_assert_cmpint (link (store_path, data_link), ==, 0);
      g_assert_cmpint (link (store_lock, lock_link), ==, 0);
      for (Writer w = WRITE_BACKUP; w <= WRITE_CSV; w++)
        {
          const char *targets[] = { store_path, store_lock, data_link, lock_link };
          for (gsize i = 0; i < G_N_ELEMENTS (targets); i++)
            {
              g_autoptr (GError) error = NULL;
              KvBackupSummary sum = { 0 };
              /* A backup onto the live file (any name of it) is the documented no-op. */
              if (w == WRITE_BACKUP && (i == 0 || i == 2))
                {
                  g_assert_true (kv_store_backup (f->store, targets[i], FALSE, 0, 0, &sum, NULL));
                  g_assert_true (sum.no_op);
                  continue;
                }
              g_test_message ("%s onto %s", writer_names[w], targets[i]);
              g_assert_false (write_with (f->store, w, targets[i], &error));
              g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT);
            }
        }
      g_unlink (data_link);
      g_unlink (lock_link);
    }
  /* The store is whole and still the file it was. */
  g_assert_true (kv_store_count (f->store, NULL, &n, NULL));
  g_assert_cmpuint (n, ==, 20);
  if (is_disk (f))
    {
      g_autoptr (KvOptions) o = kv_options_copy (kv_store_get_options (f->store));
      g_clear_object (&f->store);
      f->store = kv_store_open (o, NULL);
      g_assert_nonnull (f->store);
      g_assert_true (kv_store_count (f->store, NULL, &n, NULL));
      g_assert_cmpuint (n, ==, 20);
    }
  assert_no_temporaries (f->dir);
}

/* D20: a replaced file keeps its mode; a new one is 0644 minus the umask. */
static void
test_keeps_mode (StoreFixture *f, gconstpointer data)
{
  mode_t mask = umask (022);

  umask (mask);
  put_some (f->store, 3);
  for (Writer w = WRITE_BACKUP; w <= WRITE_CSV; w++)
    {
      const mode_t modes[] = { 0600, 0640, 0604 };
      for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
        {
          g_autofree char *path = g_strdup_printf ("%s/out-%d-%zu", f->dir, (int) w, i);
          g_autofree char *fresh = g_strdup_printf ("%s/new-%d-%zu", f->dir, (int) w, i);
          g_autofree char *contents = NULL;
          struct stat st;

          g_assert_true (g_file_set_contents (path, "old", -1, NULL));
          g_assert_cmpint (chmod (path, modes[i]), ==, 0);
          g_assert_true (write_with (f->store, w, path, NULL));
          g_assert_cmpint (stat (path, &st), ==, 0);
          g_assert_cmpint (st.st_mode & 07777, ==, modes[i]);
          g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
          g_assert_cmpstr (contents, !=, "old");

          g_assert_true (write_with (f->store, w, fresh, NULL));
          g_assert_cmpint (stat (fresh, &st), ==, 0);
          g_assert_cmpint (st.st_mode & 07777, ==, 0644 & ~mask);
        }
    }
}

/* xk6-kv creates a missing directory for backup() and exports. */
static void
test_creates_parents (StoreFixture *f, gconstpointer data)
{
  g_autofree char *top = g_build_filename (f->dir, "snapshots", NULL);
  g_autofree char *file = g_build_filename (f->dir, "plain", NULL);
  g_autofree char *under_file = g_build_filename (f->dir, "plain", "x.kv", NULL);
  mode_t mask = umask (022);

  umask (mask);
  put_some (f->store, 3);
  for (Writer w = WRITE_BACKUP; w <= WRITE_CSV; w++)
    {
      g_autofree char *path =
          g_strdup_printf ("%s/snapshots/%s/deeper/out", f->dir, writer_names[w]);
      g_autofree char *parent = g_path_get_dirname (path);
      struct stat st;

      g_assert_true (write_with (f->store, w, path, NULL));
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_assert_cmpint (stat (parent, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 07777, ==, 0750 & ~mask);
    }
  /* A component that is a file cannot become a directory: a typed error. */
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  for (Writer w = WRITE_BACKUP; w <= WRITE_CSV; w++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (write_with (f->store, w, under_file, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT);
    }
  remove_tree (top);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  STORE_TEST_ADD ("file/refuses-non-regular", test_refuses_non_regular);
  STORE_TEST_ADD ("file/refuses-store-files", test_refuses_store_files);
  STORE_TEST_ADD ("file/keeps-mode", test_keeps_mode);
  STORE_TEST_ADD ("file/creates-parents", test_creates_parents);
  return g_test_run ();
}
