/* kv-lmdb-snapshot.c — snapshot files: libkv's LMDB format plus a checksum trailer.
 *
 * Reading goes through every defence a file from outside needs before LMDB
 * maps it (the trailer's checksum, the preflight, a page walk in a child);
 * writing fills a scratch environment in chunks and publishes its compacted
 * copy. What may go into a snapshot is kv-snapshot.c's business.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kv-lmdb-check-private.h"
#include "kv-lmdb-format-private.h"
#include "kv-lmdb-preflight-private.h"
#include "kv-lmdb-snapshot-private.h"
#include "kv-lmdb-walk-private.h"

/* The scratch map starts small and grows between chunks, so a backup never
 * reserves more address space than the data needs (ulimit -v, valgrind). */
#define SNAPSHOT_MAP_INITIAL (G_GUINT64_CONSTANT (256) << 20)
/* A chunk (one write transaction) ends after this many entries or bytes; the
 * map then keeps room for a full chunk plus one largest value. */
#define SNAPSHOT_CHUNK 10000
#define SNAPSHOT_CHUNK_BYTES (G_GUINT64_CONSTANT (64) << 20)
#define SNAPSHOT_HEADROOM (4 * SNAPSHOT_CHUNK_BYTES)

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
hash_prefix (int fd, guint64 len, guint8 digest[32], KvProgressReporter *progress, GError **error)
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

/* ---- Reading ------------------------------------------------------------------------------ */

struct _KvLmdbSnapshotReader
{
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi data, meta, claims;
  gboolean has_meta, has_claims;
  MDB_cursor *cursor;
  gboolean started;
  guint64 file_size;
};

void
_kv_lmdb_snapshot_close (KvLmdbSnapshotReader *r)
{
  if (r == NULL)
    return;
  if (r->cursor)
    mdb_cursor_close (r->cursor);
  if (r->txn)
    mdb_txn_abort (r->txn);
  if (r->env)
    mdb_env_close (r->env);
  g_free (r);
}

/* The checks before LMDB sees the file; fills r->file_size. */
/* Every page of the file's newest snapshot (kv-lmdb-check.c); nobody writes a snapshot. */
static gboolean
check_pages (const char *path, GError **error)
{
  g_autofree char *problem = NULL;
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  KvLmdbCheck verdict;

  if (fd < 0)
    {
      _kv_file_set_errno_error (error, errno, KV_ERROR_SNAPSHOT_READ, "cannot read snapshot", path);
      return FALSE;
    }
  verdict = _kv_lmdb_check (fd, KV_LMDB_CHECK_NEWEST, FALSE, &problem);
  close (fd);
  if (verdict == KV_LMDB_CHECK_SOUND)
    return TRUE;
  g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ, "snapshot %s is damaged: %s", path,
               problem);
  return FALSE;
}

static gboolean
check_file (KvLmdbSnapshotReader *r, const char *path, KvProgressReporter *progress, GError **error)
{
  TrailerState trailer;
  KvLmdbPreflight pf;
  struct stat st;

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
      if (_kv_lmdb_preflight (path, "snapshot", KV_ERROR_SNAPSHOT_READ, KV_ERROR_SNAPSHOT_READ, &pf,
                              error))
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
  if (!check_pages (path, error))
    return FALSE;
  /* LMDB follows damaged pages blindly: the page check says what is wrong
   * with a damaged file; reading every page where a crash is harmless
   * stays as the second line, for damage the check does not know. */
  return _kv_lmdb_walk_in_child (path, r->file_size, "snapshot", KV_ERROR_SNAPSHOT_READ, error);
}

KvLmdbSnapshotReader *
_kv_lmdb_snapshot_open (const char *path, KvProgressReporter *progress, GError **error)
{
  g_autoptr (KvLmdbSnapshotReader) r = g_new0 (KvLmdbSnapshotReader, 1);
  MDB_envinfo info;
  MDB_stat env_stat;
  int rc;

  if (!check_file (r, path, progress, error))
    return NULL;
  /* NOLOCK: a snapshot file has no lock file, and nobody else writes it. */
  rc = mdb_env_create (&r->env);
  if (rc == 0)
    rc = mdb_env_set_maxdbs (r->env, KV_LMDB_MAX_DBS);
  if (rc == 0)
    rc = mdb_env_open (r->env, path, MDB_NOSUBDIR | MDB_RDONLY | MDB_NOLOCK | MDB_NOTLS, 0644);
  if (rc == 0)
    rc = mdb_txn_begin (r->env, NULL, MDB_RDONLY, &r->txn);
  if (rc != 0)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                   "cannot read snapshot %s: it is not a libkv snapshot or store file (%s)", path,
                   mdb_strerror (rc));
      return NULL;
    }
  /* A truncated copy still opens: its meta pages say how long it must be. */
  if (mdb_env_info (r->env, &info) == 0 && mdb_env_stat (r->env, &env_stat) == 0 &&
      (guint64) (info.me_last_pgno + 1) * env_stat.ms_psize > r->file_size)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                   "snapshot %s is truncated: %" G_GUINT64_FORMAT " bytes of %" G_GUINT64_FORMAT,
                   path, r->file_size, (guint64) (info.me_last_pgno + 1) * env_stat.ms_psize);
      return NULL;
    }
  rc = mdb_dbi_open (r->txn, KV_LMDB_DB_DATA, 0, &r->data);
  if (rc != 0)
    {
      g_set_error (error, KV_ERROR,
                   rc == MDB_NOTFOUND ? KV_ERROR_SNAPSHOT_KEY_MISSING : KV_ERROR_SNAPSHOT_READ,
                   "snapshot %s has no \"" KV_LMDB_DB_DATA "\" database: %s", path,
                   mdb_strerror (rc));
      return NULL;
    }
  r->has_meta = mdb_dbi_open (r->txn, KV_LMDB_DB_META, 0, &r->meta) == 0;
  r->has_claims = mdb_dbi_open (r->txn, KV_LMDB_DB_CLAIMS, 0, &r->claims) == 0;
  return g_steal_pointer (&r);
}

const char *
_kv_lmdb_format_name (void)
{
  return KV_LMDB_FORMAT;
}

guint64
_kv_lmdb_snapshot_file_size (KvLmdbSnapshotReader *r)
{
  return r->file_size;
}

/* Meta record @name as a string in @buf; FALSE when missing or too long. */
static gboolean
meta_string (KvLmdbSnapshotReader *r, const char *name, char *buf, gsize size, gboolean *present)
{
  MDB_val k = _kv_lmdb_str (name), v;

  *present = r->has_meta && mdb_get (r->txn, r->meta, &k, &v) == 0;
  if (!*present || v.mv_size >= size || memchr (v.mv_data, '\0', v.mv_size) != NULL)
    return FALSE;
  memcpy (buf, v.mv_data, v.mv_size);
  buf[v.mv_size] = '\0';
  return TRUE;
}

void
_kv_lmdb_snapshot_header (KvLmdbSnapshotReader *r, KvLmdbSnapshotHeader *out)
{
  char buf[64];
  gboolean present;
  MDB_stat st;

  memset (out, 0, sizeof *out);
  out->libkv_format = meta_string (r, KV_LMDB_META_FORMAT, buf, sizeof buf, &present) &&
                      g_str_equal (buf, KV_LMDB_FORMAT);
  out->serialization = KV_SERIALIZATION_JSON;
  out->serialization_known =
      meta_string (r, KV_LMDB_META_SERIALIZATION, buf, sizeof buf, &out->has_serialization) &&
      (g_str_equal (buf, "json") || g_str_equal (buf, "string"));
  if (out->serialization_known && g_str_equal (buf, "string"))
    out->serialization = KV_SERIALIZATION_STRING;
  if (!out->has_serialization)
    out->serialization_known = TRUE; /* none means json, as for store files */
  if (meta_string (r, KV_LMDB_META_SNAPSHOT_CREATED_AT, buf, sizeof buf, &present))
    out->created_at = g_ascii_strtoll (buf, NULL, 10);
  if (meta_string (r, KV_LMDB_META_SNAPSHOT_ENTRIES, buf, sizeof buf, &present))
    out->recorded_entries = g_ascii_strtoull (buf, NULL, 10);
  if (r->has_claims && mdb_stat (r->txn, r->claims, &st) == 0)
    out->claims = st.ms_entries;
}

gboolean
_kv_lmdb_snapshot_next (KvLmdbSnapshotReader *r, const void **key, gsize *key_len,
                        const void **value, gsize *value_len, GError **error)
{
  MDB_val k, v;
  int rc = 0;

  if (r->cursor == NULL)
    rc = mdb_cursor_open (r->txn, r->data, &r->cursor);
  if (rc == 0)
    rc = mdb_cursor_get (r->cursor, &k, &v, r->started ? MDB_NEXT : MDB_FIRST);
  r->started = TRUE;
  if (rc == MDB_NOTFOUND)
    return FALSE;
  if (rc != 0)
    {
      g_set_error_literal (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ, mdb_strerror (rc));
      return FALSE;
    }
  *key = k.mv_data;
  *key_len = k.mv_size;
  *value = v.mv_data;
  *value_len = v.mv_size;
  return TRUE;
}

void
_kv_lmdb_snapshot_rewind (KvLmdbSnapshotReader *r)
{
  r->started = FALSE;
}

int
_kv_lmdb_snapshot_compare_keys (KvLmdbSnapshotReader *r, const void *a, gsize a_len, const void *b,
                                gsize b_len)
{
  MDB_val va = _kv_lmdb_val (a, a_len), vb = _kv_lmdb_val (b, b_len);

  return mdb_cmp (r->txn, r->data, &va, &vb);
}

/* ---- Writing ------------------------------------------------------------------------------ */

struct _KvLmdbSnapshotWriter
{
  KvAtomicFile *file;
  char *scratch;
  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi data;
  guint64 in_txn, txn_bytes;
};

/* An LMDB failure while writing: a full or failing disk is SNAPSHOT_IO. */
static gboolean
write_failed (KvLmdbSnapshotWriter *w, int rc, GError **error)
{
  g_set_error (error, KV_ERROR,
               rc == ENOSPC || rc == EIO ? KV_ERROR_SNAPSHOT_IO : KV_ERROR_SNAPSHOT_EXPORT,
               "writing snapshot %s failed: %s", w->file->path, mdb_strerror (rc));
  return FALSE;
}

KvLmdbSnapshotWriter *
_kv_lmdb_snapshot_writer_new (KvAtomicFile *file, GError **error)
{
  g_autoptr (KvLmdbSnapshotWriter) w = g_new0 (KvLmdbSnapshotWriter, 1);
  int rc;

  w->file = file;
  /* LMDB writes a scratch file; the published file is its compacted copy (no
   * free pages, so a disk store that later opens it grows it, overwriting
   * the trailer, rather than leaving a stale one). */
  w->scratch = g_strconcat (file->tmp_path, "-scratch", NULL);
  rc = mdb_env_create (&w->env);
  if (rc == 0)
    rc = mdb_env_set_maxdbs (w->env, KV_LMDB_MAX_DBS);
  if (rc == 0)
    rc = mdb_env_set_mapsize (w->env, SNAPSHOT_MAP_INITIAL);
  if (rc == 0)
    rc =
        mdb_env_open (w->env, w->scratch, MDB_NOSUBDIR | MDB_NOLOCK | MDB_NOSYNC | MDB_NOTLS, 0644);
  if (rc == 0)
    rc = mdb_txn_begin (w->env, NULL, 0, &w->txn);
  if (rc == 0)
    rc = mdb_dbi_open (w->txn, KV_LMDB_DB_DATA, MDB_CREATE, &w->data);
  if (rc != 0)
    {
      write_failed (w, rc, error);
      return NULL;
    }
  return g_steal_pointer (&w);
}

/* Ends the chunk's transaction and starts the next. Chunked commits keep the
 * snapshot's transactions small; the file is not published until it is
 * complete, so this costs no atomicity. Between chunks no transaction is
 * open, so the map may grow. */
static int
next_chunk (KvLmdbSnapshotWriter *w)
{
  MDB_envinfo info;
  MDB_stat st;
  int rc = mdb_txn_commit (w->txn);

  w->txn = NULL;
  if (rc == 0 && mdb_env_info (w->env, &info) == 0 && mdb_env_stat (w->env, &st) == 0)
    {
      guint64 used = (guint64) (info.me_last_pgno + 1) * st.ms_psize;
      if (used + SNAPSHOT_HEADROOM > info.me_mapsize)
        rc = mdb_env_set_mapsize (w->env, MAX (info.me_mapsize * 2, used + SNAPSHOT_HEADROOM));
    }
  if (rc == 0)
    rc = mdb_txn_begin (w->env, NULL, 0, &w->txn);
  w->in_txn = 0;
  w->txn_bytes = 0;
  return rc;
}

gboolean
_kv_lmdb_snapshot_writer_put (KvLmdbSnapshotWriter *w, const void *key, gsize key_len,
                              const void *value, gsize value_len, GError **error)
{
  MDB_val k = _kv_lmdb_val (key, key_len), v = _kv_lmdb_val (value, value_len);
  int rc = 0;

  if (w->in_txn == SNAPSHOT_CHUNK || w->txn_bytes + key_len + value_len > SNAPSHOT_CHUNK_BYTES)
    rc = next_chunk (w);
  if (rc == 0)
    rc = mdb_put (w->txn, w->data, &k, &v, 0);
  if (rc != 0)
    return write_failed (w, rc, error);
  w->in_txn++;
  w->txn_bytes += key_len + value_len;
  return TRUE;
}

static int
put_meta (MDB_txn *txn, MDB_dbi meta, const char *name, const char *value)
{
  MDB_val k = _kv_lmdb_str (name), v = _kv_lmdb_str (value);

  return mdb_put (txn, meta, &k, &v, 0);
}

gboolean
_kv_lmdb_snapshot_writer_finish (KvLmdbSnapshotWriter *w, KvSerialization mode, guint64 entries,
                                 GError **error)
{
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, entries);
  g_autofree char *created = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / 1000);
  MDB_dbi meta;
  int rc;

  rc = mdb_dbi_open (w->txn, KV_LMDB_DB_META, MDB_CREATE, &meta);
  if (rc == 0)
    rc = put_meta (w->txn, meta, KV_LMDB_META_FORMAT, KV_LMDB_FORMAT);
  if (rc == 0)
    rc = put_meta (w->txn, meta, KV_LMDB_META_SERIALIZATION, _kv_serialization_name (mode));
  if (rc == 0)
    rc = put_meta (w->txn, meta, KV_LMDB_META_SNAPSHOT_ENTRIES, count);
  if (rc == 0)
    rc = put_meta (w->txn, meta, KV_LMDB_META_SNAPSHOT_CREATED_AT, created);
  if (rc == 0)
    rc = mdb_txn_commit (w->txn);
  w->txn = NULL;
  if (rc == 0)
    rc = mdb_env_copyfd2 (w->env, w->file->fd, MDB_CP_COMPACT);
  if (rc != 0)
    return write_failed (w, rc, error);
  return append_trailer (w->file, error);
}

void
_kv_lmdb_snapshot_writer_free (KvLmdbSnapshotWriter *w)
{
  if (w == NULL)
    return;
  if (w->txn)
    mdb_txn_abort (w->txn);
  if (w->env)
    mdb_env_close (w->env);
  g_unlink (w->scratch);
  g_free (w->scratch);
  g_free (w);
}
