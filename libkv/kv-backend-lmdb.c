/* kv-backend-lmdb.c — the disk backend: one LMDB environment, opened MDB_NOSUBDIR.
 *
 * This file serves reads and keeps the trackKeys index; kv-backend-lmdb-open.c opens
 * and closes the environment and kv-backend-lmdb-writer.c does every write through
 * group commit. User data lives in the "k6" database,
 * claim records in "claims", and library metadata (format, serialization,
 * claim tokens) in "meta", so user keys never collide with ours.
 *
 * Read transactions never outlive the C call that opened them, and the
 * environment is opened MDB_NOTLS: the k6 binding calls from whatever thread
 * the Go runtime picks.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "kv-backend-lmdb-claimable-private.h"
#include "kv-backend-lmdb-private.h"
#include "kv-claim-private.h"
#include "kv-random-private.h"
#include "kv-value-private.h"

void
_kv_lmdb_set_error (GError **error, int rc, KvError code, const char *what)
{
  if (rc == ENOSPC || rc == EDQUOT || rc == EFBIG)
    g_set_error (error, KV_ERROR, code,
                 "%s: the disk is full (%s); nothing of this write was stored", what,
                 mdb_strerror (rc));
  else if (rc == EIO)
    /* LMDB turns a short write — what a full disk produces — into EIO. */
    g_set_error (error, KV_ERROR, code,
                 "%s: input/output error: the disk is full or failing; nothing of this write "
                 "was stored",
                 what);
  else if (rc == MDB_MAP_FULL)
    g_set_error (error, KV_ERROR, code, "%s: the store could not grow its map any further", what);
  else
    g_set_error (error, KV_ERROR, code, "%s: %s", what, mdb_strerror (rc));
}

void
_kv_lmdb_try_mlock (LmdbBackend *self)
{
  MDB_envinfo info;

  if (!self->mlock || mdb_env_info (self->env, &info) != 0)
    return;
  /* "Where the OS allows": RLIMIT_MEMLOCK often forbids it; that is not an error. */
  if (mlock (info.me_mapaddr, info.me_mapsize) != 0)
    g_debug ("mlock of %zu bytes failed: %s", info.me_mapsize, g_strerror (errno));
}

int
_kv_lmdb_grow_map (LmdbBackend *self, gsize needed)
{
  MDB_envinfo info;
  int rc;

  g_rw_lock_writer_lock (&self->resize_lock);
  rc = mdb_env_info (self->env, &info);
  if (rc == 0)
    {
      gsize size = MAX (info.me_mapsize * 2, info.me_mapsize + needed);
      rc = mdb_env_set_mapsize (self->env, size);
      g_debug ("grew the map of %s to %zu bytes: %s", self->path, size, mdb_strerror (rc));
    }
  if (rc == 0)
    _kv_lmdb_try_mlock (self);
  g_rw_lock_writer_unlock (&self->resize_lock);
  return rc;
}

gboolean
_kv_lmdb_read_begin (LmdbBackend *self, MDB_txn **txn, GError **error)
{
  for (;;)
    {
      int rc;

      g_rw_lock_reader_lock (&self->resize_lock);
      rc = mdb_txn_begin (self->env, NULL, MDB_RDONLY, txn);
      if (rc == 0)
        return TRUE;
      g_rw_lock_reader_unlock (&self->resize_lock);
      if (rc != MDB_MAP_RESIZED)
        {
          _kv_lmdb_set_error (error, rc, KV_ERROR_DISK_STORE_READ, "reading the store failed");
          return FALSE;
        }
      /* Another process grew the map: adopt the new size (no transaction of ours is open). */
      g_rw_lock_writer_lock (&self->resize_lock);
      mdb_env_set_mapsize (self->env, 0);
      _kv_lmdb_try_mlock (self);
      g_rw_lock_writer_unlock (&self->resize_lock);
    }
}

void
_kv_lmdb_read_end (LmdbBackend *self, MDB_txn *txn)
{
  mdb_txn_abort (txn);
  g_rw_lock_reader_unlock (&self->resize_lock);
}

KvClaimRecord *
_kv_lmdb_get_claim (LmdbBackend *self, MDB_txn *txn, const MDB_val *key)
{
  MDB_val v;

  if (!self->has_claims_db || mdb_get (txn, self->dbi_claims, (MDB_val *) key, &v) != 0)
    return NULL;
  return _kv_claim_record_decode (v.mv_data, v.mv_size);
}

/* ---- The trackKeys index ------------------------------------------------------------------ */

void
_kv_lmdb_index_note (LmdbBackend *self, const char *key, gboolean present)
{
  GSequenceIter *pos = g_hash_table_lookup (self->index_pos, key);

  if (present && pos == NULL)
    {
      char *owned = g_strdup (key);
      g_hash_table_insert (self->index_pos, owned, _kv_key_index_insert (self->index, owned));
    }
  else if (!present && pos != NULL)
    {
      g_hash_table_remove (self->index_pos, key);
      _kv_key_index_remove (pos); /* frees the key the table borrowed */
    }
}

/* Rebuilds the index from a snapshot; index_lock held for writing. */
gboolean
_kv_lmdb_index_rebuild_locked (LmdbBackend *self, GError **error)
{
  MDB_txn *txn;
  MDB_cursor *cursor;
  MDB_val k, v;
  int rc;

  if (!_kv_lmdb_read_begin (self, &txn, error))
    return FALSE;
  g_hash_table_remove_all (self->index_pos);
  _kv_key_index_clear (self->index);
  rc = mdb_cursor_open (txn, self->dbi_data, &cursor);
  for (int op = MDB_FIRST; rc == 0 && (rc = mdb_cursor_get (cursor, &k, &v, op)) == 0;
       op = MDB_NEXT)
    {
      char *owned = g_strndup (k.mv_data, k.mv_size);
      g_hash_table_insert (self->index_pos, owned, _kv_key_index_insert (self->index, owned));
    }
  if (rc == MDB_NOTFOUND)
    {
      rc = 0;
      self->index_txnid = mdb_txn_id (txn);
    }
  mdb_cursor_close (cursor);
  _kv_lmdb_read_end (self, txn);
  if (rc != 0)
    {
      self->index_txnid = 0;
      _kv_lmdb_set_error (error, rc, KV_ERROR_KEY_LIST_REBUILD, "rebuilding the key index failed");
      return FALSE;
    }
  return TRUE;
}

/* Whether the index is as of the store's last commit, or of the one before
 * while this process's writer is still applying the last one (see
 * publishing_txnid): then the index is consistent, merely a commit behind. */
static gboolean
index_current (LmdbBackend *self, const MDB_envinfo *info)
{
  if (self->index_txnid == 0)
    return FALSE;
  if (self->index_txnid == info->me_last_txnid)
    return TRUE;
  return self->index_txnid + 1 == info->me_last_txnid &&
         g_atomic_pointer_get (&self->publishing_txnid) == (gsize) info->me_last_txnid;
}

/* Takes index_lock for reading with the index up to date with the store,
 * whichever process wrote last (LMDB's last transaction id tells). */
static gboolean
index_read_lock (LmdbBackend *self, GError **error)
{
  for (;;)
    {
      MDB_envinfo info;

      g_rw_lock_reader_lock (&self->index_lock);
      if (mdb_env_info (self->env, &info) == 0 && index_current (self, &info))
        return TRUE;
      g_rw_lock_reader_unlock (&self->index_lock);

      g_rw_lock_writer_lock (&self->index_lock);
      if (mdb_env_info (self->env, &info) != 0 || !index_current (self, &info))
        if (!_kv_lmdb_index_rebuild_locked (self, error))
          {
            g_rw_lock_writer_unlock (&self->index_lock);
            return FALSE;
          }
      g_rw_lock_writer_unlock (&self->index_lock);
    }
}

/* ---- Reads ------------------------------------------------------------------------------- */

static GBytes *
lmdb_get (KvBackend *backend, const char *key, GError **error)
{
  LmdbBackend *self = (LmdbBackend *) backend;
  MDB_txn *txn;
  MDB_val k = _kv_lmdb_str (key), v;
  GBytes *value = NULL;
  int rc;

  if (!_kv_lmdb_read_begin (self, &txn, error))
    return NULL;
  rc = mdb_get (txn, self->dbi_data, &k, &v);
  if (rc == 0)
    value = _kv_bytes_new (v.mv_data, v.mv_size);
  else if (rc != MDB_NOTFOUND)
    _kv_lmdb_set_error (error, rc, KV_ERROR_DISK_STORE_READ, "reading a key failed");
  _kv_lmdb_read_end (self, txn);
  return value;
}

static gboolean
lmdb_get_many (KvBackend *backend, const char *const *keys, gsize n, GBytes **values,
               GError **error)
{
  LmdbBackend *self = (LmdbBackend *) backend;
  MDB_txn *txn;
  int rc = 0;

  /* One read transaction: the values are one consistent snapshot. */
  if (!_kv_lmdb_read_begin (self, &txn, error))
    return FALSE;
  for (gsize i = 0; i < n && (rc == 0 || rc == MDB_NOTFOUND); i++)
    {
      MDB_val k, v;
      values[i] = NULL;
      if (keys[i] == NULL)
        continue;
      k = _kv_lmdb_str (keys[i]);
      rc = mdb_get (txn, self->dbi_data, &k, &v);
      if (rc == 0)
        values[i] = _kv_bytes_new (v.mv_data, v.mv_size);
    }
  _kv_lmdb_read_end (self, txn);
  if (rc != 0 && rc != MDB_NOTFOUND)
    {
      _kv_lmdb_set_error (error, rc, KV_ERROR_DISK_STORE_READ, "reading keys failed");
      return FALSE;
    }
  return TRUE;
}

static gboolean
key_has_prefix (const MDB_val *k, const char *prefix, gsize prefix_len)
{
  /* No memcmp with a NULL prefix, even for 0 bytes: that is undefined behaviour. */
  return prefix_len == 0 ||
         (k->mv_size >= prefix_len && memcmp (k->mv_data, prefix, prefix_len) == 0);
}

/* Positions @cursor on the first key of the scan window; MDB_NOTFOUND at the end. */
static int
seek_start (MDB_cursor *cursor, const char *prefix, gsize prefix_len, const char *after, MDB_val *k,
            MDB_val *v)
{
  int rc;

  if (after)
    {
      *k = _kv_lmdb_str (after);
      rc = mdb_cursor_get (cursor, k, v, MDB_SET_RANGE);
      if (rc == 0 && k->mv_size == strlen (after) && memcmp (k->mv_data, after, k->mv_size) == 0)
        rc = mdb_cursor_get (cursor, k, v, MDB_NEXT); /* strictly after */
      if (rc == 0 && prefix_len && memcmp (k->mv_data, prefix, MIN (prefix_len, k->mv_size)) < 0)
        {
          *k = _kv_lmdb_val (prefix, prefix_len); /* a cursor from before the prefix window */
          rc = mdb_cursor_get (cursor, k, v, MDB_SET_RANGE);
        }
      return rc;
    }
  if (prefix_len)
    {
      *k = _kv_lmdb_val (prefix, prefix_len);
      return mdb_cursor_get (cursor, k, v, MDB_SET_RANGE);
    }
  return mdb_cursor_get (cursor, k, v, MDB_FIRST);
}

static gboolean
lmdb_count (KvBackend *backend, guint64 *out_count, GError **error)
{
  LmdbBackend *self = (LmdbBackend *) backend;
  MDB_txn *txn;
  MDB_stat st;
  int rc;

  if (!_kv_lmdb_read_begin (self, &txn, error))
    return FALSE;
  rc = mdb_stat (txn, self->dbi_data, &st);
  _kv_lmdb_read_end (self, txn);
  if (rc != 0)
    {
      _kv_lmdb_set_error (error, rc, KV_ERROR_DISK_STORE_SIZE, "counting keys failed");
      return FALSE;
    }
  *out_count = st.ms_entries;
  return TRUE;
}

/* Walks the keys with @prefix strictly after @after (NULL: from the start)
 * in one read transaction, calling @each with each key and value (borrowed
 * from the map: valid during the call only) until it returns FALSE. */
static gboolean
walk_prefix (LmdbBackend *self, const char *prefix, const char *after,
             gboolean (*each) (const MDB_val *k, const MDB_val *v, MDB_txn *txn, gpointer data),
             gpointer data, KvError code, GError **error)
{
  gsize prefix_len = prefix ? strlen (prefix) : 0;
  MDB_txn *txn;
  MDB_cursor *cursor;
  MDB_val k, v;
  int rc;

  if (!_kv_lmdb_read_begin (self, &txn, error))
    return FALSE;
  rc = mdb_cursor_open (txn, self->dbi_data, &cursor);
  if (rc == 0)
    {
      for (rc = seek_start (cursor, prefix, prefix_len, after, &k, &v);
           rc == 0 && key_has_prefix (&k, prefix, prefix_len) && each (&k, &v, txn, data);
           rc = mdb_cursor_get (cursor, &k, &v, MDB_NEXT))
        ;
      if (rc == MDB_NOTFOUND)
        rc = 0;
      mdb_cursor_close (cursor);
    }
  _kv_lmdb_read_end (self, txn);
  if (rc != 0)
    {
      _kv_lmdb_set_error (error, rc, code, "walking the store failed");
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  guint64 limit, emitted;
  gboolean keys_only, more;
  GPtrArray *out;
} ScanWalk;

static gboolean
scan_one (const MDB_val *k, const MDB_val *v, MDB_txn *txn, gpointer data)
{
  ScanWalk *w = data;
  char *key;

  if (w->limit > 0 && w->emitted == w->limit)
    {
      w->more = TRUE; /* one more matching key exists */
      return FALSE;
    }
  key = g_strndup (k->mv_data, k->mv_size);
  if (w->keys_only)
    g_ptr_array_add (w->out, key);
  else
    {
      g_autoptr (GBytes) value = _kv_bytes_new (v->mv_data, v->mv_size);
      g_ptr_array_add (w->out, _kv_entry_new (key, value));
      g_free (key);
    }
  w->emitted++;
  return TRUE;
}

static gboolean
lmdb_scan (KvBackend *backend, const char *prefix, const char *after, guint64 limit,
           gboolean keys_only, GPtrArray *out, gboolean *out_more, GError **error)
{
  ScanWalk w = { .limit = limit, .keys_only = keys_only, .out = out };

  if (!walk_prefix ((LmdbBackend *) backend, prefix, after, scan_one, &w, KV_ERROR_DISK_STORE_SCAN,
                    error))
    return FALSE;
  *out_more = w.more;
  return TRUE;
}

static gboolean
count_one (const MDB_val *k, const MDB_val *v, MDB_txn *txn, gpointer data)
{
  (*(guint64 *) data)++;
  return TRUE;
}

static gboolean
collect_key (const MDB_val *k, const MDB_val *v, MDB_txn *txn, gpointer data)
{
  g_ptr_array_add (data, g_strndup (k->mv_data, k->mv_size));
  return TRUE;
}

static gboolean
lmdb_count_prefix (KvBackend *backend, const char *prefix, guint64 *out_count, GError **error)
{
  LmdbBackend *self = (LmdbBackend *) backend;
  gint begin, end;

  if (prefix == NULL || *prefix == '\0')
    return lmdb_count (backend, out_count, error);
  if (!self->track_keys)
    {
      *out_count = 0;
      return walk_prefix (self, prefix, NULL, count_one, out_count, KV_ERROR_DISK_STORE_SCAN,
                          error);
    }
  if (!index_read_lock (self, error))
    return FALSE;
  _kv_key_index_prefix_range (self->index, prefix, &begin, &end);
  g_rw_lock_reader_unlock (&self->index_lock);
  *out_count = (guint64) (end - begin);
  return TRUE;
}

static gboolean
lmdb_random_keys (KvBackend *backend, const char *prefix, guint64 count, gboolean unique,
                  GPtrArray *out_keys, GError **error)
{
  LmdbBackend *self = (LmdbBackend *) backend;
  g_autoptr (GArray) ranks = NULL;

  if (self->track_keys)
    {
      gint begin, end;
      if (!index_read_lock (self, error))
        return FALSE;
      _kv_key_index_prefix_range (self->index, prefix, &begin, &end);
      ranks = _kv_random_ranks ((guint64) (end - begin), count, unique);
      for (guint i = 0; i < ranks->len; i++)
        g_ptr_array_add (out_keys,
                         g_strdup (_kv_key_index_get (
                             self->index, begin + (gint) g_array_index (ranks, guint64, i))));
      g_rw_lock_reader_unlock (&self->index_lock);
      return TRUE;
    }
  {
    g_autoptr (GPtrArray) matching = g_ptr_array_new_with_free_func (g_free);
    if (!walk_prefix (self, prefix, NULL, collect_key, matching, KV_ERROR_DISK_STORE_SCAN, error))
      return FALSE;
    ranks = _kv_random_ranks (matching->len, count, unique);
    for (guint i = 0; i < ranks->len; i++)
      g_ptr_array_add (out_keys, g_strdup (matching->pdata[g_array_index (ranks, guint64, i)]));
    return TRUE;
  }
}

static gboolean
lmdb_rebuild_index (KvBackend *backend, GError **error)
{
  LmdbBackend *self = (LmdbBackend *) backend;
  gboolean ok;

  if (!self->track_keys)
    return TRUE;
  g_rw_lock_writer_lock (&self->index_lock);
  ok = _kv_lmdb_index_rebuild_locked (self, error);
  g_rw_lock_writer_unlock (&self->index_lock);
  return ok;
}

static gboolean
collect_claimable (const MDB_val *k, gpointer data)
{
  g_ptr_array_add (data, g_strndup (k->mv_data, k->mv_size));
  return TRUE;
}

static gboolean
lmdb_claim_scan (KvBackend *backend, const char *prefix, gint64 now_ms, GPtrArray *claimable,
                 KvClaimCounts *out, GError **error)
{
  LmdbBackend *self = (LmdbBackend *) backend;
  KvClaimCounts counts = { 0 };
  MDB_txn *txn;
  int rc;

  if (!_kv_lmdb_read_begin (self, &txn, error))
    return FALSE;
  rc = _kv_lmdb_walk_claimable (self, txn, prefix, now_ms, claimable ? collect_claimable : NULL,
                                claimable, &counts);
  _kv_lmdb_read_end (self, txn);
  if (rc != 0)
    {
      _kv_lmdb_set_error (error, rc, KV_ERROR_DISK_STORE_SCAN, "walking the store failed");
      return FALSE;
    }
  *out = counts;
  return TRUE;
}

typedef struct
{
  LmdbBackend *self;
  GPtrArray *out;
} ClaimList;

static gboolean
list_one (const MDB_val *k, const MDB_val *v, MDB_txn *txn, gpointer data)
{
  ClaimList *l = data;
  KvClaimRecord *claim = _kv_lmdb_get_claim (l->self, txn, k);

  if (claim)
    {
      g_autofree char *key = g_strndup (k->mv_data, k->mv_size);
      g_ptr_array_add (l->out, _kv_claim_new (key, claim, NULL));
      _kv_claim_record_free (claim);
    }
  return TRUE;
}

static gboolean
lmdb_list_claims (KvBackend *backend, const char *prefix, GPtrArray *out, GError **error)
{
  ClaimList l = { (LmdbBackend *) backend, out };

  return walk_prefix (l.self, prefix, NULL, list_one, &l, KV_ERROR_DISK_STORE_SCAN, error);
}

/* ---- Stats -------------------------------------------------------------------------------- */

static void
lmdb_add_index_stats (KvBackend *backend, JsonBuilder *b)
{
  LmdbBackend *self = (LmdbBackend *) backend;
  guint64 indexed = 0, stored = 0;
  gboolean fresh;

  json_builder_set_member_name (b, "index");
  if (!self->track_keys)
    {
      json_builder_add_null_value (b);
      return;
    }
  fresh = index_read_lock (self, NULL);
  if (fresh)
    {
      indexed = (guint64) _kv_key_index_length (self->index);
      g_rw_lock_reader_unlock (&self->index_lock);
    }
  lmdb_count (backend, &stored, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "ost");
  json_builder_add_int_value (b, (gint64) indexed);
  json_builder_set_member_name (b, "consistent");
  json_builder_add_boolean_value (b, fresh && indexed == stored);
  json_builder_end_object (b);
}

static void
lmdb_add_stats (KvBackend *backend, JsonBuilder *b)
{
  LmdbBackend *self = (LmdbBackend *) backend;
  MDB_envinfo info = { 0 };
  MDB_stat st = { 0 };
  struct stat file;

  mdb_env_info (self->env, &info);
  mdb_env_stat (self->env, &st);
  json_builder_set_member_name (b, "disk");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, self->path);
  json_builder_set_member_name (b, "sizeBytes");
  json_builder_add_int_value (b, stat (self->path, &file) == 0 ? (gint64) file.st_size : 0);
  json_builder_set_member_name (b, "readOnly");
  json_builder_add_boolean_value (b, self->read_only);
  /* bbolt-only options: accepted for compatibility, meaningless on LMDB. */
  json_builder_set_member_name (b, "ignoredOptions");
  json_builder_begin_array (b);
  for (char **name = self->ignored; name && *name; name++)
    json_builder_add_string_value (b, *name);
  json_builder_end_array (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "lmdb");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mapSize");
  json_builder_add_int_value (b, (gint64) info.me_mapsize);
  json_builder_set_member_name (b, "pageSize");
  json_builder_add_int_value (b, st.ms_psize);
  json_builder_set_member_name (b, "pagesUsed");
  json_builder_add_int_value (b, (gint64) info.me_last_pgno + 1);
  json_builder_set_member_name (b, "lastTxnId");
  json_builder_add_int_value (b, (gint64) info.me_last_txnid);
  json_builder_set_member_name (b, "readers");
  json_builder_add_int_value (b, info.me_numreaders);
  json_builder_set_member_name (b, "maxReaders");
  json_builder_add_int_value (b, info.me_maxreaders);
  json_builder_set_member_name (b, "groupCommitBatches");
  json_builder_add_int_value (b, (gint64) g_atomic_pointer_get ((gsize *) &self->batches));
  json_builder_set_member_name (b, "groupCommitOps");
  json_builder_add_int_value (b, (gint64) g_atomic_pointer_get ((gsize *) &self->batched_ops));
  json_builder_end_object (b);
}

/* ---- Snapshots ---------------------------------------------------------------------------- */

typedef struct
{
  KvDumpFunc each;
  gpointer data;
} DumpWalk;

static gboolean
dump_one (const MDB_val *k, const MDB_val *v, MDB_txn *txn, gpointer data)
{
  DumpWalk *w = data;
  /* Every byte of the key, NUL-terminated: a key from a damaged or
   * hand-made file may hold a NUL, and backup must see it to refuse it. */
  g_autofree char *key = g_malloc (k->mv_size + 1);

  memcpy (key, k->mv_data, k->mv_size);
  key[k->mv_size] = '\0';
  return w->each (key, k->mv_size, v->mv_data, v->mv_size, w->data);
}

static gboolean
lmdb_dump (KvBackend *backend, gboolean consistent, KvDumpFunc each, gpointer data, GError **error)
{
  DumpWalk w = { each, data };

  /* One read transaction: a consistent snapshot whatever @consistent says,
   * and writers are never blocked by it (MVCC). */
  return walk_prefix ((LmdbBackend *) backend, NULL, NULL, dump_one, &w, KV_ERROR_SNAPSHOT_EXPORT,
                      error);
}

static gboolean
lmdb_is_file (KvBackend *backend, const char *path)
{
  LmdbBackend *self = (LmdbBackend *) backend;
  struct stat st;

  return stat (path, &st) == 0 && st.st_dev == self->dev && st.st_ino == self->ino;
}

static const char *
lmdb_data_file (KvBackend *backend)
{
  return ((LmdbBackend *) backend)->path;
}

static gboolean
lmdb_scan_seeks (KvBackend *backend)
{
  return TRUE; /* a B-tree cursor */
}

const KvBackendVTable _kv_lmdb_vtable = {
  .name = "disk",
  .point_in_time_reads = TRUE,
  .free = _kv_lmdb_free,
  .get = lmdb_get,
  .get_many = lmdb_get_many,
  .put = _kv_lmdb_put,
  .put_many = _kv_lmdb_put_many,
  .remove = _kv_lmdb_remove,
  .remove_many = _kv_lmdb_remove_many,
  .update = _kv_lmdb_update,
  .update_many = _kv_lmdb_update_many,
  .clear = _kv_lmdb_clear,
  .submit_write = _kv_lmdb_submit_write,
  .count = lmdb_count,
  .scan = lmdb_scan,
  .count_prefix = lmdb_count_prefix,
  .random_keys = lmdb_random_keys,
  .rebuild_index = lmdb_rebuild_index,
  .next_claim_token = _kv_lmdb_next_claim_token,
  .claim_scan = lmdb_claim_scan,
  .list_claims = lmdb_list_claims,
  .dump = lmdb_dump,
  .replace_all = _kv_lmdb_replace_all,
  .is_file = lmdb_is_file,
  .data_file = lmdb_data_file,
  .scan_seeks = lmdb_scan_seeks,
  .add_index_stats = lmdb_add_index_stats,
  .add_stats = lmdb_add_stats,
};
