/* kv-backend-lmdb-write-ops.c — each kind of write, run inside the writer's batch transaction.
 *
 * Every function here runs on the writer thread with the batch's transaction
 * open; none commits. An update callback may run more than once, because
 * the writer re-runs a whole batch after growing the map.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-backend-lmdb-claimable-private.h"
#include "kv-backend-lmdb-write-op-private.h"
#include "kv-random-private.h"
#include "kv-value-private.h"

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

  *u = (KvUpdate){ .key = key, .index = index, .backend = &self->parent, .action = KV_UPDATE_KEEP };
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

int
_kv_lmdb_write_op_exec (LmdbBackend *self, MDB_txn *txn, LmdbWriteOp *op)
{
  switch (op->kind)
    {
    case W_PUT:
      return exec_put (self, txn, op);
    case W_REMOVE:
      return exec_remove (self, txn, op);
    case W_UPDATE:
    case W_UPDATE_MANY:
      return exec_update (self, txn, op);
    case W_UPDATE_RANDOM:
      return exec_update_random (self, txn, op);
    case W_UPDATE_EACH:
      return exec_update_each (self, txn, op);
    case W_CLEAR:
      return exec_clear (self, txn, op);
    case W_REPLACE_ALL:
      return exec_replace_all (self, txn, op);
    case W_STOP:
    default:
      return 0;
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
