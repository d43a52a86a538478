/* kv-backend-lmdb-writer.c — group commit: one thread turns queued writes into few transactions.
 *
 * Callers queue an operation and sleep. The writer takes everything queued,
 * runs each operation in a nested transaction inside one write transaction
 * (so a failing operation rolls back alone), commits once — one fsync for
 * the whole batch — and then wakes every caller with its own result. A call
 * therefore returns only after its own data is durable, and an operation
 * later in a batch sees the effects of the ones before it.
 *
 * When the map is full, or a commit fails in a way that growing the map
 * fixes, the writer aborts the batch, grows the map and runs the batch again
 * from the start; update callbacks are written to be re-run (KvUpdateFunc).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-backend-lmdb-private.h"
#include "kv-backend-lmdb-write-op-private.h"

/* Bounded so one batch never holds callers for long nor dirties too many
 * pages. LIBKV_LMDB_BATCH_MAX overrides it (1 turns group commit off), for
 * benchmarks that compare the two. */
#define DEFAULT_MAX_BATCH 512
#define MAX_GROW_ATTEMPTS 12

/* Set on writer threads: see _kv_on_backend_thread(). */
static __thread gboolean on_writer_thread;

gboolean
_kv_on_backend_thread (void)
{
  return on_writer_thread;
}

/* ---- Batches ------------------------------------------------------------------------------ */

static gboolean
needs_more_room (int rc)
{
  return rc == MDB_MAP_FULL || rc == MDB_TXN_FULL;
}

static void
reset_results (LmdbWriteOp *op)
{
  g_clear_error (&op->error);
  g_clear_pointer (&op->index_delta, g_ptr_array_unref);
  op->count = 0;
}

static void
fail_all (GPtrArray *batch, int rc, const char *what)
{
  for (guint i = 0; i < batch->len; i++)
    {
      LmdbWriteOp *op = batch->pdata[i];
      reset_results (op);
      _kv_lmdb_set_error (&op->error, rc, KV_ERROR_DISK_STORE_WRITE, what);
    }
}

/* Applies the index notes of a committed transaction @txnid. Only for a
 * batch that wrote something: LMDB does not use up a transaction id for a
 * commit without changes, so the next commit would carry the same id. */
static void
index_after_commit (LmdbBackend *self, GPtrArray *batch, guint64 txnid)
{
  gboolean stale = FALSE;

  if (!self->track_keys)
    return;
  g_rw_lock_writer_lock (&self->index_lock);
  if (self->index_txnid >= txnid)
    ; /* a reader already rebuilt it from a snapshot that includes this commit */
  else if (self->index_txnid + 1 != txnid)
    self->index_txnid = 0; /* another process wrote in between: rebuild on next use */
  else
    {
      for (guint i = 0; i < batch->len; i++)
        {
          LmdbWriteOp *op = batch->pdata[i];
          for (guint j = 0; op->error == NULL && op->index_delta && j < op->index_delta->len; j++)
            {
              const char *n = op->index_delta->pdata[j];
              if (n[0] == '!')
                stale = TRUE;
              else if (n[0] == '*')
                {
                  g_hash_table_remove_all (self->index_pos);
                  _kv_key_index_clear (self->index);
                }
              else
                _kv_lmdb_index_note (self, n + 1, n[0] == '+');
            }
        }
      self->index_txnid = stale ? 0 : txnid;
    }
  g_rw_lock_writer_unlock (&self->index_lock);
}

/* Runs every op of @batch in one transaction; FALSE asks for a retry with more room. */
static gboolean
run_batch_once (LmdbBackend *self, GPtrArray *batch, int *out_rc)
{
  MDB_txn *txn = NULL;
  guint64 txnid;
  int rc;

  g_rw_lock_reader_lock (&self->resize_lock);
  rc = mdb_txn_begin (self->env, NULL, 0, &txn);
  if (rc != 0)
    {
      g_rw_lock_reader_unlock (&self->resize_lock);
      *out_rc = rc;
      return !needs_more_room (rc) && rc != MDB_MAP_RESIZED;
    }
  self->wtxn = txn;
  self->wrote = FALSE;
  for (guint i = 0; i < batch->len; i++)
    {
      LmdbWriteOp *op = batch->pdata[i];
      MDB_txn *child = NULL;

      reset_results (op);
      self->wtxn_error = 0;
      if (self->nested_txns && (rc = mdb_txn_begin (self->env, txn, 0, &child)) != 0)
        break;
      if (child)
        self->wtxn = child;
      rc = _kv_lmdb_write_op_exec (self, child ? child : txn, op);
      self->wtxn = txn;
      if (rc == 0 && op->error == NULL)
        {
          if (child && (rc = mdb_txn_commit (child)) != 0)
            break;
          continue;
        }
      if (child)
        mdb_txn_abort (child);
      /* An LMDB error ends the attempt: the whole batch is aborted, and retried
       * if more room helps. A callback that refused (op->error set) rolled back
       * alone in its nested transaction; without nesting (writeMap) nothing of
       * it was written, because callbacks fail before their writes. */
      if (rc != 0)
        break;
    }
  self->wtxn = NULL;
  if (rc != 0)
    {
      mdb_txn_abort (txn);
      g_rw_lock_reader_unlock (&self->resize_lock);
      *out_rc = rc;
      return !needs_more_room (rc);
    }
  txnid = mdb_txn_id (txn);
  if (self->track_keys)
    g_atomic_pointer_set (&self->publishing_txnid, (gsize) txnid);
  rc = mdb_txn_commit (txn);
  g_rw_lock_reader_unlock (&self->resize_lock);
  *out_rc = rc;
  if (rc == 0 && self->wrote)
    index_after_commit (self, batch, txnid);
  if (self->track_keys)
    g_atomic_pointer_set (&self->publishing_txnid, 0);
  return !needs_more_room (rc);
}

static void
run_batch (LmdbBackend *self, GPtrArray *batch)
{
  int rc = 0;

  for (int attempt = 0; attempt < MAX_GROW_ATTEMPTS; attempt++)
    {
      if (run_batch_once (self, batch, &rc))
        break;
      if (rc == MDB_MAP_RESIZED)
        {
          /* Another process grew the map: adopt its size, then retry. */
          g_rw_lock_writer_lock (&self->resize_lock);
          mdb_env_set_mapsize (self->env, 0);
          g_rw_lock_writer_unlock (&self->resize_lock);
          continue;
        }
      if (rc == MDB_TXN_FULL && batch->len > 1)
        {
          /* Too many dirty pages for one transaction: split the batch. */
          g_autoptr (GPtrArray) tail = g_ptr_array_new ();
          guint half = batch->len / 2;
          for (guint i = half; i < batch->len; i++)
            g_ptr_array_add (tail, batch->pdata[i]);
          g_ptr_array_set_size (batch, half);
          run_batch (self, batch);
          run_batch (self, tail);
          for (guint i = 0; i < tail->len; i++)
            g_ptr_array_add (batch, tail->pdata[i]);
          return;
        }
      if (rc == MDB_MAP_FULL && (rc = _kv_lmdb_grow_map (self, 0)) == 0)
        continue;
      break;
    }
  if (rc != 0)
    fail_all (batch, rc, "writing to the store failed");
}

/* Hands a submitted write its results and frees the writer's copy of it. */
static void
report_submitted (LmdbWriteOp *op)
{
  KvWrite *w = op->submitted;

  g_clear_pointer (&op->index_delta, g_ptr_array_unref);
  w->count = op->count;
  w->error = g_steal_pointer (&op->error);
  g_free (op);
  w->done (w);
}

static gpointer
writer_main (gpointer data)
{
  LmdbBackend *self = data;
  g_autoptr (GPtrArray) batch = g_ptr_array_new ();
  g_autoptr (GPtrArray) submitted = g_ptr_array_new ();
  gboolean stop = FALSE;

  on_writer_thread = TRUE;
  while (!stop)
    {
      /* Everything queued so far (up to max_batch) becomes one batch. */
      g_ptr_array_set_size (batch, 0);
      pthread_mutex_lock (&self->queue_lock);
      while (g_queue_is_empty (&self->queue))
        pthread_cond_wait (&self->queue_cond, &self->queue_lock);
      while (!stop && batch->len < self->max_batch && !g_queue_is_empty (&self->queue))
        {
          LmdbWriteOp *op = g_queue_pop_head (&self->queue);
          if (op->kind == W_STOP)
            stop = TRUE;
          else
            g_ptr_array_add (batch, op);
        }
      pthread_mutex_unlock (&self->queue_lock);

      if (batch->len > 0)
        {
          run_batch (self, batch);
          g_atomic_pointer_add ((gsize *) &self->batches, 1);
          g_atomic_pointer_add ((gsize *) &self->batched_ops, batch->len);
        }
      /* Submitted writes are set aside first: a waiting caller's op lives on
       * its stack, gone as soon as it is marked done. They are reported after
       * the waiting callers are woken, outside the lock, since a report may
       * queue the submitter's next write. */
      g_ptr_array_set_size (submitted, 0);
      for (guint i = 0; i < batch->len; i++)
        if (((LmdbWriteOp *) batch->pdata[i])->submitted)
          g_ptr_array_add (submitted, batch->pdata[i]);
      pthread_mutex_lock (&self->queue_lock);
      for (guint i = 0; i < batch->len; i++)
        {
          LmdbWriteOp *op = batch->pdata[i];
          op->done = TRUE;
          if (op->wake)
            pthread_cond_signal (op->wake);
        }
      pthread_mutex_unlock (&self->queue_lock);
      for (guint i = 0; i < submitted->len; i++)
        report_submitted (submitted->pdata[i]);
    }
  return NULL;
}

void
_kv_lmdb_writer_start (LmdbBackend *self)
{
  const char *env = g_getenv ("LIBKV_LMDB_BATCH_MAX");
  guint64 max = 0;

  self->max_batch = DEFAULT_MAX_BATCH;
  if (env && g_ascii_string_to_unsigned (env, 10, 1, 100000, &max, NULL))
    self->max_batch = (guint) max;
  pthread_mutex_init (&self->queue_lock, NULL);
  pthread_cond_init (&self->queue_cond, NULL);
  g_queue_init (&self->queue);
  self->writer = g_thread_new ("kv-lmdb-writer", writer_main, self);
}

void
_kv_lmdb_writer_stop (LmdbBackend *self)
{
  LmdbWriteOp stop = { .kind = W_STOP };

  if (self->writer == NULL)
    return;
  /* Queued after every pending op, so those are committed first. */
  pthread_mutex_lock (&self->queue_lock);
  g_queue_push_tail (&self->queue, &stop);
  pthread_cond_signal (&self->queue_cond);
  pthread_mutex_unlock (&self->queue_lock);
  g_thread_join (self->writer);
  self->writer = NULL;
  pthread_cond_destroy (&self->queue_cond);
  pthread_mutex_destroy (&self->queue_lock);
}

/* Queues @op and waits until the writer has committed (or failed) it. */
static gboolean
submit (LmdbBackend *self, LmdbWriteOp *op, GError **error)
{
  pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
  gboolean ok;

  op->wake = &wake;
  pthread_mutex_lock (&self->queue_lock);
  g_queue_push_tail (&self->queue, op);
  pthread_cond_signal (&self->queue_cond);
  while (!op->done)
    pthread_cond_wait (&wake, &self->queue_lock);
  pthread_mutex_unlock (&self->queue_lock);
  pthread_cond_destroy (&wake);
  g_clear_pointer (&op->index_delta, g_ptr_array_unref);
  ok = op->error == NULL;
  if (!ok)
    g_propagate_error (error, op->error);
  return ok;
}

/* ---- The vtable's write operations -------------------------------------------------------- */

gboolean
_kv_lmdb_put (KvBackend *backend, const char *key, GBytes *value, GError **error)
{
  LmdbWriteOp op = { .kind = W_PUT, .keys = &key, .values = &value, .n = 1 };
  return submit ((LmdbBackend *) backend, &op, error);
}

gboolean
_kv_lmdb_put_many (KvBackend *backend, const char *const *keys, GBytes *const *values, gsize n,
                   GError **error)
{
  LmdbWriteOp op = { .kind = W_PUT, .keys = keys, .values = values, .n = n };
  return submit ((LmdbBackend *) backend, &op, error);
}

gboolean
_kv_lmdb_remove (KvBackend *backend, const char *key, gboolean *out_existed, GError **error)
{
  LmdbWriteOp op = { .kind = W_REMOVE, .keys = &key, .n = 1 };
  gboolean ok = submit ((LmdbBackend *) backend, &op, error);

  if (ok && out_existed)
    *out_existed = op.count == 1;
  return ok;
}

gboolean
_kv_lmdb_remove_many (KvBackend *backend, const char *const *keys, gsize n, guint64 *out_deleted,
                      GError **error)
{
  LmdbWriteOp op = { .kind = W_REMOVE, .keys = keys, .n = n };
  gboolean ok = submit ((LmdbBackend *) backend, &op, error);

  if (ok)
    *out_deleted = op.count;
  return ok;
}

gboolean
_kv_lmdb_update (KvBackend *backend, const char *key, KvUpdateFunc func, gpointer user_data,
                 GError **error)
{
  LmdbWriteOp op = { .kind = W_UPDATE, .keys = &key, .n = 1, .func = func, .user_data = user_data };
  return submit ((LmdbBackend *) backend, &op, error);
}

gboolean
_kv_lmdb_update_many (KvBackend *backend, const char *const *keys, gsize n, KvUpdateFunc func,
                      gboolean (*decide) (gpointer user_data), gpointer user_data, GError **error)
{
  LmdbWriteOp op = { .kind = W_UPDATE_MANY,
                     .keys = keys,
                     .n = n,
                     .func = func,
                     .decide = decide,
                     .user_data = user_data };
  return submit ((LmdbBackend *) backend, &op, error);
}

gboolean
_kv_lmdb_clear (KvBackend *backend, GError **error)
{
  LmdbWriteOp op = { .kind = W_CLEAR };
  return submit ((LmdbBackend *) backend, &op, error);
}

gboolean
_kv_lmdb_replace_all (KvBackend *backend, KvEntrySource *source, GError **error)
{
  LmdbWriteOp op = { .kind = W_REPLACE_ALL, .source = source };
  return submit ((LmdbBackend *) backend, &op, error);
}

/* ---- Submitted writes: queued, never waited for ----------------------------------------- */

void
_kv_lmdb_submit_write (KvBackend *backend, KvWrite *write)
{
  static const WriteKind kinds[] = {
    [KV_WRITE_PUT] = W_PUT,
    [KV_WRITE_REMOVE] = W_REMOVE,
    [KV_WRITE_UPDATE] = W_UPDATE,
    [KV_WRITE_UPDATE_MANY] = W_UPDATE_MANY,
    [KV_WRITE_UPDATE_RANDOM] = W_UPDATE_RANDOM,
    [KV_WRITE_UPDATE_EACH] = W_UPDATE_EACH,
  };
  LmdbBackend *self = (LmdbBackend *) backend;
  LmdbWriteOp *op = g_new0 (LmdbWriteOp, 1);

  op->kind = kinds[write->kind];
  op->keys = write->keys;
  op->values = write->values;
  op->n = write->n;
  op->func = write->func;
  op->decide = write->decide;
  op->user_data = write->user_data;
  op->prefix = write->prefix;
  op->now_ms = write->now_ms;
  op->indexed = write->indexed;
  op->submitted = write;
  pthread_mutex_lock (&self->queue_lock);
  g_queue_push_tail (&self->queue, op);
  pthread_cond_signal (&self->queue_cond);
  pthread_mutex_unlock (&self->queue_lock);
}
