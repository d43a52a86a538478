/* kv-backend-lmdb-write-op-private.h — one queued write of the disk backend.
 *
 * kv-backend-lmdb-writer.c queues and batches them and wakes their callers;
 * kv-backend-lmdb-write-ops.c runs one inside the batch's write transaction.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kv-backend-lmdb-private.h"

G_BEGIN_DECLS

typedef enum
{
  W_PUT,
  W_REMOVE,
  W_UPDATE,
  W_UPDATE_MANY,
  W_UPDATE_RANDOM,
  W_UPDATE_EACH,
  W_CLEAR,
  W_REPLACE_ALL,
  W_STOP,
} WriteKind;

struct _LmdbWriteOp
{
  WriteKind kind;
  /* Inputs, borrowed from the waiting caller. */
  const char *const *keys;
  GBytes *const *values;
  gsize n;
  KvUpdateFunc func;
  gboolean (*decide) (gpointer user_data);
  gpointer user_data;
  KvEntrySource *source;
  const char *prefix; /* W_UPDATE_RANDOM */
  gint64 now_ms;
  gboolean indexed;
  /* Results. */
  guint64 count; /* keys deleted, for W_REMOVE; keys changed, for W_UPDATE_RANDOM */
  GError *error;
  GPtrArray *index_delta; /* trackKeys: "+key" / "-key" notes, applied after commit */
  /* Completion: a waiting caller's flag, under the backend's queue_lock; or,
   * for a submitted write, the KvWrite to report to (the op is the writer's). */
  gboolean done;
  pthread_cond_t *wake; /* the waiting caller's own condition: one wake-up per op, not per batch */
  KvWrite *submitted;
};

/* Runs @op in @txn (a nested transaction of the batch); an LMDB error code,
 * 0 when the op ran (its own failure, if any, is in op->error). */
int _kv_lmdb_write_op_exec (LmdbBackend *self, MDB_txn *txn, LmdbWriteOp *op);

G_END_DECLS
