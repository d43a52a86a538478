/* kv-snapshot.c — backup and restore through snapshot files in the disk backend's format.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kv-file-private.h"
#include "kv-json-private.h"
#include "kv-lmdb-preflight-private.h"
#include "kv-lmdb-private.h"
#include "kv-lmdb-walk-private.h"
#include "kv-progress-private.h"
#include "kv-store-private.h"
#include "kv-value-private.h"

/* The scratch map starts small and grows between chunks, so a backup never
 * reserves more address space than the data needs (ulimit -v, valgrind). */
#define SNAPSHOT_MAP_INITIAL (G_GUINT64_CONSTANT (256) << 20)
/* A chunk (one write transaction) ends after this many entries or bytes; the
 * map then keeps room for a full chunk plus one largest value. */
#define SNAPSHOT_CHUNK 10000
#define SNAPSHOT_CHUNK_BYTES (G_GUINT64_CONSTANT (64) << 20)
#define SNAPSHOT_HEADROOM (4 * SNAPSHOT_CHUNK_BYTES)

static const char best_effort_warning[] =
  "allowConcurrentWrites: writers kept running during the backup, so the snapshot may mix "
  "moments; back up without it for a point-in-time copy";

static MDB_val
val_of (const void *data, gsize len)
{
  return (MDB_val){ .mv_size = len, .mv_data = (void *) data };
}

/* ---- The checksum trailer ------------------------------------------------------------------ */

/* LMDB does not checksum its pages: a damaged file can crash the reader
 * inside liblmdb. So a snapshot ends with a trailer LMDB never reads (it only
 * looks at the pages its meta page counts): a magic, the length of the LMDB
 * part and its SHA-256, all checked with plain reads before LMDB opens the
 * file. A store file that is not a snapshot has no trailer and is read as is. */
#define TRAILER_MAGIC "LIBKVSNP"
#define TRAILER_SIZE 64

typedef enum
{
  TRAILER_NONE,
  TRAILER_OK,
  TRAILER_BAD,
} TrailerState;

/* FALSE when reading fails, or with @error set when @progress stops it. */
static gboolean
hash_prefix (int fd, guint64 len, guint8 digest[32], KvProgressReporter *progress,
             GError **error)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buf = g_malloc (1 << 20);
  gsize digest_len = 32;
  guint64 done = 0;

  while (done < len)
    {
      ssize_t n = pread (fd, buf, (size_t) MIN ((guint64) (1 << 20), len - done), (off_t) done);
      if (n <= 0)
        return FALSE;
      g_checksum_update (sum, buf, n);
      done += (guint64) n;
      if (progress && !_kv_progress_add (progress, 0, (guint64) n, error))
        return FALSE;
    }
  g_checksum_get_digest (sum, digest, &digest_len);
  return TRUE;
}

/* Sets *@state; FALSE (with @error set) only when @progress stopped the check. */
static gboolean
check_trailer (const char *path, guint64 file_size, KvProgressReporter *progress,
               TrailerState *state, GError **error)
{
  guint8 trailer[TRAILER_SIZE], digest[32];
  guint64 be, data_len;
  GError *stopped = NULL;
  int fd;

  *state = TRAILER_NONE;
  if (file_size < TRAILER_SIZE || (fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return TRUE;
  if (pread (fd, trailer, TRAILER_SIZE, (off_t) (file_size - TRAILER_SIZE)) == TRAILER_SIZE &&
      memcmp (trailer, TRAILER_MAGIC, 8) == 0)
    {
      memcpy (&be, trailer + 8, 8);
      data_len = GUINT64_FROM_BE (be);
      *state = data_len == file_size - TRAILER_SIZE &&
                   _kv_progress_stage (progress, KV_PROGRESS_STAGE_CHECKSUM, 0, data_len,
                                       &stopped) &&
                   hash_prefix (fd, data_len, digest, progress, &stopped) &&
                   _kv_progress_flush (progress, &stopped) &&
                   memcmp (digest, trailer + 16, 32) == 0
                 ? TRAILER_OK
                 : TRAILER_BAD;
    }
  close (fd);
  if (stopped)
    {
      g_propagate_error (error, stopped);
      return FALSE;
    }
  return TRUE;
}

/* Appends the trailer to the file open at @fd (positioned at its end). */
static gboolean
append_trailer (KvAtomicFile *file, GError **error)
{
  guint8 trailer[TRAILER_SIZE] = { 0 };
  off_t end = lseek (file->fd, 0, SEEK_END);
  int rfd = open (file->tmp_path, O_RDONLY | O_CLOEXEC);
  guint64 be = GUINT64_TO_BE ((guint64) end);
  gboolean ok;

  memcpy (trailer, TRAILER_MAGIC, 8);
  memcpy (trailer + 8, &be, 8);
  ok = end >= 0 && rfd >= 0 && hash_prefix (rfd, (guint64) end, trailer + 16, NULL, NULL);
  if (rfd >= 0)
    close (rfd);
  if (!ok)
    {
      _kv_file_set_errno_error (error, errno, KV_ERROR_SNAPSHOT_IO, "cannot checksum", file->path);
      return FALSE;
    }
  return _kv_atomic_file_write (file, trailer, sizeof trailer, error);
}

/* ---- Reading a snapshot ------------------------------------------------------------------- */

typedef struct
{
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi data, meta, claims;
  gboolean has_meta, has_claims;
  guint64 file_size;
} SnapshotReader;

static void
reader_close (SnapshotReader *r)
{
  if (r->txn)
    mdb_txn_abort (r->txn);
  if (r->env)
    mdb_env_close (r->env);
  memset (r, 0, sizeof *r);
}

static gboolean
reader_open (SnapshotReader *r, const char *path, KvProgressReporter *progress, GError **error)
{
  TrailerState trailer;
  KvLmdbPreflight pf;
  struct stat st;
  int rc;

  memset (r, 0, sizeof *r);
  if (stat (path, &st) != 0)
    {
      _kv_file_set_errno_error (error, errno, KV_ERROR_SNAPSHOT_READ, "cannot read snapshot", path);
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                   "cannot read snapshot %s: it is a directory", path);
      return FALSE;
    }
  /* A FIFO, socket or device: said by the preflight, before anything opens it. */
  if (!S_ISREG (st.st_mode))
    {
      if (_kv_lmdb_preflight (path, "snapshot", KV_ERROR_SNAPSHOT_READ, KV_ERROR_SNAPSHOT_READ,
                              &pf, error))
        g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                     "cannot read snapshot %s: it is not a regular file", path);
      return FALSE;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ, "cannot read snapshot %s: it is empty",
                   path);
      return FALSE;
    }
  if (access (path, R_OK) != 0)
    {
      _kv_file_set_errno_error (error, errno, KV_ERROR_SNAPSHOT_READ, "cannot read snapshot", path);
      return FALSE;
    }
  r->file_size = (guint64) st.st_size;
  if (!check_trailer (path, r->file_size, progress, &trailer, error))
    return FALSE;
  if (trailer == TRAILER_BAD)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                   "snapshot %s is damaged: its checksum does not match its contents", path);
      return FALSE;
    }
  /* Cheap structural checks with plain reads: LMDB would crash on what they refuse. */
  if (!_kv_lmdb_preflight (path, "snapshot", KV_ERROR_SNAPSHOT_READ, KV_ERROR_SNAPSHOT_READ, &pf,
                           error))
    return FALSE;
  /* A file that says it is a snapshot, or is one trailer longer than its
   * pages, had a trailer: without a sound one its checksum is lost, and
   * damage could pass unnoticed. Only plain store files go unchecked. */
  if (trailer == TRAILER_NONE &&
      (r->file_size % pf.page_size != 0 || (pf.meta_read && pf.snapshot_meta)))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                   "snapshot %s is damaged: its trailer is missing or damaged, so its checksum "
                   "cannot be checked",
                   path);
      return FALSE;
    }
  /* LMDB follows damaged pages blindly: read them all where a crash is harmless. */
  if (!_kv_lmdb_walk_in_child (path, r->file_size, "snapshot", KV_ERROR_SNAPSHOT_READ, error))
    return FALSE;
  /* NOLOCK: a snapshot file has no lock file, and nobody else writes it. */
  rc = mdb_env_create (&r->env);
  if (rc == 0)
    rc = mdb_env_set_maxdbs (r->env, 4);
  if (rc == 0)
    rc = mdb_env_open (r->env, path, MDB_NOSUBDIR | MDB_RDONLY | MDB_NOLOCK | MDB_NOTLS, 0644);
  if (rc == 0)
    rc = mdb_txn_begin (r->env, NULL, MDB_RDONLY, &r->txn);
  if (rc != 0)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                   "cannot read snapshot %s: it is not a libkv snapshot or store file (%s)", path,
                   mdb_strerror (rc));
      reader_close (r);
      return FALSE;
    }
  {
    /* A truncated copy still opens: its meta pages say how long it must be. */
    MDB_envinfo info;
    MDB_stat env_stat;
    if (mdb_env_info (r->env, &info) == 0 && mdb_env_stat (r->env, &env_stat) == 0 &&
        (guint64) (info.me_last_pgno + 1) * env_stat.ms_psize > r->file_size)
      {
        g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                     "snapshot %s is truncated: %" G_GUINT64_FORMAT " bytes of %" G_GUINT64_FORMAT,
                     path, r->file_size, (guint64) (info.me_last_pgno + 1) * env_stat.ms_psize);
        reader_close (r);
        return FALSE;
      }
  }
  rc = mdb_dbi_open (r->txn, "k6", 0, &r->data);
  if (rc != 0)
    {
      g_set_error (error, KV_ERROR, rc == MDB_NOTFOUND ? KV_ERROR_SNAPSHOT_KEY_MISSING : KV_ERROR_SNAPSHOT_READ,
                   "snapshot %s has no \"k6\" database: %s", path, mdb_strerror (rc));
      reader_close (r);
      return FALSE;
    }
  r->has_meta = mdb_dbi_open (r->txn, "meta", 0, &r->meta) == 0;
  r->has_claims = mdb_dbi_open (r->txn, "claims", 0, &r->claims) == 0;
  return TRUE;
}

/* The recorded serialization; none means json (as for store files). FALSE for
 * any other value, which restore could not match to a store: verify refuses
 * what restore would (a value too long for read_meta() included). */
static gboolean
read_serialization (SnapshotReader *r, KvSerialization *out)
{
  MDB_val k = val_of ("serialization", strlen ("serialization")), v;

  *out = KV_SERIALIZATION_JSON;
  if (!r->has_meta || mdb_get (r->txn, r->meta, &k, &v) != 0)
    return TRUE;
  if (v.mv_size == 6 && memcmp (v.mv_data, "string", 6) == 0)
    *out = KV_SERIALIZATION_STRING;
  return *out == KV_SERIALIZATION_STRING || (v.mv_size == 4 && memcmp (v.mv_data, "json", 4) == 0);
}

static gboolean
read_meta (SnapshotReader *r, const char *name, char *buf, gsize size)
{
  MDB_val k = val_of (name, strlen (name)), v;

  if (!r->has_meta || mdb_get (r->txn, r->meta, &k, &v) != 0 || v.mv_size >= size)
    return FALSE;
  memcpy (buf, v.mv_data, v.mv_size);
  buf[v.mv_size] = '\0';
  return TRUE;
}

/* What makes an entry one a snapshot may not hold (NULL: nothing). Restore
 * and verify refuse such an entry; backup refuses to write it, so that
 * every snapshot backup writes can be restored. */
static const char *
entry_problem (const char *key, gsize key_len, const void *value, gsize value_len,
               KvSerialization mode)
{
  g_autofree char *copy = NULL;
  const char *problem;

  if (memchr (key, '\0', key_len) != NULL)
    return "key holds a NUL byte";
  copy = g_strndup (key, key_len);
  problem = _kv_key_problem (copy);
  if (problem == NULL && mode == KV_SERIALIZATION_JSON)
    {
      if (!_kv_json_check (value, value_len, NULL))
        problem = "value is not JSON";
    }
  return problem;
}

/* The key of a refused entry as messages show it: escaped, at most 100 bytes. */
static char *
shown_key (const char *key, gsize key_len)
{
  g_autofree char *raw = g_strndup (key, MIN (key_len, 100));
  g_autoptr (GString) out = g_string_new (NULL);

  /* g_strescape stops at a NUL; show one as \0. */
  for (gsize i = 0; i < MIN (key_len, 100); i++)
    {
      if (key[i] == '\0')
        g_string_append (out, "\\0");
      else
        {
          char one[2] = { key[i], 0 };
          g_autofree char *e = g_strescape (one, NULL);
          g_string_append (out, e);
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Checks the format and every entry; fills @info. The reader stays open. */
static gboolean
reader_verify (SnapshotReader *r, const char *path, KvProgressReporter *progress,
               KvSnapshotInfo *info, GError **error)
{
  g_autoptr (GByteArray) previous_buf = g_byte_array_new ();
  GByteArray *previous = NULL; /* the last key read, once there is one */
  GError *stopped = NULL;
  char buf[64];
  MDB_cursor *cursor;
  MDB_val k, v;
  MDB_stat st;
  int rc;

  memset (info, 0, sizeof *info);
  info->file_size = r->file_size;
  if (!read_meta (r, "format", buf, sizeof buf) || !g_str_equal (buf, KV_LMDB_FORMAT))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                   "%s is an LMDB file but not a libkv snapshot (format \"%s\" expected)", path,
                   KV_LMDB_FORMAT);
      return FALSE;
    }
  if (!read_serialization (r, &info->serialization))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                   "snapshot %s records a serialization other than \"json\" and \"string\"",
                   path);
      return FALSE;
    }
  if (read_meta (r, "snapshot_created_at", buf, sizeof buf))
    info->created_at = g_ascii_strtoll (buf, NULL, 10);
  if (r->has_claims && mdb_stat (r->txn, r->claims, &st) == 0)
    info->claims = st.ms_entries;
  if (!_kv_progress_stage (progress, KV_PROGRESS_STAGE_CHECKING,
                           read_meta (r, "snapshot_entries", buf, sizeof buf)
                             ? g_ascii_strtoull (buf, NULL, 10)
                             : 0,
                           0, error))
    return FALSE;

  /* Every page of the data is read: a truncated or damaged file fails here. */
  rc = mdb_cursor_open (r->txn, r->data, &cursor);
  for (int op = MDB_FIRST; rc == 0 && (rc = mdb_cursor_get (cursor, &k, &v, op)) == 0;
       op = MDB_NEXT)
    {
      const char *problem = entry_problem (k.mv_data, k.mv_size, v.mv_data, v.mv_size,
                                           info->serialization);
      /* LMDB trusts its pages' order: a crafted B-tree can hold a key twice
       * or out of order, which a restore (a copy through puts) would then
       * merge. Every key must sort strictly after the one before. */
      if (problem == NULL && previous != NULL &&
          mdb_cmp (r->txn, r->data, &(MDB_val){ previous->len, previous->data }, &k) >= 0)
        problem = "keys are out of order or repeated (a damaged or crafted file)";
      if (problem == NULL)
        {
          g_byte_array_set_size (previous_buf, 0);
          g_byte_array_append (previous_buf, k.mv_data, (guint) k.mv_size);
          previous = previous_buf;
        }
      if (problem)
        {
          mdb_cursor_close (cursor);
          g_autofree char *shown = shown_key (k.mv_data, k.mv_size);
          g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ, "snapshot %s: entry \"%.100s\": %s",
                       path, shown, problem);
          return FALSE;
        }
      info->entries++;
      info->bytes += k.mv_size + v.mv_size;
      if (!_kv_progress_add (progress, 1, k.mv_size + v.mv_size, &stopped))
        {
          mdb_cursor_close (cursor);
          g_propagate_error (error, stopped);
          return FALSE;
        }
    }
  if (rc == 0 || rc == MDB_NOTFOUND)
    mdb_cursor_close (cursor);
  if (rc != MDB_NOTFOUND)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ, "snapshot %s is damaged: %s", path,
                   mdb_strerror (rc));
      return FALSE;
    }
  return _kv_progress_flush (progress, error);
}

gboolean
kv_snapshot_verify (const char *file_name, KvSnapshotInfo *out_info, GError **error)
{
  return kv_snapshot_verify_full (file_name, NULL, NULL, out_info, error);
}

gboolean
kv_snapshot_verify_full (const char *file_name, KvProgressFunc progress, gpointer progress_data,
                         KvSnapshotInfo *out_info, GError **error)
{
  KvProgressReporter reporter = KV_PROGRESS_REPORTER_INIT (progress, progress_data, "verify");
  SnapshotReader r;
  KvSnapshotInfo info;
  gboolean ok;

  g_return_val_if_fail (file_name != NULL, FALSE);
  if (!reader_open (&r, file_name, &reporter, error))
    return FALSE;
  ok = reader_verify (&r, file_name, &reporter, &info, error);
  reader_close (&r);
  if (ok && out_info)
    *out_info = info;
  return ok;
}

/* ---- Backup ------------------------------------------------------------------------------- */

static gboolean
maintenance_begin (KvCore *core, KvError what, GError **error)
{
  if (g_atomic_int_compare_and_exchange (&core->maintenance, 0, (gint) what))
    return TRUE;
  if (g_atomic_int_get (&core->maintenance) == KV_ERROR_BACKUP_IN_PROGRESS)
    g_set_error_literal (error, KV_ERROR, KV_ERROR_BACKUP_IN_PROGRESS,
                         "a backup of this store is already running");
  else
    g_set_error_literal (error, KV_ERROR, KV_ERROR_RESTORE_IN_PROGRESS,
                         "a restore of this store is already running");
  return FALSE;
}

static void
maintenance_end (KvCore *core)
{
  g_atomic_int_set (&core->maintenance, 0);
}

static const char *
resolve_path (KvCore *core, const char *file_name)
{
  if (file_name && *file_name)
    return file_name;
  /* The memory backend shares the disk backend's default file (the seed's
   * "shared .k6.kv" workflow); on disk, no name means the live file. */
  return kv_options_get_path (core->options);
}

typedef struct
{
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi data;
  guint64 entries, bytes, max_entries, max_bytes, in_txn, txn_bytes;
  KvSerialization mode;
  KvProgressReporter *progress;
  int rc;
  GError *error;
} SnapshotWriter;

static gboolean
write_one (const char *key, gsize key_len, const void *value, gsize value_len, gpointer data)
{
  SnapshotWriter *w = data;
  MDB_val k = val_of (key, key_len), v = val_of (value, value_len);
  const char *problem = entry_problem (key, key_len, value, value_len, w->mode);

  if (problem)
    {
      g_autofree char *shown = shown_key (key, key_len);
      g_set_error (&w->error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT,
                   "cannot back up entry \"%s\": %s, and restore would refuse the snapshot; "
                   "nothing was written",
                   shown, problem);
      return FALSE;
    }
  w->entries++;
  w->bytes += key_len + value_len;
  if ((w->max_entries && w->entries > w->max_entries) || (w->max_bytes && w->bytes > w->max_bytes))
    {
      g_set_error (&w->error, KV_ERROR, KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED,
                   "the store holds more than the backup budget (maxEntries %" G_GUINT64_FORMAT
                   ", maxBytes %" G_GUINT64_FORMAT "); nothing was written",
                   w->max_entries, w->max_bytes);
      return FALSE;
    }
  if (w->in_txn == SNAPSHOT_CHUNK || w->txn_bytes + key_len + value_len > SNAPSHOT_CHUNK_BYTES)
    {
      /* Chunked commits keep the snapshot's transactions small; the file is
       * not published until it is complete, so this costs no atomicity.
       * Between chunks no transaction is open: the map may grow. */
      MDB_envinfo info;
      MDB_stat st;
      w->rc = mdb_txn_commit (w->txn);
      w->txn = NULL;
      if (w->rc == 0 && mdb_env_info (w->env, &info) == 0 && mdb_env_stat (w->env, &st) == 0)
        {
          guint64 used = (guint64) (info.me_last_pgno + 1) * st.ms_psize;
          if (used + SNAPSHOT_HEADROOM > info.me_mapsize)
            w->rc = mdb_env_set_mapsize (w->env, MAX (info.me_mapsize * 2, used + SNAPSHOT_HEADROOM));
        }
      if (w->rc == 0)
        w->rc = mdb_txn_begin (w->env, NULL, 0, &w->txn);
      w->in_txn = 0;
      w->txn_bytes = 0;
    }
  w->txn_bytes += key_len + value_len;
  if (w->rc == 0)
    w->rc = mdb_put (w->txn, w->data, &k, &v, 0);
  w->in_txn++;
  return w->rc == 0 && _kv_progress_add (w->progress, 1, key_len + value_len, &w->error);
}

static int
put_meta (MDB_txn *txn, MDB_dbi meta, const char *name, const char *value)
{
  MDB_val k = val_of (name, strlen (name)), v = val_of (value, strlen (value));
  return mdb_put (txn, meta, &k, &v, 0);
}

gboolean
kv_store_backup (KvStore *store, const char *file_name, gboolean allow_concurrent_writes,
                 gint64 max_entries, gint64 max_bytes, KvBackupSummary *out_summary,
                 GError **error)
{
  return kv_store_backup_full (store, file_name, allow_concurrent_writes, max_entries, max_bytes,
                               NULL, NULL, out_summary, error);
}

gboolean
kv_store_backup_full (KvStore *store, const char *file_name, gboolean allow_concurrent_writes,
                      gint64 max_entries, gint64 max_bytes, KvProgressFunc progress,
                      gpointer progress_data, KvBackupSummary *out_summary, GError **error)
{
  KvProgressReporter reporter = KV_PROGRESS_REPORTER_INIT (progress, progress_data, "backup");
  KvAtomicFile file = { .fd = -1 };
  g_autofree char *scratch = NULL;
  SnapshotWriter w = { 0 };
  KvBackupSummary sum = { 0 };
  g_autofree char *lock_path = NULL;
  const char *path;
  gboolean memory, ok = FALSE;
  MDB_dbi meta;
  KvCore *core;
  struct stat st;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  /* As in xk6-kv, a budget <= 0 is no budget. */
  max_entries = MAX (max_entries, 0);
  max_bytes = MAX (max_bytes, 0);
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  path = resolve_path (core, file_name);
  memory = kv_options_get_backend (core->options) == KV_BACKEND_MEMORY;
  if (core->backend->vtable->is_file (core->backend, path))
    {
      /* The live disk file already is the data: report it, write nothing. */
      sum.no_op = TRUE;
      ok = core->backend->vtable->count (core->backend, &sum.entries, error);
      sum.bytes = stat (path, &st) == 0 ? (guint64) st.st_size : 0;
      goto out_release;
    }
  if (!maintenance_begin (core, KV_ERROR_BACKUP_IN_PROGRESS, error))
    goto out_release;
  if (!_kv_atomic_file_begin (&file, path, _kv_live_store_file (core->options), error))
    goto out_maintenance;

  w.mode = core->mode;
  w.max_entries = (guint64) max_entries;
  w.max_bytes = (guint64) max_bytes;
  w.progress = &reporter;
  {
    guint64 total = 0;
    /* The size now, as an estimate: writers may change it while the copy runs. */
    if (!core->backend->vtable->count (core->backend, &total, error) ||
        !_kv_progress_stage (&reporter, KV_PROGRESS_STAGE_COPYING, total, 0, error))
      goto out_file;
  }
  w.rc = mdb_env_create (&w.env);
  if (w.rc == 0)
    w.rc = mdb_env_set_maxdbs (w.env, 4);
  if (w.rc == 0)
    w.rc = mdb_env_set_mapsize (w.env, SNAPSHOT_MAP_INITIAL);
  /* LMDB writes a scratch file; the published file is its compacted copy (no
   * free pages, so a disk store that later opens it grows it, overwriting
   * the trailer, rather than leaving a stale one). */
  scratch = g_strconcat (file.tmp_path, "-scratch", NULL);
  if (w.rc == 0)
    w.rc = mdb_env_open (w.env, scratch, MDB_NOSUBDIR | MDB_NOLOCK | MDB_NOSYNC | MDB_NOTLS, 0644);
  if (w.rc == 0)
    w.rc = mdb_txn_begin (w.env, NULL, 0, &w.txn);
  if (w.rc == 0)
    w.rc = mdb_dbi_open (w.txn, "k6", MDB_CREATE, &w.data);
  if (w.rc == 0 &&
      !core->backend->vtable->dump (core->backend, !(memory && allow_concurrent_writes), write_one,
                                    &w, &w.error))
    w.rc = w.rc ? w.rc : -1;
  if (w.rc == 0 && w.error == NULL &&
      _kv_progress_flush (&reporter, &w.error) &&
      _kv_progress_stage (&reporter, KV_PROGRESS_STAGE_COMMITTING, 0, 0, NULL))
    {
      g_autofree char *entries = g_strdup_printf ("%" G_GUINT64_FORMAT, w.entries);
      g_autofree char *created = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / 1000);
      w.rc = mdb_dbi_open (w.txn, "meta", MDB_CREATE, &meta);
      if (w.rc == 0)
        w.rc = put_meta (w.txn, meta, "format", KV_LMDB_FORMAT);
      if (w.rc == 0)
        w.rc = put_meta (w.txn, meta, "serialization", _kv_serialization_name (core->mode));
      if (w.rc == 0)
        w.rc = put_meta (w.txn, meta, "snapshot_entries", entries);
      if (w.rc == 0)
        w.rc = put_meta (w.txn, meta, "snapshot_created_at", created);
      if (w.rc == 0)
        w.rc = mdb_txn_commit (w.txn);
      w.txn = NULL;
      if (w.rc == 0)
        w.rc = mdb_env_copyfd2 (w.env, file.fd, MDB_CP_COMPACT);
    }
  if (w.txn)
    mdb_txn_abort (w.txn);
  if (w.env)
    mdb_env_close (w.env);
  g_unlink (scratch);
  if (w.error)
    {
      g_propagate_error (error, w.error);
      goto out_file;
    }
  if (w.rc != 0)
    {
      g_set_error (error, KV_ERROR, w.rc == ENOSPC || w.rc == EIO ? KV_ERROR_SNAPSHOT_IO : KV_ERROR_SNAPSHOT_EXPORT,
                   "writing snapshot %s failed: %s", path,
                   w.rc == -1 ? "reading the store failed" : mdb_strerror (w.rc));
      goto out_file;
    }
  if (!append_trailer (&file, error) || !_kv_atomic_file_commit (&file, error))
    goto out_file;
  sum.entries = w.entries;
  sum.bytes = stat (path, &st) == 0 ? (guint64) st.st_size : 0;
  sum.best_effort = memory && allow_concurrent_writes;
  sum.warning = sum.best_effort ? best_effort_warning : NULL;
  ok = TRUE;

out_file:
  _kv_atomic_file_abort (&file);
out_maintenance:
  maintenance_end (core);
out_release:
  _kv_core_release (core);
  if (ok && out_summary)
    *out_summary = sum;
  return ok;
}

/* ---- Restore ------------------------------------------------------------------------------ */

typedef struct
{
  SnapshotReader *r;
  MDB_cursor *cursor;
  gboolean started;
  char *key;
} SnapshotSource;

static gboolean
source_next (gpointer data, const char **key, GBytes **value, GError **error)
{
  SnapshotSource *s = data;
  MDB_val k, v;
  int rc;

  if (s->cursor == NULL)
    {
      rc = mdb_cursor_open (s->r->txn, s->r->data, &s->cursor);
      if (rc != 0)
        goto fail;
    }
  rc = mdb_cursor_get (s->cursor, &k, &v, s->started ? MDB_NEXT : MDB_FIRST);
  s->started = TRUE;
  if (rc == MDB_NOTFOUND)
    return FALSE;
  if (rc != 0)
    goto fail;
  g_free (s->key);
  s->key = g_strndup (k.mv_data, k.mv_size);
  *key = s->key;
  *value = _kv_bytes_new (v.mv_data, v.mv_size);
  return TRUE;

fail:
  g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ, "reading the snapshot failed: %s",
               mdb_strerror (rc));
  return FALSE;
}

static void
source_rewind (gpointer data)
{
  ((SnapshotSource *) data)->started = FALSE;
}

gboolean
kv_store_restore (KvStore *store, const char *file_name, gint64 max_entries, gint64 max_bytes,
                  KvRestoreSummary *out_summary, GError **error)
{
  return kv_store_restore_full (store, file_name, max_entries, max_bytes, NULL, NULL, out_summary,
                                error);
}

gboolean
kv_store_restore_full (KvStore *store, const char *file_name, gint64 max_entries,
                       gint64 max_bytes, KvProgressFunc progress, gpointer progress_data,
                       KvRestoreSummary *out_summary, GError **error)
{
  KvProgressReporter reporter = KV_PROGRESS_REPORTER_INIT (progress, progress_data, "restore");
  SnapshotReader r = { 0 };
  SnapshotSource src = { &r };
  KvEntrySource source = { source_next, source_rewind, &src };
  KvSnapshotInfo info;
  KvRestoreSummary sum = { 0 };
  const char *path;
  gboolean ok = FALSE;
  KvCore *core;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  max_entries = MAX (max_entries, 0);
  max_bytes = MAX (max_bytes, 0);
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  path = resolve_path (core, file_name);
  if (core->backend->vtable->is_file (core->backend, path))
    {
      struct stat st;
      sum.no_op = TRUE;
      sum.bytes = stat (path, &st) == 0 ? (guint64) st.st_size : 0;
      ok = core->backend->vtable->count (core->backend, &sum.entries, error);
      goto out_release;
    }
  if (!_kv_core_check_writable (core, error) ||
      !maintenance_begin (core, KV_ERROR_RESTORE_IN_PROGRESS, error))
    goto out_release;

  /* Check everything before touching the store. */
  if (!reader_open (&r, path, &reporter, error) ||
      !reader_verify (&r, path, &reporter, &info, error))
    goto out_maintenance;
  {
    /* Values keep the serialization they were written with (see kv-lmdb-open.c). */
    char recorded[16];
    const char *mode = _kv_serialization_name (core->mode);
    if (read_meta (&r, "serialization", recorded, sizeof recorded) &&
        !g_str_equal (recorded, mode))
      {
        g_set_error (error, KV_ERROR, KV_ERROR_INVALID_SERIALIZATION,
                     "snapshot %s holds serialization \"%s\" values, the store \"%s\"; the "
                     "store was not changed",
                     path, recorded, mode);
        goto out_maintenance;
      }
  }
  if ((max_entries && info.entries > (guint64) max_entries) ||
      (max_bytes && info.bytes > (guint64) max_bytes))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED,
                   "snapshot %s holds %" G_GUINT64_FORMAT " entries and %" G_GUINT64_FORMAT
                   " bytes, over the restore budget (maxEntries %" G_GINT64_FORMAT
                   ", maxBytes %" G_GINT64_FORMAT "); the store was not changed",
                   path, info.entries, info.bytes, max_entries, max_bytes);
      goto out_maintenance;
    }
  /* From here the restore runs to its end: a half-replaced store is no
   * state to stop in. */
  (void) _kv_progress_stage (&reporter, KV_PROGRESS_STAGE_COMMITTING, 0, 0, NULL);
  if (!core->backend->vtable->replace_all (core->backend, &source, error))
    goto out_maintenance;
  sum.entries = info.entries;
  sum.bytes = info.file_size;
  ok = TRUE;

out_maintenance:
  if (src.cursor)
    mdb_cursor_close (src.cursor);
  g_free (src.key);
  reader_close (&r);
  maintenance_end (core);
out_release:
  _kv_core_release (core);
  if (ok && out_summary)
    *out_summary = sum;
  return ok;
}
