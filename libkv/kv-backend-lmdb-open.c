/* kv-backend-lmdb-open.c — opening and closing the disk backend's LMDB environment.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kv-lmdb-check-private.h"
#include "kv-lmdb-preflight-private.h"
#include "kv-backend-lmdb-private.h"
#include "kv-value-private.h"

#define DEFAULT_MAP_SIZE (64u << 20)
#define DEFAULT_MAX_READERS 126
/* The smallest map a new store is opened with: below a few pages LMDB cannot
 * even create the store's databases, and says "map full" (the map grows on
 * demand afterwards, so a smaller mapSize would only be a slower start). */
#define MIN_MAP_SIZE (1u << 20)

/* LMDB forbids opening one environment twice in a process (its locks are
 * per process); this remembers which files are open, by device and inode. */
static GMutex open_files_lock;
static GHashTable *open_files; /* "dev:ino" strings */

void
_kv_lmdb_free (KvBackend *backend)
{
  LmdbBackend *self = (LmdbBackend *) backend;

  _kv_lmdb_writer_stop (self);
  if (self->env)
    mdb_env_close (self->env);
  if (self->dev || self->ino)
    {
      g_autofree char *id =
          g_strdup_printf ("%ju:%ju", (uintmax_t) self->dev, (uintmax_t) self->ino);
      g_mutex_lock (&open_files_lock);
      g_hash_table_remove (open_files, id);
      g_mutex_unlock (&open_files_lock);
    }
  if (self->index_pos)
    g_hash_table_unref (self->index_pos);
  _kv_key_index_free (self->index);
  g_rw_lock_clear (&self->resize_lock);
  g_rw_lock_clear (&self->index_lock);
  g_free (self->path);
  g_strfreev (self->ignored);
  g_free (self);
}

/* Where the path itself is wrong, say so before LMDB says something vaguer. */
static gboolean
check_path (const char *path, gboolean read_only, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  struct stat st;

  /* As xk6-kv does, a writable store's missing directories are created
   * ("./data/custom.kv" in an empty directory). */
  if (!read_only && stat (dir, &st) != 0 && errno == ENOENT &&
      g_mkdir_with_parents (dir, 0750) != 0)
    {
      int err = errno;
      g_set_error (error, KV_ERROR, KV_ERROR_DISK_PATH,
                   "cannot open store %s: cannot create directory %s: %s", path, dir,
                   g_strerror (err));
      return FALSE;
    }
  if (stat (dir, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_DISK_PATH,
                   "cannot open store %s: directory %s does not exist", path, dir);
      return FALSE;
    }
  if (stat (path, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_set_error (error, KV_ERROR, KV_ERROR_DISK_PATH,
                       "cannot open store %s: it is a directory, not a store file", path);
          return FALSE;
        }
      /* LMDB would initialise it, which a read-only open cannot ("Bad file descriptor"). */
      if (read_only && S_ISREG (st.st_mode) && st.st_size == 0)
        {
          g_set_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN,
                       "cannot open store %s read-only: its size is 0 (an empty file, or a "
                       "kernel file such as those in /proc, not a store)",
                       path);
          return FALSE;
        }
    }
  else if (read_only)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN,
                   "cannot open store %s read-only: it does not exist", path);
      return FALSE;
    }
  return TRUE;
}

/* After LMDB failed to open @path: whether the cause is its lock file,
 * i.e. the data file is accessible but the lock file is not. */
static gboolean
lock_file_failed (const char *path, gboolean read_only)
{
  g_autofree char *lock = g_strconcat (path, "-lock", NULL);

  if (access (path, read_only ? R_OK : R_OK | W_OK) != 0)
    return FALSE;
  return access (lock, R_OK | W_OK) != 0;
}

/* A store keeps the serialization it was created with: values written as
 * JSON text do not read back as strings or the other way round, so opening
 * it the other way is refused instead of failing (or worse, succeeding) on
 * every value. Stores from before the record was kept have none: anything goes. */
static gboolean
check_serialization (LmdbBackend *self, MDB_txn *txn, KvSerialization mode, GError **error)
{
  const char *want = _kv_serialization_name (mode);
  MDB_val k = _kv_lmdb_str (KV_LMDB_META_SERIALIZATION), v;

  g_autofree char *shown = NULL;

  if (mdb_get (txn, self->dbi_meta, &k, &v) != 0 ||
      (v.mv_size == strlen (want) && memcmp (v.mv_data, want, v.mv_size) == 0))
    return TRUE;
  shown = _kv_bytes_shown (v.mv_data, v.mv_size, 16);
  g_set_error (error, KV_ERROR, KV_ERROR_INVALID_SERIALIZATION,
               "store %s was created with serialization \"%s\", not \"%s\"; open it with "
               "serialization \"%s\"",
               self->path, shown, want, shown);
  return FALSE;
}

static void
set_foreign_error (GError **error, const char *path)
{
  g_set_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN,
               "cannot open store %s: it is an LMDB file without libkv's \"format\" record "
               "(another program's database?); libkv opens only files it created",
               path);
}

/* A file that holds databases but no libkv format record belongs to another
 * program: creating ours in it would change that program's main database.
 * Only an empty environment (no named database yet) is new. The preflight
 * decided this already unless writers kept the file changing under it. */
static gboolean
check_is_ours (LmdbBackend *self, MDB_txn *txn, GError **error)
{
  MDB_dbi main_dbi, meta;
  MDB_val k = _kv_lmdb_str (KV_LMDB_META_FORMAT), v;
  MDB_stat st;

  if (mdb_dbi_open (txn, KV_LMDB_DB_META, 0, &meta) == 0 && mdb_get (txn, meta, &k, &v) == 0)
    return TRUE;
  if (mdb_dbi_open (txn, NULL, 0, &main_dbi) == 0 && mdb_stat (txn, main_dbi, &st) == 0 &&
      st.ms_entries == 0)
    return TRUE;
  set_foreign_error (error, self->path);
  return FALSE;
}

/* More than LMDB's lock file takes for @max_readers: its reader table of
 * 64-byte slots and a header of a few cache lines. */
static off_t
lock_file_bound (guint max_readers)
{
  return (off_t) (max_readers + 8) * 64 + 4096;
}

/* Reserves @len bytes of blocks for @fd without changing its size; 0 or an errno. */
static int
reserve_blocks (int fd, off_t len)
{
#ifdef FALLOC_FL_KEEP_SIZE
  if (fallocate (fd, FALLOC_FL_KEEP_SIZE, 0, len) == 0)
    return 0;
  /* A file system that cannot reserve: LMDB runs as it always did. */
  return errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL ? 0 : errno;
#else
  return 0;
#endif
}

/* LMDB creates the lock file sparse and writes it through mmap: on a full
 * file system the first write to the map kills the process with SIGBUS.
 * Reserving the file's blocks first turns that into ENOSPC. The reservation
 * keeps the file's size (LMDB sizes its reader table from it, and every
 * process using the file must agree), so it is safe while others use the
 * file, and LMDB still finds a new lock file empty. A new data file gets
 * its first pages reserved the same way (LMDB must still see it empty) for
 * the first commit, which writes through the map when disk.writeMap is set. */
static gboolean
preallocate (const char *path, gboolean data_is_new, guint max_readers, GError **error)
{
  g_autofree char *lock_path = g_strconcat (path, "-lock", NULL);
  gboolean created = FALSE, data_created = FALSE;
  struct stat st;
  int fd, rc = 0;

  fd = open (lock_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NONBLOCK, 0644);
  if (fd >= 0)
    created = TRUE;
  else if (errno == EEXIST)
    fd = open (lock_path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
  /* No write access (a read-only directory or file): LMDB copes or says why. */
  if (fd < 0)
    return TRUE;
  /* Closing this descriptor would drop LMDB's locks on the file if this
   * process held any: the caller has checked that it has the store not open. */
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    rc = reserve_blocks (fd, MAX (st.st_size, lock_file_bound (max_readers)));
  close (fd);
  if (rc == 0 && data_is_new)
    {
      fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NONBLOCK, 0644);
      if (fd >= 0)
        data_created = TRUE;
      else if (errno == EEXIST)
        fd = open (path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
      if (fd >= 0)
        {
          rc = reserve_blocks (fd, 16 * 4096);
          close (fd);
        }
    }
  if (rc == 0)
    return TRUE;
  if (created)
    g_unlink (lock_path);
  if (data_created)
    g_unlink (path);
  g_set_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN,
               "cannot open store %s: %s: no room for the store's first pages (%s)", path,
               rc == EFBIG ? "the file size limit is reached" : "no space left on device",
               g_strerror (rc));
  return FALSE;
}

/* How often a snapshot may be replaced under the check before the open gives
 * up: each retry needs two commits by another process between pinning a
 * snapshot and reading the meta pages, a few microseconds apart. */
#define CHECK_TRIES 10

/* Checks every page LMDB will read from this store before it reads any
 * (kv-lmdb-check.c): the preflight saw only the meta pages and catalogue.
 * A read transaction pins the snapshot checked, so a writer in another
 * process cannot reuse its pages meanwhile; a writable open also checks
 * the free-page list its writes will take pages from. */
static gboolean
check_pages (LmdbBackend *self, GError **error)
{
  g_autofree char *problem = NULL;
  KvLmdbCheck verdict = KV_LMDB_CHECK_MOVED_ON;
  int fd = open (self->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN, "cannot open store %s: %s",
                   self->path, g_strerror (errno));
      return FALSE;
    }
  for (int i = 0; i < CHECK_TRIES && verdict == KV_LMDB_CHECK_MOVED_ON; i++)
    {
      MDB_txn *pin;
      int rc = mdb_txn_begin (self->env, NULL, MDB_RDONLY, &pin);

      if (rc != 0)
        {
          close (fd);
          _kv_lmdb_set_error (error, rc, KV_ERROR_DISK_STORE_OPEN, "cannot open the store");
          return FALSE;
        }
      verdict = _kv_lmdb_check (fd, mdb_txn_id (pin), !self->read_only, &problem);
      mdb_txn_abort (pin);
    }
  close (fd);
  if (verdict == KV_LMDB_CHECK_SOUND)
    return TRUE;
  if (verdict == KV_LMDB_CHECK_DAMAGED)
    g_set_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN,
                 "store %s is damaged: %s; it was left unchanged", self->path, problem);
  else
    g_set_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN,
                 "cannot open store %s: other processes commit to it faster than it can be "
                 "checked; try again",
                 self->path);
  return FALSE;
}

/* Opens (creating unless read-only) the three databases and checks the format. */
static gboolean
open_databases (LmdbBackend *self, KvSerialization mode, GError **error)
{
  unsigned int create = self->read_only ? 0 : MDB_CREATE;
  MDB_txn *txn;
  MDB_val k, v;
  int rc;

  rc = mdb_txn_begin (self->env, NULL, self->read_only ? MDB_RDONLY : 0, &txn);
  if (rc != 0)
    {
      _kv_lmdb_set_error (error, rc, KV_ERROR_DISK_STORE_OPEN, "cannot open the store");
      return FALSE;
    }
  if (!check_is_ours (self, txn, error))
    {
      mdb_txn_abort (txn);
      return FALSE;
    }
  rc = mdb_dbi_open (txn, KV_LMDB_DB_DATA, create, &self->dbi_data);
  if (rc == MDB_NOTFOUND)
    {
      mdb_txn_abort (txn);
      g_set_error (error, KV_ERROR, KV_ERROR_BUCKET_NOT_FOUND,
                   "store %s has no \"k6\" database (not a libkv store, or never written to)",
                   self->path);
      return FALSE;
    }
  if (rc == 0)
    {
      int c = mdb_dbi_open (txn, KV_LMDB_DB_CLAIMS, create, &self->dbi_claims);
      self->has_claims_db = c == 0;
      rc = c == MDB_NOTFOUND ? 0 : c;
    }
  if (rc == 0)
    {
      int m = mdb_dbi_open (txn, KV_LMDB_DB_META, create, &self->dbi_meta);
      rc = m == MDB_NOTFOUND ? 0 : m;
      k = _kv_lmdb_str (KV_LMDB_META_FORMAT);
      if (m == 0 && mdb_get (txn, self->dbi_meta, &k, &v) == 0)
        {
          if (v.mv_size != strlen (KV_LMDB_FORMAT) || memcmp (v.mv_data, KV_LMDB_FORMAT, v.mv_size))
            {
              g_autofree char *shown = _kv_bytes_shown (v.mv_data, v.mv_size, 64);
              mdb_txn_abort (txn);
              g_set_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN,
                           "store %s has format \"%s\"; this libkv reads \"%s\"", self->path, shown,
                           KV_LMDB_FORMAT);
              return FALSE;
            }
          if (!check_serialization (self, txn, mode, error))
            {
              mdb_txn_abort (txn);
              return FALSE;
            }
          /* A snapshot file opened to be written becomes a plain store: its
           * first commit grows it over the checksum trailer, and verify
           * refuses a file that says it is a snapshot but has no trailer. */
          for (int i = 0; i < 2 && !self->read_only && rc == 0; i++)
            {
              const char *mark =
                  i ? KV_LMDB_META_SNAPSHOT_CREATED_AT : KV_LMDB_META_SNAPSHOT_ENTRIES;
              MDB_val mk = _kv_lmdb_str (mark);
              int d = mdb_del (txn, self->dbi_meta, &mk, NULL);
              rc = d == MDB_NOTFOUND ? 0 : d;
            }
        }
      else if (m == 0 && !self->read_only)
        {
          const char *ser = _kv_serialization_name (mode);
          v = _kv_lmdb_str (KV_LMDB_FORMAT);
          rc = mdb_put (txn, self->dbi_meta, &k, &v, 0);
          k = _kv_lmdb_str (KV_LMDB_META_SERIALIZATION);
          v = _kv_lmdb_str (ser);
          if (rc == 0)
            rc = mdb_put (txn, self->dbi_meta, &k, &v, MDB_NOOVERWRITE);
          if (rc == MDB_KEYEXIST)
            rc = 0;
        }
    }
  if (rc != 0)
    {
      mdb_txn_abort (txn);
      _kv_lmdb_set_error (error, rc, KV_ERROR_DISK_STORE_OPEN, "cannot open the store");
      return FALSE;
    }
  /* Committed even when read-only: handles opened in an aborted transaction are discarded. */
  rc = mdb_txn_commit (txn);
  if (rc != 0)
    {
      _kv_lmdb_set_error (error, rc, KV_ERROR_DISK_STORE_OPEN, "cannot initialise the store");
      return FALSE;
    }
  return TRUE;
}

KvBackend *
_kv_backend_lmdb_new (const KvOptions *options, GError **error)
{
  g_autoptr (GError) local = NULL;
  LmdbBackend *self;
  const char *path = kv_options_get_path (options);
  gboolean read_only = kv_options_get_disk_read_only (options);
  /* An explicit mapSize is taken as given (the map still grows on demand);
   * otherwise the larger of initialMmapSize and our default. */
  guint64 map_size = kv_options_get_disk_map_size (options)
                         ? kv_options_get_disk_map_size (options)
                         : MAX (kv_options_get_disk_initial_mmap_size (options), DEFAULT_MAP_SIZE);
  guint max_readers = kv_options_get_disk_max_readers (options);
  gint64 deadline =
      g_get_monotonic_time () + (gint64) kv_options_get_disk_timeout_ms (options) * 1000;
  unsigned int flags = MDB_NOSUBDIR | MDB_NOTLS;
  KvLmdbPreflight pf;
  struct stat st;
  int rc, dead;
  char *id;

  if (!check_path (path, read_only, error))
    return NULL;
  if (!_kv_lmdb_preflight (path, "store", KV_ERROR_DISK_STORE_OPEN, KV_ERROR_DISK_PATH, &pf, error))
    return NULL;
  if (pf.meta_read && pf.main_entries > 0 && !pf.has_format)
    {
      set_foreign_error (error, path);
      return NULL;
    }
  if (stat (path, &st) == 0)
    {
      g_autofree char *key =
          g_strdup_printf ("%ju:%ju", (uintmax_t) st.st_dev, (uintmax_t) st.st_ino);
      gboolean busy;
      g_mutex_lock (&open_files_lock);
      busy = open_files && g_hash_table_contains (open_files, key);
      g_mutex_unlock (&open_files_lock);
      if (busy)
        {
          g_set_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN,
                       "store %s is already open in this process; share that handle "
                       "(kv_store_open_shared) instead of opening the file twice",
                       path);
          return NULL;
        }
    }

  if (!preallocate (path, !read_only && (!pf.exists || pf.empty),
                    max_readers ? max_readers : DEFAULT_MAX_READERS, error))
    return NULL;

  self = g_new0 (LmdbBackend, 1);
  self->parent.vtable = &_kv_lmdb_vtable;
  self->path = g_strdup (path);
  self->read_only = read_only;
  self->mlock = kv_options_get_disk_mlock (options);
  self->track_keys = kv_options_get_track_keys (options);
  self->nested_txns = !kv_options_get_disk_write_map (options);
  self->ignored = kv_options_get_disk_ignored (options);
  g_rw_lock_init (&self->resize_lock);
  g_rw_lock_init (&self->index_lock);

  if (kv_options_get_disk_no_sync (options))
    flags |= MDB_NOSYNC;
  if (kv_options_get_disk_no_grow_sync (options))
    flags |= MDB_NOMETASYNC;
  if (read_only)
    flags |= MDB_RDONLY;
  if (kv_options_get_disk_write_map (options))
    flags |= MDB_WRITEMAP;
  if (kv_options_get_disk_no_read_ahead (options))
    flags |= MDB_NORDAHEAD;

  rc = mdb_env_create (&self->env);
  if (rc == 0)
    rc = mdb_env_set_maxdbs (self->env, KV_LMDB_MAX_DBS);
  if (rc == 0)
    rc = mdb_env_set_maxreaders (self->env, max_readers ? max_readers : DEFAULT_MAX_READERS);
  if (rc == 0)
    rc = mdb_env_set_mapsize (self->env, MAX (map_size, MIN_MAP_SIZE));
  /* disk.timeout: a lock file another process is setting up can make the
   * open fail with EAGAIN/EBUSY for a moment; retry until the deadline. */
  while (rc == 0 && (rc = mdb_env_open (self->env, path, flags, 0644)) != 0 &&
         (rc == EAGAIN || rc == EBUSY) && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  if (rc != 0)
    {
      if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH)
        g_set_error (error, KV_ERROR, KV_ERROR_DISK_STORE_OPEN,
                     "cannot open store %s: it is not an LMDB store file (%s)", path,
                     mdb_strerror (rc));
      else if (rc > 0 && lock_file_failed (path, read_only))
        {
          /* The data file is fine; LMDB failed on its lock file (a directory
           * the user cannot write, or a /proc file with no directory for it). */
          g_autofree char *lock = g_strconcat (path, "-lock", NULL);
          g_set_error (error, KV_ERROR,
                       rc == EACCES || rc == EPERM || rc == EROFS ? KV_ERROR_DISK_PATH
                                                                  : KV_ERROR_DISK_STORE_OPEN,
                       "cannot open store %s: cannot create or open its lock file %s: %s", path,
                       lock, g_strerror (rc));
        }
      else if (rc == EACCES || rc == EPERM)
        g_set_error (error, KV_ERROR, KV_ERROR_DISK_PATH, "cannot open store %s: %s", path,
                     mdb_strerror (rc));
      else
        _kv_lmdb_set_error (error, rc, KV_ERROR_DISK_STORE_OPEN, "cannot open the store");
      _kv_lmdb_free (&self->parent);
      return NULL;
    }
  /* Reader slots left behind by processes that died (a killed k6 run). */
  mdb_reader_check (self->env, &dead);
  _kv_lmdb_try_mlock (self);

  if (!check_pages (self, error) ||
      !open_databases (self, kv_options_get_serialization (options), error))
    {
      _kv_lmdb_free (&self->parent);
      return NULL;
    }

  if (stat (path, &st) == 0)
    {
      self->dev = st.st_dev;
      self->ino = st.st_ino;
      id = g_strdup_printf ("%ju:%ju", (uintmax_t) st.st_dev, (uintmax_t) st.st_ino);
      g_mutex_lock (&open_files_lock);
      if (open_files == NULL)
        open_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_add (open_files, id);
      g_mutex_unlock (&open_files_lock);
    }

  if (self->track_keys)
    {
      self->index = _kv_key_index_new (g_free);
      self->index_pos = g_hash_table_new (g_str_hash, g_str_equal);
      g_rw_lock_writer_lock (&self->index_lock);
      if (!_kv_lmdb_index_rebuild_locked (self, &local))
        {
          g_rw_lock_writer_unlock (&self->index_lock);
          g_propagate_error (error, g_steal_pointer (&local));
          _kv_lmdb_free (&self->parent);
          return NULL;
        }
      g_rw_lock_writer_unlock (&self->index_lock);
    }
  if (!read_only)
    _kv_lmdb_writer_start (self);
  return &self->parent;
}
