/* kv-store-claims-refs.c — release, complete and renew: one ref, or a batch in one write.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-json-private.h"
#include "kv-result-private.h"
#include "kv-store-claims-private.h"
#include "kv-store-private.h"
#include "kv-value-private.h"

static const char *
ref_problem (const KvClaimRef *ref)
{
  if (ref == NULL || ref->id == NULL || *ref->id == '\0')
    return "claim id must be a non-empty string";
  if (ref->key == NULL || *ref->key == '\0')
    return "claim key must be a non-empty string";
  if (ref->token == 0)
    return "claim token must be a positive integer";
  return _kv_key_problem (ref->key);
}

typedef enum
{
  REF_RELEASE,
  REF_COMPLETE,
  REF_RENEW,
} RefOp;

typedef struct
{
  const KvClaimRef *ref;
  RefOp op;
  gboolean delete_key;
  gint64 now;
  gint64 ttl_ms;
  gboolean done;
} RefCtx;

static gboolean
ref_cb (KvUpdate *u, gpointer data, GError **error)
{
  RefCtx *c = data;

  c->done = FALSE;
  /* Only the live claim with this exact id and token may be changed. */
  if (u->current == NULL || !_kv_claims_is_live (u->claim, c->now) ||
      u->claim->token != c->ref->token || strcmp (u->claim->id, c->ref->id) != 0)
    return TRUE;
  switch (c->op)
    {
    case REF_RELEASE:
      u->set_claim = TRUE; /* new_claim NULL: drop it */
      break;
    case REF_COMPLETE:
      if (c->delete_key)
        u->action = KV_UPDATE_DELETE;
      else
        u->set_claim = TRUE;
      break;
    case REF_RENEW:
      u->set_claim = TRUE;
      u->new_claim = _kv_claim_record_copy (u->claim);
      u->new_claim->expires_at_ms = c->now + c->ttl_ms;
      break;
    }
  c->done = TRUE;
  return TRUE;
}

/* ---- Release, complete, renew ------------------------------------------------------------- */

/* releaseClaims, completeClaims, renewClaims: one write, each ref on its own
 * (a key may come twice: each sees the one before). */
typedef struct
{
  RefCtx ref_ctx;
  KvClaimRef *refs; /* copies: ids in ids, keys in keys */
  GStrv ids, keys;
  guint64 done;
  GPtrArray *failed; /* KvItemError */
  GPtrArray *items;  /* the item errors of a refused batch */
} RefBatchCtx;

static void
ref_batch_ctx_clear (gpointer data)
{
  RefBatchCtx *c = data;

  g_free (c->refs);
  g_strfreev (c->ids);
  g_strfreev (c->keys);
  g_clear_pointer (&c->failed, g_ptr_array_unref);
  g_clear_pointer (&c->items, g_ptr_array_unref);
}

static gboolean
ref_each_cb (KvUpdate *u, gpointer data, GError **error)
{
  static const char *const verbs[] = { "released", "completed", "renewed" };
  RefBatchCtx *c = data;
  const KvClaimRef *ref = &c->refs[u->index];
  g_autofree char *message = NULL;
  KvItemError *item;

  if (u->index == 0)
    {
      c->done = 0; /* a (re)run starts here */
      g_ptr_array_set_size (c->failed, 0);
    }
  c->ref_ctx.ref = ref;
  if (!ref_cb (u, &c->ref_ctx, error))
    return FALSE;
  if (c->ref_ctx.done)
    {
      c->done++;
      return TRUE;
    }
  message = g_strdup_printf ("claim %s on key \"%.200s\" was not %s: it is not the live claim "
                             "(expired, released, completed or replaced)",
                             ref->id, ref->key, verbs[c->ref_ctx.op]);
  item = _kv_item_error_new (u->index, ref->key, "ClaimNotUpdated", message);
  item->id = g_strdup (ref->id);
  g_ptr_array_add (c->failed, item);
  return TRUE;
}

static KvResult *
ref_batch_start (KvStore *store, const KvClaimRef *refs, gsize n, RefOp op, gboolean delete_key,
                 gint64 ttl_ms, KvResultFunc callback, gpointer user_data)
{
  KvResult *result = _kv_result_new (KV_RESULT_CLAIM_REFS, sizeof (RefBatchCtx),
                                     ref_batch_ctx_clear, callback, user_data);
  RefBatchCtx *ctx = result->ctx;
  GPtrArray *items = NULL;

  ctx->ref_ctx = (RefCtx){ .op = op, .delete_key = delete_key, .now = _kv_claims_now_ms () };
  ctx->failed = g_ptr_array_new_with_free_func ((GDestroyNotify) kv_item_error_free);
  if (op == REF_RENEW && !_kv_claims_resolve_ttl (ttl_ms, &ctx->ref_ctx.ttl_ms, &result->error))
    goto done;
  for (gsize i = 0; i < n; i++)
    {
      const char *problem = ref_problem (&refs[i]);
      if (problem)
        _kv_item_errors_add (&items, i, refs[i].key, "InvalidEntries", problem);
    }
  if (items)
    {
      _kv_fail_with_items (items, &ctx->items, "claim refs", &result->error);
      goto done;
    }
  if (!_kv_result_begin (result, store, NULL, TRUE) || n == 0)
    goto done;
  ctx->refs = g_new (KvClaimRef, n);
  ctx->ids = g_new0 (char *, n + 1);
  ctx->keys = g_new0 (char *, n + 1);
  for (gsize i = 0; i < n; i++)
    {
      ctx->ids[i] = g_strdup (refs[i].id);
      ctx->keys[i] = g_strdup (refs[i].key);
      ctx->refs[i] = (KvClaimRef){ .id = ctx->ids[i], .key = ctx->keys[i], .token = refs[i].token };
    }
  result->write.kind = KV_WRITE_UPDATE_EACH;
  result->write.keys = (const char *const *) ctx->keys;
  result->write.n = n;
  result->write.func = ref_each_cb;
  result->write.user_data = ctx;
  _kv_result_run (result);
  return result;
done:
  _kv_result_complete (result);
  return result;
}

static gboolean
ref_batch_finish (KvResult *result, guint64 *out_done, GPtrArray **out_failed, GError **error)
{
  RefBatchCtx *ctx = result->ctx;

  if (!_kv_result_check (result, KV_RESULT_CLAIM_REFS, error))
    {
      if (out_failed && ctx->items)
        *out_failed = g_ptr_array_ref (ctx->items);
      return FALSE;
    }
  if (out_done)
    *out_done = ctx->done;
  if (out_failed)
    {
      *out_failed = g_ptr_array_new_full (ctx->failed->len, (GDestroyNotify) kv_item_error_free);
      for (guint i = 0; i < ctx->failed->len; i++)
        g_ptr_array_add (*out_failed, kv_item_error_copy (ctx->failed->pdata[i]));
    }
  return TRUE;
}

static gboolean
ref_batch (KvStore *store, const KvClaimRef *refs, gsize n, RefOp op, gboolean delete_key,
           gint64 ttl_ms, guint64 *out_done, GPtrArray **out_failed, GError **error)
{
  g_autoptr (KvResult) result = NULL;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  g_return_val_if_fail (refs != NULL || n == 0, FALSE);
  result = ref_batch_start (store, refs, n, op, delete_key, ttl_ms, NULL, NULL);
  _kv_result_wait (result);
  return ref_batch_finish (result, out_done, out_failed, error);
}

/* A single release, complete or renew: one update, so it can be submitted. */
typedef struct
{
  RefCtx ref_ctx;
  KvClaimRef ref; /* key: the result's copy; id: ours */
  char *id;
} RefSingleCtx;

static void
ref_single_ctx_clear (gpointer data)
{
  g_free (((RefSingleCtx *) data)->id);
}

static KvResult *
ref_single_start (KvStore *store, const KvClaimRef *ref, RefOp op, gboolean delete_key,
                  gint64 ttl_ms, KvResultFunc callback, gpointer user_data)
{
  KvResult *result = _kv_result_new (KV_RESULT_CLAIM_REF, sizeof (RefSingleCtx),
                                     ref_single_ctx_clear, callback, user_data);
  RefSingleCtx *ctx = result->ctx;
  const char *problem = ref_problem (ref);

  ctx->ref_ctx = (RefCtx){ .op = op, .delete_key = delete_key, .now = _kv_claims_now_ms () };
  if (op == REF_RENEW && !_kv_claims_resolve_ttl (ttl_ms, &ctx->ref_ctx.ttl_ms, &result->error))
    goto fail;
  if (problem)
    {
      GPtrArray *items = NULL;
      _kv_item_errors_add (&items, 0, ref ? ref->key : NULL, "InvalidEntries", problem);
      _kv_fail_with_items (items, NULL, "claim refs", &result->error);
      goto fail;
    }
  if (!_kv_result_begin (result, store, ref->key, TRUE))
    goto fail;
  ctx->id = g_strdup (ref->id);
  ctx->ref = (KvClaimRef){ .id = ctx->id, .key = result->key, .token = ref->token };
  ctx->ref_ctx.ref = &ctx->ref;
  result->write.kind = KV_WRITE_UPDATE;
  result->write.func = ref_cb;
  result->write.user_data = &ctx->ref_ctx;
  _kv_result_run (result);
  return result;
fail:
  _kv_result_complete (result);
  return result;
}

/* One _finish serves the three: each reports whether the ref was the live claim. */
static gboolean
ref_single_finish (KvResult *result, gboolean *out_done, GError **error)
{
  if (!_kv_result_check (result, KV_RESULT_CLAIM_REF, error))
    return FALSE;
  if (out_done)
    *out_done = ((RefSingleCtx *) result->ctx)->ref_ctx.done;
  return TRUE;
}

static gboolean
ref_single (KvStore *store, const KvClaimRef *ref, RefOp op, gboolean delete_key, gint64 ttl_ms,
            gboolean *out_done, GError **error)
{
  g_autoptr (KvResult) result = NULL;

  g_return_val_if_fail (ref != NULL, FALSE);
  result = ref_single_start (store, ref, op, delete_key, ttl_ms, NULL, NULL);
  _kv_result_wait (result);
  return ref_single_finish (result, out_done, error);
}

gboolean
kv_store_release_claim (KvStore *store, const KvClaimRef *ref, gboolean *out_released,
                        GError **error)
{
  return ref_single (store, ref, REF_RELEASE, FALSE, 0, out_released, error);
}

gboolean
kv_store_complete_claim (KvStore *store, const KvClaimRef *ref, gboolean delete_key,
                         gboolean *out_completed, GError **error)
{
  return ref_single (store, ref, REF_COMPLETE, delete_key, 0, out_completed, error);
}

gboolean
kv_store_renew_claim (KvStore *store, const KvClaimRef *ref, gint64 ttl_ms, gboolean *out_renewed,
                      GError **error)
{
  return ref_single (store, ref, REF_RENEW, FALSE, ttl_ms, out_renewed, error);
}

void
kv_store_release_claim_submit (KvStore *store, const KvClaimRef *ref, KvResultFunc callback,
                               gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (ref_single_start (store, ref, REF_RELEASE, FALSE, 0, callback, user_data));
}

void
kv_store_complete_claim_submit (KvStore *store, const KvClaimRef *ref, gboolean delete_key,
                                KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (ref_single_start (store, ref, REF_COMPLETE, delete_key, 0, callback, user_data));
}

void
kv_store_renew_claim_submit (KvStore *store, const KvClaimRef *ref, gint64 ttl_ms,
                             KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (ref_single_start (store, ref, REF_RENEW, FALSE, ttl_ms, callback, user_data));
}

gboolean
kv_store_release_claim_finish (KvResult *result, gboolean *out_released, GError **error)
{
  return ref_single_finish (result, out_released, error);
}

gboolean
kv_store_complete_claim_finish (KvResult *result, gboolean *out_completed, GError **error)
{
  return ref_single_finish (result, out_completed, error);
}

gboolean
kv_store_renew_claim_finish (KvResult *result, gboolean *out_renewed, GError **error)
{
  return ref_single_finish (result, out_renewed, error);
}

gboolean
kv_store_release_claims (KvStore *store, const KvClaimRef *refs, gsize n, guint64 *out_done,
                         GPtrArray **out_failed, GError **error)
{
  return ref_batch (store, refs, n, REF_RELEASE, FALSE, 0, out_done, out_failed, error);
}

gboolean
kv_store_complete_claims (KvStore *store, const KvClaimRef *refs, gsize n, gboolean delete_key,
                          guint64 *out_done, GPtrArray **out_failed, GError **error)
{
  return ref_batch (store, refs, n, REF_COMPLETE, delete_key, 0, out_done, out_failed, error);
}

gboolean
kv_store_renew_claims (KvStore *store, const KvClaimRef *refs, gsize n, gint64 ttl_ms,
                       guint64 *out_done, GPtrArray **out_failed, GError **error)
{
  return ref_batch (store, refs, n, REF_RENEW, FALSE, ttl_ms, out_done, out_failed, error);
}

void
kv_store_release_claims_submit (KvStore *store, const KvClaimRef *refs, gsize n,
                                KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  g_return_if_fail (refs != NULL || n == 0);
  kv_result_unref (ref_batch_start (store, refs, n, REF_RELEASE, FALSE, 0, callback, user_data));
}

gboolean
kv_store_release_claims_finish (KvResult *result, guint64 *out_released, GPtrArray **out_failed,
                                GError **error)
{
  return ref_batch_finish (result, out_released, out_failed, error);
}

void
kv_store_complete_claims_submit (KvStore *store, const KvClaimRef *refs, gsize n,
                                 gboolean delete_key, KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  g_return_if_fail (refs != NULL || n == 0);
  kv_result_unref (
      ref_batch_start (store, refs, n, REF_COMPLETE, delete_key, 0, callback, user_data));
}

gboolean
kv_store_complete_claims_finish (KvResult *result, guint64 *out_completed, GPtrArray **out_failed,
                                 GError **error)
{
  return ref_batch_finish (result, out_completed, out_failed, error);
}

void
kv_store_renew_claims_submit (KvStore *store, const KvClaimRef *refs, gsize n, gint64 ttl_ms,
                              KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  g_return_if_fail (refs != NULL || n == 0);
  kv_result_unref (ref_batch_start (store, refs, n, REF_RENEW, FALSE, ttl_ms, callback, user_data));
}

gboolean
kv_store_renew_claims_finish (KvResult *result, guint64 *out_renewed, GPtrArray **out_failed,
                              GError **error)
{
  return ref_batch_finish (result, out_renewed, out_failed, error);
}
