/* kv-backend-random.c — KV_WRITE_UPDATE_RANDOM and _EACH for backends whose writes run on the caller's thread.
 *
 * The memory backend has no writer thread to choose inside, so the choice is
 * made the way any caller could: pick, then update() the pick with its key
 * locked. The callback decides again under the lock, so a key claimed by
 * someone else between the pick and the update only costs another pick.
 * (The disk backend chooses inside its write transaction: kv-backend-lmdb-writer.c.)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "kv-backend-private.h"
#include "kv-random-private.h"

typedef struct
{
  KvWrite *write;
  gsize calls; /* the index the callback sees */
  gboolean changed;
} Attempt;

static gboolean
attempt_cb (KvUpdate *u, gpointer data, GError **error)
{
  Attempt *a = data;
  gboolean ok;

  u->index = a->calls++;
  ok = a->write->func (u, a->write->user_data, error);
  a->changed = ok && _kv_update_changes (u);
  return ok;
}

/* Runs the write's callback on @key; FALSE on error. */
static gboolean
attempt (KvBackend *backend, Attempt *a, const char *key)
{
  a->changed = FALSE;
  if (!_kv_backend_update (backend, key, attempt_cb, a, &a->write->error))
    return FALSE;
  a->write->count += a->changed;
  return TRUE;
}

void
_kv_backend_update_random (KvBackend *backend, KvWrite *w)
{
  const KvBackendVTable *vt = backend->vtable;
  Attempt a = { w, 0, FALSE };
  g_autoptr (GPtrArray) claimable = NULL;
  g_autoptr (GArray) order = NULL;
  KvClaimCounts counts;

  w->count = 0;
  if (w->n == 1 && w->indexed)
    for (int i = 0; i < KV_RANDOM_PICK_ATTEMPTS; i++)
      {
        g_autoptr (GPtrArray) pick = g_ptr_array_new_with_free_func (g_free);
        if (!vt->random_keys (backend, w->prefix, 1, TRUE, pick, &w->error))
          return;
        if (pick->len == 0)
          return; /* no key has the prefix at all */
        if (!attempt (backend, &a, pick->pdata[0]))
          return;
        if (w->count == 1)
          return;
      }

  /* Every key without a live claim, tried in random order: uniform among the
   * claimable keys, and a lost race only costs one more candidate. */
  claimable = g_ptr_array_new_with_free_func (g_free);
  if (!vt->claim_scan (backend, w->prefix, w->now_ms, claimable, &counts, &w->error))
    return;
  order = _kv_random_ranks (claimable->len, claimable->len, TRUE);
  for (guint i = 0; i < order->len && w->count < w->n; i++)
    if (!attempt (backend, &a, claimable->pdata[g_array_index (order, guint64, i)]))
      return;
}

static gboolean
each_cb (KvUpdate *u, gpointer data, GError **error)
{
  Attempt *a = data;

  u->index = a->calls;
  return a->write->func (u, a->write->user_data, error);
}

void
_kv_backend_update_each (KvBackend *backend, KvWrite *w)
{
  Attempt a = { w, 0, FALSE };

  for (a.calls = 0; a.calls < w->n; a.calls++)
    if (!_kv_backend_update (backend, w->keys[a.calls], each_cb, &a, &w->error))
      return;
}
