/* kv-backend-lmdb-writer.c — group commit: one thread turns queued writes into few, durable transactions.
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

#include "kv-backend-lmdb-claimable-private.h"
#include "kv-backend-lmdb-private.h"
#include "kv-random-private.h"
#include "kv-value-private.h"

/* Bounded so one batch never holds callers for long nor dirties too many
 * pages. LIBKV_LMDB_BATCH_MAX overrides it (1 turns group commit off), for
 * benchmarks that compare the two. */
#define DEFAULT_MAX_BATCH 512
#define MAX_GROW_ATTEMPTS 12

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

/* Set on writer threads: see _kv_on_backend_thread(). */
static __thread gboolean on_writer_thread;

gboolean
_kv_on_backend_thread (void)
{
  return on_writer_thread;
}


static void
note (LmdbWriteOp *op, LmdbBackend *self, const char *key, gboolean present)
{
  if (!self->track_keys)
    return;
  if (op->index_delta == NULL)
    op->index_delta = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (op->index_delta, g_strconcat (present ? "+" : "-", key, NULL));
}

/* ---- One operation inside the batch transaction ---------------------------------------- */

/* LMDB errors come back as rc; a callback's own failure as op->error with rc 0. */
static int
exec_put (LmdbBackend *self, MDB_txn *txn, LmdbWriteOp *op)
{
  for (gsize i = 0; i < op->n; i++)
    {
      gsize vlen;
      const char *vdata = g_bytes_get_data (op->values[i], &vlen);
      MDB_val k = _kv_lmdb_str (op->keys[i]), v = _kv_lmdb_val (vdata, vlen);
      int rc = mdb_put (txn, self->dbi_data, &k, &v, 0);
      if (rc != 0)
        return rc;
      self->wrote = TRUE;
      note (op, self, op->keys[i], TRUE);
    }
  return 0;
}

static int
delete_key (LmdbBackend *self, MDB_txn *txn, const char *key, gboolean *existed)
{
  MDB_val k = _kv_lmdb_str (key);
  int rc = mdb_del (txn, self->dbi_data, &k, NULL);

  *existed = rc == 0;
  if (rc != 0 && rc != MDB_NOTFOUND)
    return rc;
  self->wrote |= *existed;
  /* No key, no claim: its record goes with it. */
  rc = mdb_del (txn, self->dbi_claims, &k, NULL);
  self->wrote |= rc == 0;
  return rc == MDB_NOTFOUND ? 0 : rc;
}

static int
exec_remove (LmdbBackend *self, MDB_txn *txn, LmdbWriteOp *op)
{
  op->count = 0;
  for (gsize i = 0; i < op->n; i++)
    {
      gboolean existed = FALSE;
      int rc = delete_key (self, txn, op->keys[i], &existed);
      if (rc != 0)
        return rc;
      op->count += existed;
      if (existed)
        note (op, self, op->keys[i], FALSE);
    }
  return 0;
}

/* Reads a key's value and claim into @u (copies: callbacks may keep references). */
static int
prepare_update (LmdbBackend *self, MDB_txn *txn, const char *key, gsize index, KvUpdate *u)
{
  MDB_val k = _kv_lmdb_str (key), v;
  int rc = mdb_get (txn, self->dbi_data, &k, &v);

  *u = (KvUpdate){ .key = key, .index = index, .backend = &self->parent,
                   .action = KV_UPDATE_KEEP };
  if (rc == 0)
    u->current = _kv_bytes_new (v.mv_data, v.mv_size);
  else if (rc != MDB_NOTFOUND)
    return rc;
  u->claim = _kv_lmdb_get_claim (self, txn, &k);
  return 0;
}

static void
update_clear (KvUpdate *u)
{
  g_clear_pointer (&u->current, g_bytes_unref);
  g_clear_pointer ((KvClaimRecord **) &u->claim, _kv_claim_record_free);
  g_clear_pointer (&u->replacement, g_bytes_unref);
  g_clear_pointer (&u->new_claim, _kv_claim_record_free);
}

static int
apply_update (LmdbBackend *self, MDB_txn *txn, LmdbWriteOp *op, KvUpdate *u)
{
  MDB_val k = _kv_lmdb_str (u->key);
  gboolean exists = u->current != NULL;
  int rc = 0;

  if (u->action == KV_UPDATE_PUT)
    {
      gsize len;
      const char *data = g_bytes_get_data (u->replacement, &len);
      MDB_val v = _kv_lmdb_val (data, len);
      rc = mdb_put (txn, self->dbi_data, &k, &v, 0);
      exists = TRUE;
      if (rc == 0)
        {
          self->wrote = TRUE;
          note (op, self, u->key, TRUE);
        }
    }
  else if (u->action == KV_UPDATE_DELETE)
    {
      gboolean existed;
      rc = delete_key (self, txn, u->key, &existed);
      exists = FALSE;
      if (rc == 0 && existed)
        note (op, self, u->key, FALSE);
    }
  if (rc == 0 && u->set_claim && exists)
    {
      if (u->new_claim)
        {
          g_autoptr (GBytes) enc = _kv_claim_record_encode (u->new_claim);
          gsize len;
          const char *data = g_bytes_get_data (enc, &len);
          MDB_val v = _kv_lmdb_val (data, len);
          rc = mdb_put (txn, self->dbi_claims, &k, &v, 0);
          self->wrote |= rc == 0;
        }
      else
        {
          rc = mdb_del (txn, self->dbi_claims, &k, NULL);
          self->wrote |= rc == 0;
          if (rc == MDB_NOTFOUND)
            rc = 0;
        }
    }
  return rc;
}

static int
exec_update (LmdbBackend *self, MDB_txn *txn, LmdbWriteOp *op)
{
  g_autofree KvUpdate *updates = g_new0 (KvUpdate, op->n);
  gboolean ok = TRUE;
  int rc = 0;

  for (gsize i = 0; i < op->n && ok && rc == 0; i++)
    {
      rc = prepare_update (self, txn, op->keys[i], op->kind == W_UPDATE_MANY ? i : 0, &updates[i]);
      if (rc == 0)
        ok = op->func (&updates[i], op->user_data, &op->error);
      /* A token allocated inside the callback may have hit an LMDB error. */
      if (rc == 0 && self->wtxn_error)
        rc = self->wtxn_error;
    }
  if (rc == 0 && ok && (op->decide == NULL || op->decide (op->user_data)))
    {
      rc = self->wtxn_error; /* decide() may allocate claim tokens */
      for (gsize i = 0; i < op->n && rc == 0; i++)
        rc = apply_update (self, txn, op, &updates[i]);
    }
  for (gsize i = 0; i < op->n; i++)
    update_clear (&updates[i]);
  return rc;
}

/* One update per key, in order, each applied before the next key is read:
 * keys may repeat and see each other's effects. A callback that refuses
 * comes after the keys before it were changed; the op's nested transaction
 * rolls them back (without one, writeMap, they stay: such callbacks only
 * refuse on LMDB errors, which abort the whole batch anyway). */
static int
exec_update_each (LmdbBackend *self, MDB_txn *txn, LmdbWriteOp *op)
{
  int rc = 0;

  for (gsize i = 0; i < op->n && rc == 0 && op->error == NULL; i++)
    {
      KvUpdate u;
      rc = prepare_update (self, txn, op->keys[i], i, &u);
      if (rc == 0 && op->func (&u, op->user_data, &op->error) && (rc = self->wtxn_error) == 0)
        rc = apply_update (self, txn, op, &u);
      update_clear (&u);
    }
  return rc;
}

/* ---- Updates of keys chosen at random ------------------------------------------------------- */


/* Runs op->func on @key as the @index-th call of this run; *changed tells
 * whether it changed the key. LMDB errors as rc, the callback's as op->error. */
static int
update_chosen (LmdbBackend *self, MDB_txn *txn, LmdbWriteOp *op, const char *key, gsize index,
               gboolean *changed)
{
  KvUpdate u;
  int rc = prepare_update (self, txn, key, index, &u);

  *changed = FALSE;
  if (rc == 0 && !op->func (&u, op->user_data, &op->error))
    rc = -1;
  else if (rc == 0 && (rc = self->wtxn_error) == 0)
    {
      *changed = _kv_update_changes (&u);
      rc = apply_update (self, txn, op, &u);
    }
  update_clear (&u);
  return rc == -1 ? 0 : rc;
}

/* A uniform pick among the indexed keys with op->prefix, as a copy; NULL
 * with *none when no key has it, NULL without when the index is not as of
 * this transaction's start (another process wrote since) or is being
 * rebuilt: then the caller walks the store instead. */
static char *
pick_indexed (LmdbBackend *self, MDB_txn *txn, const char *prefix, gboolean *none)
{
  char *key = NULL;
  gint begin, end;

  *none = FALSE;
  /* Only a try: this thread holds resize_lock (for its transaction), and a
   * reader rebuilding the index takes the two the other way round. While a
   * rebuild holds the index, the walk chooses instead. */
  if (!g_rw_lock_reader_trylock (&self->index_lock))
    return NULL;
  if (self->index_txnid != 0 && self->index_txnid + 1 == mdb_txn_id (txn))
    {
      _kv_key_index_prefix_range (self->index, prefix, &begin, &end);
      if (end > begin)
        key = g_strdup (_kv_key_index_get (
          self->index, begin + (gint) _kv_random_below ((guint64) (end - begin))));
      else
        *none = TRUE;
    }
  g_rw_lock_reader_unlock (&self->index_lock);
  return key;
}

/* Reservoir sampling (Algorithm R) of op->n claimable keys in one pass. */
typedef struct
{
  GPtrArray *chosen; /* char * */
  guint64 seen;
  gsize want;
} Reservoir;

static gboolean
sample_claimable (const MDB_val *k, gpointer data)
{
  Reservoir *r = data;
  guint64 slot = r->seen < r->want ? r->seen : _kv_random_below (r->seen + 1);

  if (slot < r->want)
    {
      char *key = g_strndup (k->mv_data, k->mv_size);
      if (slot < r->chosen->len)
        {
          g_free (r->chosen->pdata[slot]);
          r->chosen->pdata[slot] = key;
        }
      else
        g_ptr_array_add (r->chosen, key);
    }
  r->seen++;
  return TRUE;
}

static int
exec_update_random (LmdbBackend *self, MDB_txn *txn, LmdbWriteOp *op)
{
  g_autoptr (GPtrArray) chosen = g_ptr_array_new_with_free_func (g_free);
  Reservoir r = { chosen, 0, op->n };
  gsize calls = 0;
  gboolean changed;
  int rc;

  op->count = 0;
  /* Tracked keys: a few O(log n) picks usually find an unclaimed key; the
   * transaction is the writer's, so what the callback sees stays true. */
  if (op->indexed && op->n == 1)
    for (int attempt = 0; attempt < KV_RANDOM_PICK_ATTEMPTS; attempt++)
      {
        gboolean none;
        g_autofree char *key = pick_indexed (self, txn, op->prefix, &none);
        if (key == NULL && none)
          return 0;
        if (key == NULL)
          break;
        rc = update_chosen (self, txn, op, key, calls++, &changed);
        if (rc != 0 || op->error)
          return rc;
        if (changed)
          {
            op->count = 1;
            return 0;
          }
      }

  /* Otherwise one pass over the prefix samples op->n keys uniformly among
   * those without a live claim in this transaction, and each is changed. */
  rc = _kv_lmdb_walk_claimable (self, txn, op->prefix, op->now_ms, sample_claimable, &r, NULL);
  if (rc != 0)
    return rc;
  /* The reservoir's order is not random when fewer than n were seen; shuffle. */
  for (guint i = chosen->len; i > 1; i--)
    {
      guint j = (guint) _kv_random_below (i);
      gpointer t = chosen->pdata[i - 1];
      chosen->pdata[i - 1] = chosen->pdata[j];
      chosen->pdata[j] = t;
    }
  /* Every callback runs before anything is written, so one that refuses
   * leaves the store as it was even without nested transactions (writeMap). */
  {
    g_autofree KvUpdate *updates = g_new0 (KvUpdate, MAX (chosen->len, 1));
    for (guint i = 0; i < chosen->len && rc == 0 && op->error == NULL; i++)
      {
        rc = prepare_update (self, txn, chosen->pdata[i], calls++, &updates[i]);
        if (rc == 0 && op->func (&updates[i], op->user_data, &op->error))
          rc = self->wtxn_error;
      }
    for (guint i = 0; i < chosen->len && rc == 0 && op->error == NULL; i++)
      {
        op->count += _kv_update_changes (&updates[i]);
        rc = apply_update (self, txn, op, &updates[i]);
      }
    for (guint i = 0; i < chosen->len; i++)
      update_clear (&updates[i]);
  }
  return rc;
}

static int
exec_clear (LmdbBackend *self, MDB_txn *txn, LmdbWriteOp *op)
{
  int rc = mdb_drop (txn, self->dbi_data, 0);

  if (rc == 0)
    rc = mdb_drop (txn, self->dbi_claims, 0);
  self->wrote |= rc == 0;
  if (rc == 0 && self->track_keys)
    {
      if (op->index_delta == NULL)
        op->index_delta = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (op->index_delta, g_strdup ("*")); /* everything gone */
    }
  return rc;
}

static int
exec_replace_all (LmdbBackend *self, MDB_txn *txn, LmdbWriteOp *op)
{
  const char *key;
  GBytes *value;
  int rc = mdb_drop (txn, self->dbi_data, 0);

  if (rc == 0)
    rc = mdb_drop (txn, self->dbi_claims, 0);
  op->source->rewind (op->source->self);
  while (rc == 0 && op->source->next (op->source->self, &key, &value, &op->error))
    {
      gsize len;
      const char *data = g_bytes_get_data (value, &len);
      MDB_val k = _kv_lmdb_str (key), v = _kv_lmdb_val (data, len);
      rc = mdb_put (txn, self->dbi_data, &k, &v, 0);
      g_bytes_unref (value);
    }
  self->wrote |= rc == 0 && op->error == NULL;
  if (rc == 0 && op->error == NULL && self->track_keys)
    {
      /* Too many changes to replay: the index rebuilds from the store on next use. */
      if (op->index_delta == NULL)
        op->index_delta = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (op->index_delta, g_strdup ("!"));
    }
  return rc;
}

static int
exec_op (LmdbBackend *self, MDB_txn *txn, LmdbWriteOp *op)
{
  switch (op->kind)
    {
    case W_PUT: return exec_put (self, txn, op);
    case W_REMOVE: return exec_remove (self, txn, op);
    case W_UPDATE:
    case W_UPDATE_MANY: return exec_update (self, txn, op);
    case W_UPDATE_RANDOM: return exec_update_random (self, txn, op);
    case W_UPDATE_EACH: return exec_update_each (self, txn, op);
    case W_CLEAR: return exec_clear (self, txn, op);
    case W_REPLACE_ALL: return exec_replace_all (self, txn, op);
    case W_STOP:
    default: return 0;
    }
}

guint64
_kv_lmdb_next_claim_token (KvBackend *backend)
{
  LmdbBackend *self = (LmdbBackend *) backend;
  MDB_val k = _kv_lmdb_str (KV_LMDB_META_CLAIM_TOKEN), v;
  guint64 token = 0, be;
  int rc = mdb_get (self->wtxn, self->dbi_meta, &k, &v);

  if (rc == 0 && v.mv_size == 8)
    {
      memcpy (&be, v.mv_data, 8);
      token = GUINT64_FROM_BE (be);
    }
  token++;
  be = GUINT64_TO_BE (token);
  v = _kv_lmdb_val ((const char *) &be, 8);
  rc = mdb_put (self->wtxn, self->dbi_meta, &k, &v, 0);
  if (rc != 0)
    self->wtxn_error = rc;
  else
    self->wrote = TRUE;
  return token;
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
      rc = exec_op (self, child ? child : txn, op);
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
  LmdbWriteOp op = { .kind = W_UPDATE, .keys = &key, .n = 1, .func = func,
                     .user_data = user_data };
  return submit ((LmdbBackend *) backend, &op, error);
}

gboolean
_kv_lmdb_update_many (KvBackend *backend, const char *const *keys, gsize n, KvUpdateFunc func,
                      gboolean (*decide) (gpointer user_data), gpointer user_data,
                      GError **error)
{
  LmdbWriteOp op = { .kind = W_UPDATE_MANY, .keys = keys, .n = n, .func = func,
                     .decide = decide, .user_data = user_data };
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
