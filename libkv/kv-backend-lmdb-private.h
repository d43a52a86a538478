/* kv-backend-lmdb-private.h — the disk backend's state, shared by its open/read and writer halves.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <lmdb.h>
#include <pthread.h>
#include <sys/types.h>

#include "kv-backend-private.h"
#include "kv-lmdb-format-private.h"
#include "kv-key-index-private.h"

G_BEGIN_DECLS

typedef struct _LmdbWriteOp LmdbWriteOp;

typedef struct
{
  KvBackend parent;

  MDB_env *env;
  MDB_dbi dbi_data;   /* "k6": user keys and values */
  MDB_dbi dbi_claims; /* "claims": key -> encoded claim record */
  MDB_dbi dbi_meta;   /* "meta": format, serialization, claim token counter */
  gboolean has_claims_db;
  char *path;
  char **ignored; /* bbolt-only option names the user set */
  gboolean read_only;
  gboolean nested_txns; /* not with MDB_WRITEMAP */
  gboolean mlock;
  dev_t dev;
  ino_t ino;

  /* Lock order, outermost first: index_lock, then resize_lock, then
   * queue_lock. A reader that needs the index takes index_lock and then opens
   * its read transaction (resize_lock); a rebuild does the same for writing.
   * The writer thread holds resize_lock for its whole transaction, so inside
   * it index_lock is only ever tried (a random pick falls back to a walk when
   * the try fails), and it takes index_lock to apply a batch's keys only
   * after its commit has released resize_lock. queue_lock is held only
   * around the queue and never while taking another lock. open_files_lock
   * (kv-backend-lmdb-open.c) is taken only while opening and closing. */

  /* Every transaction holds this for reading; growing the map (which LMDB
   * allows only with no transaction active in the process) holds it for writing. */
  GRWLock resize_lock;

  /* Group commit: callers queue LmdbWriteOps; one thread commits them in
   * batches. pthread primitives rather than GAsyncQueue/GCond: those are
   * futex-based in GLib and invisible to ThreadSanitizer. */
  pthread_mutex_t queue_lock;
  pthread_cond_t queue_cond; /* an op was queued */
  GQueue queue;              /* LmdbWriteOp *, under queue_lock */
  GThread *writer;
  MDB_txn *wtxn;   /* the writer thread's current transaction */
  int wtxn_error;  /* an LMDB error raised inside a callback (token allocation) */
  gboolean wrote;  /* the current batch changed something: its commit uses a txn id */
  guint max_batch; /* operations per transaction at most */
  guint64 batches; /* statistics, atomic */
  guint64 batched_ops;

  /* trackKeys: a derived ordered index of the keys, exact as of index_txnid. */
  gboolean track_keys;
  GRWLock index_lock;
  KvKeyIndex *index;     /* owns its keys */
  GHashTable *index_pos; /* key (borrowed from the index) -> GSequenceIter */
  guint64 index_txnid;   /* 0: stale, rebuild before use */
  /* atomic: the transaction this process's writer is committing and has not
   * applied to the index yet (0: none). A reader that finds the store one
   * commit ahead of the index because of it uses the index as it is (the
   * read linearizes just before that commit) instead of rebuilding it. */
  gsize publishing_txnid;
} LmdbBackend;

extern const KvBackendVTable _kv_lmdb_vtable;

/* kv-backend-lmdb-open.c */
void _kv_lmdb_free (KvBackend *backend);

/* Locks the map in RAM when disk.mlock asks for it and the OS allows it. */
void _kv_lmdb_try_mlock (LmdbBackend *self);
/* Rebuilds the trackKeys index from a snapshot; index_lock held for writing. */
gboolean _kv_lmdb_index_rebuild_locked (LmdbBackend *self, GError **error);

/* Error helpers: an LMDB or errno code as a KV_ERROR. */
void _kv_lmdb_set_error (GError **error, int rc, KvError code, const char *what);

/* Read transactions (resize lock held for reading while open). */
gboolean _kv_lmdb_read_begin (LmdbBackend *self, MDB_txn **txn, GError **error);
void _kv_lmdb_read_end (LmdbBackend *self, MDB_txn *txn);

/* Grows the map so that at least @needed more bytes fit; writer thread only,
 * with no transaction of this process open (the caller holds nothing). */
int _kv_lmdb_grow_map (LmdbBackend *self, gsize needed);

/* The claim record of @key in @txn, or NULL. */
KvClaimRecord *_kv_lmdb_get_claim (LmdbBackend *self, MDB_txn *txn, const MDB_val *key);

/* Index maintenance (writer thread after commit, or a reader rebuilding). */
void _kv_lmdb_index_note (LmdbBackend *self, const char *key, gboolean present);

/* The writer: start/stop, and the write operations of the vtable. */
void _kv_lmdb_writer_start (LmdbBackend *self);
void _kv_lmdb_writer_stop (LmdbBackend *self);
gboolean _kv_lmdb_put (KvBackend *backend, const char *key, GBytes *value, GError **error);
gboolean _kv_lmdb_put_many (KvBackend *backend, const char *const *keys, GBytes *const *values,
                            gsize n, GError **error);
gboolean _kv_lmdb_remove (KvBackend *backend, const char *key, gboolean *out_existed,
                          GError **error);
gboolean _kv_lmdb_remove_many (KvBackend *backend, const char *const *keys, gsize n,
                               guint64 *out_deleted, GError **error);
gboolean _kv_lmdb_update (KvBackend *backend, const char *key, KvUpdateFunc func,
                          gpointer user_data, GError **error);
gboolean _kv_lmdb_update_many (KvBackend *backend, const char *const *keys, gsize n,
                               KvUpdateFunc func, gboolean (*decide) (gpointer user_data),
                               gpointer user_data, GError **error);
gboolean _kv_lmdb_clear (KvBackend *backend, GError **error);
gboolean _kv_lmdb_replace_all (KvBackend *backend, KvEntrySource *source, GError **error);
guint64 _kv_lmdb_next_claim_token (KvBackend *backend);
/* Queues @write for the next batch; write->done runs on the writer thread after it. */
void _kv_lmdb_submit_write (KvBackend *backend, KvWrite *write);

G_END_DECLS
