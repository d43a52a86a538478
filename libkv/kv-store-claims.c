/* kv-store-claims.c — claims, leases and pops, written once on the backend's update():
 * what every claim call shares, the claims on named keys and the statistics.
 *
 * Exclusivity comes from the backend: every decision "is this key claimable?"
 * and the grant that follows happen inside one update() with the key locked.
 * Choosing *which* key to try is the only part done outside the lock, so a
 * lost race just moves on to the next candidate.
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

gboolean
_kv_claims_check_owner (const char *owner, GError **error)
{
  if (owner == NULL)
    return TRUE;
  if (strlen (owner) > KV_CLAIM_MAX_OWNER_LENGTH || !g_utf8_validate (owner, -1, NULL))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                   "owner must be valid UTF-8 of at most %d bytes", KV_CLAIM_MAX_OWNER_LENGTH);
      return FALSE;
    }
  return TRUE;
}

gboolean
_kv_claims_resolve_ttl (gint64 ttl_ms, gint64 *out, GError **error)
{
  if (ttl_ms == 0)
    ttl_ms = KV_CLAIM_DEFAULT_TTL_MS;
  if (ttl_ms < 0 || ttl_ms > KV_CLAIM_MAX_TTL_MS)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                   "ttl must be a positive number of milliseconds up to %d (24 hours)",
                   KV_CLAIM_MAX_TTL_MS);
      return FALSE;
    }
  *out = ttl_ms;
  return TRUE;
}

/* ---- The callbacks ------------------------------------------------------------------------ */

void
_kv_grant_ctx_reset (KvGrantCtx *c)
{
  c->applied = c->missing = c->busy = FALSE;
  g_clear_pointer (&c->granted, kv_claim_free);
  g_clear_pointer (&c->popped, kv_entry_free);
}

gboolean
_kv_grant_claim_cb (KvUpdate *u, gpointer data, GError **error)
{
  KvGrantCtx *c = data;
  g_autofree char *id = NULL;
  KvClaimRecord *record;

  _kv_grant_ctx_reset (c);
  if (u->current == NULL)
    {
      c->missing = c->vetoed = TRUE;
      return TRUE;
    }
  if (_kv_claims_is_live (u->claim, c->now))
    {
      c->busy = c->vetoed = TRUE;
      return TRUE;
    }
  id = g_uuid_string_random ();
  record = _kv_claim_record_new (_kv_backend_next_claim_token (u->backend), id, c->owner,
                                 c->now + c->ttl_ms);
  c->granted = _kv_claim_new (u->key, record, u->current);
  c->applied = TRUE;
  u->set_claim = TRUE;
  u->new_claim = record;
  return TRUE;
}

gboolean
_kv_grant_pop_cb (KvUpdate *u, gpointer data, GError **error)
{
  KvGrantCtx *c = data;

  _kv_grant_ctx_reset (c);
  if (u->current == NULL || _kv_claims_is_live (u->claim, c->now))
    return TRUE;
  if (c->check_json)
    {
      gsize len;
      const char *text = g_bytes_get_data (u->current, &len);
      g_autoptr (GError) problem = NULL;
      /* A damaged or foreign file can hold such a value. Deleting it and then
       * failing to return it would lose it: refuse, and the write (with
       * every pop of it) changes nothing. */
      if (!_kv_json_check (text, len, &problem))
        {
          g_set_error (error, KV_ERROR, KV_ERROR_UNEXPECTED_STORE_OUTPUT,
                       "the value of key \"%s\" is not JSON, so it was not popped: %s", u->key,
                       problem->message);
          return FALSE;
        }
    }
  c->popped = _kv_entry_new (u->key, u->current);
  c->applied = TRUE;
  u->action = KV_UPDATE_DELETE;
  return TRUE;
}

/* ---- Copies for _finish functions (a result may be finished more than once) ---------------- */

gpointer
_kv_claims_copy_claim (gconstpointer claim, gpointer unused)
{
  return kv_claim_copy (claim);
}

gpointer
_kv_claims_copy_entry (gconstpointer entry, gpointer unused)
{
  return kv_entry_copy (entry);
}

/* A deep copy, so a result can be finished more than once. */
GPtrArray *
_kv_claims_ptr_array_copy (GPtrArray *from, GCopyFunc copy, GDestroyNotify free_item)
{
  GPtrArray *to = g_ptr_array_copy (from, copy, NULL);

  g_ptr_array_set_free_func (to, free_item);
  return to;
}

static gpointer
copy_string (gconstpointer str, gpointer unused)
{
  return g_strdup (str);
}

/* ---- Claims on named keys ----------------------------------------------------------------- */

/* claimKey: one update, so it can be submitted; the context owns its owner string. */
typedef struct
{
  KvGrantCtx grant;
  char *owner;
} ClaimKeyCtx;

static void
claim_key_ctx_clear (gpointer data)
{
  ClaimKeyCtx *ctx = data;

  _kv_grant_ctx_reset (&ctx->grant);
  g_free (ctx->owner);
}

static KvResult *
claim_key_start (KvStore *store, const char *key, const char *owner, gint64 ttl_ms,
                 KvResultFunc callback, gpointer user_data)
{
  KvResult *result = _kv_result_new (KV_RESULT_CLAIM_KEY, sizeof (ClaimKeyCtx), claim_key_ctx_clear,
                                     callback, user_data);
  ClaimKeyCtx *ctx = result->ctx;

  ctx->grant.now = _kv_claims_now_ms ();
  if (!_kv_claims_check_owner (owner, &result->error) ||
      !_kv_claims_resolve_ttl (ttl_ms, &ctx->grant.ttl_ms, &result->error) ||
      !_kv_result_begin (result, store, key, TRUE))
    {
      _kv_result_complete (result);
      return result;
    }
  ctx->owner = g_strdup (owner);
  ctx->grant.owner = ctx->owner;
  result->write.kind = KV_WRITE_UPDATE;
  result->write.func = _kv_grant_claim_cb;
  result->write.user_data = &ctx->grant;
  _kv_result_run (result);
  return result;
}

void
kv_store_claim_key_submit (KvStore *store, const char *key, const char *owner, gint64 ttl_ms,
                           KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (claim_key_start (store, key, owner, ttl_ms, callback, user_data));
}

KvClaim *
kv_store_claim_key_finish (KvResult *result, GError **error)
{
  const KvClaim *granted;

  if (!_kv_result_check (result, KV_RESULT_CLAIM_KEY, error))
    return NULL;
  granted = ((ClaimKeyCtx *) result->ctx)->grant.granted;
  return granted ? kv_claim_copy (granted) : NULL;
}

KvClaim *
kv_store_claim_key (KvStore *store, const char *key, const char *owner, gint64 ttl_ms,
                    GError **error)
{
  g_autoptr (KvResult) result = claim_key_start (store, key, owner, ttl_ms, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_claim_key_finish (result, error);
}

/* A claim decided inside an allOrNothing batch, waiting for the verdict. */
typedef struct
{
  char *key;
  KvClaimRecord *record; /* borrowed: owned by the backend's pending update */
  GBytes *value;
} PendingGrant;

static void
pending_grant_clear (PendingGrant *p)
{
  g_free (p->key);
  g_clear_pointer (&p->value, g_bytes_unref);
}

typedef struct
{
  KvGrantCtx grant;
  char *owner;
  GStrv keys; /* copies; the write's keys */
  KvBackend *backend;
  GArray *pending; /* PendingGrant */
  GPtrArray *claimed, *busy, *missing;
  GPtrArray *items; /* the item errors of a refused batch */
} ClaimKeysCtx;

static void
claim_keys_ctx_clear (gpointer data)
{
  ClaimKeysCtx *c = data;

  _kv_grant_ctx_reset (&c->grant);
  g_free (c->owner);
  g_strfreev (c->keys);
  g_clear_pointer (&c->pending, g_array_unref);
  g_clear_pointer (&c->claimed, g_ptr_array_unref);
  g_clear_pointer (&c->busy, g_ptr_array_unref);
  g_clear_pointer (&c->missing, g_ptr_array_unref);
  g_clear_pointer (&c->items, g_ptr_array_unref);
}

static void
claim_keys_reset (ClaimKeysCtx *c)
{
  g_ptr_array_set_size (c->claimed, 0);
  g_ptr_array_set_size (c->busy, 0);
  g_ptr_array_set_size (c->missing, 0);
}

/* Without allOrNothing: each key claimed on its own, in one write. */
static gboolean
claim_each_cb (KvUpdate *u, gpointer data, GError **error)
{
  ClaimKeysCtx *c = data;

  if (u->index == 0)
    claim_keys_reset (c); /* a (re)run starts here */
  if (!_kv_grant_claim_cb (u, &c->grant, error))
    return FALSE;
  if (c->grant.missing)
    g_ptr_array_add (c->missing, g_strdup (u->key));
  else if (c->grant.busy)
    g_ptr_array_add (c->busy, g_strdup (u->key));
  else
    g_ptr_array_add (c->claimed, g_steal_pointer (&c->grant.granted));
  return TRUE;
}

/* For update_many (allOrNothing): every key of the batch, in order, all locked.
 * Claims get their tokens only in claim_keys_decide(), once the batch is
 * known to go through, so a refused batch uses up no token. */
static gboolean
claim_keys_cb (KvUpdate *u, gpointer data, GError **error)
{
  ClaimKeysCtx *c = data;
  g_autofree char *id = NULL;
  PendingGrant p;

  if (u->index == 0)
    {
      /* A (re)run of the whole batch starts here. */
      c->grant.vetoed = FALSE;
      c->backend = u->backend;
      g_array_set_size (c->pending, 0);
      claim_keys_reset (c);
    }
  if (u->current == NULL)
    {
      c->grant.vetoed = TRUE;
      g_ptr_array_add (c->missing, g_strdup (u->key));
      return TRUE;
    }
  if (_kv_claims_is_live (u->claim, c->grant.now))
    {
      c->grant.vetoed = TRUE;
      g_ptr_array_add (c->busy, g_strdup (u->key));
      return TRUE;
    }
  id = g_uuid_string_random ();
  u->set_claim = TRUE;
  u->new_claim = _kv_claim_record_new (0, id, c->grant.owner, c->grant.now + c->grant.ttl_ms);
  p = (PendingGrant){ g_strdup (u->key), u->new_claim, g_bytes_ref (u->current) };
  g_array_append_val (c->pending, p);
  return TRUE;
}

static gboolean
claim_keys_decide (gpointer data)
{
  ClaimKeysCtx *c = data;

  if (c->grant.vetoed)
    {
      g_array_set_size (c->pending, 0); /* nothing is applied, nothing is claimed */
      return FALSE;
    }
  for (guint i = 0; i < c->pending->len; i++)
    {
      PendingGrant *p = &g_array_index (c->pending, PendingGrant, i);
      p->record->token = _kv_backend_next_claim_token (c->backend);
      g_ptr_array_add (c->claimed, _kv_claim_new (p->key, p->record, p->value));
    }
  g_array_set_size (c->pending, 0);
  return TRUE;
}

static KvResult *
claim_keys_start (KvStore *store, const char *const *keys, gsize n, const char *owner,
                  gint64 ttl_ms, gboolean all_or_nothing, KvResultFunc callback, gpointer user_data)
{
  KvResult *result = _kv_result_new (KV_RESULT_CLAIM_KEYS, sizeof (ClaimKeysCtx),
                                     claim_keys_ctx_clear, callback, user_data);
  ClaimKeysCtx *ctx = result->ctx;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *items = NULL;

  ctx->grant.now = _kv_claims_now_ms ();
  ctx->claimed = g_ptr_array_new_with_free_func ((GDestroyNotify) kv_claim_free);
  ctx->busy = g_ptr_array_new_with_free_func (g_free);
  ctx->missing = g_ptr_array_new_with_free_func (g_free);
  if (!_kv_claims_check_owner (owner, &result->error) ||
      !_kv_claims_resolve_ttl (ttl_ms, &ctx->grant.ttl_ms, &result->error))
    goto done;
  for (gsize i = 0; i < n; i++)
    {
      const char *problem = _kv_key_problem (keys[i]);
      if (problem)
        _kv_item_errors_add (&items, i, keys[i],
                             keys[i] == NULL || *keys[i] == '\0' ? "EmptyKey" : "InvalidEntries",
                             problem);
      else if (!g_hash_table_add (seen, (gpointer) keys[i]))
        _kv_item_errors_add (&items, i, keys[i], "InvalidEntries", "key appears more than once");
    }
  if (items)
    {
      _kv_fail_with_items (items, &ctx->items, "claimKeys", &result->error);
      goto done;
    }
  if (!_kv_result_begin (result, store, NULL, TRUE))
    goto done;
  if (n == 0)
    goto done; /* nothing to claim: no write at all */
  ctx->owner = g_strdup (owner);
  ctx->grant.owner = ctx->owner;
  ctx->keys = g_new0 (char *, n + 1);
  for (gsize i = 0; i < n; i++)
    ctx->keys[i] = g_strdup (keys[i]);
  ctx->pending = g_array_new (FALSE, FALSE, sizeof (PendingGrant));
  g_array_set_clear_func (ctx->pending, (GDestroyNotify) pending_grant_clear);
  result->write.keys = (const char *const *) ctx->keys;
  result->write.n = n;
  result->write.user_data = ctx;
  if (all_or_nothing)
    {
      result->write.kind = KV_WRITE_UPDATE_MANY;
      result->write.func = claim_keys_cb;
      result->write.decide = claim_keys_decide;
    }
  else
    {
      result->write.kind = KV_WRITE_UPDATE_EACH;
      result->write.func = claim_each_cb;
    }
  _kv_result_run (result);
  return result;
done:
  _kv_result_complete (result);
  return result;
}

gboolean
kv_store_claim_keys_finish (KvResult *result, GPtrArray **out_claimed, GPtrArray **out_busy,
                            GPtrArray **out_missing, GPtrArray **item_errors, GError **error)
{
  ClaimKeysCtx *ctx;

  g_return_val_if_fail (out_claimed && out_busy && out_missing, FALSE);
  ctx = result->ctx;
  if (!_kv_result_check (result, KV_RESULT_CLAIM_KEYS, error))
    {
      if (item_errors && ctx->items)
        *item_errors = g_ptr_array_ref (ctx->items);
      return FALSE;
    }
  *out_claimed = _kv_claims_ptr_array_copy (ctx->claimed, _kv_claims_copy_claim,
                                            (GDestroyNotify) kv_claim_free);
  *out_busy = _kv_claims_ptr_array_copy (ctx->busy, copy_string, g_free);
  *out_missing = _kv_claims_ptr_array_copy (ctx->missing, copy_string, g_free);
  return TRUE;
}

void
kv_store_claim_keys_submit (KvStore *store, const char *const *keys, gsize n, const char *owner,
                            gint64 ttl_ms, gboolean all_or_nothing, KvResultFunc callback,
                            gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  g_return_if_fail (keys != NULL || n == 0);
  kv_result_unref (
      claim_keys_start (store, keys, n, owner, ttl_ms, all_or_nothing, callback, user_data));
}

gboolean
kv_store_claim_keys (KvStore *store, const char *const *keys, gsize n, const char *owner,
                     gint64 ttl_ms, gboolean all_or_nothing, GPtrArray **out_claimed,
                     GPtrArray **out_busy, GPtrArray **out_missing, GPtrArray **item_errors,
                     GError **error)
{
  g_autoptr (KvResult) result = NULL;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  g_return_val_if_fail (keys != NULL || n == 0, FALSE);
  g_return_val_if_fail (out_claimed && out_busy && out_missing, FALSE);
  result = claim_keys_start (store, keys, n, owner, ttl_ms, all_or_nothing, NULL, NULL);
  _kv_result_wait (result);
  return kv_store_claim_keys_finish (result, out_claimed, out_busy, out_missing, item_errors,
                                     error);
}

/* ---- Statistics --------------------------------------------------------------------------- */

gboolean
kv_store_allocation_stats (KvStore *store, const char *prefix, KvAllocationStats *out_stats,
                           GError **error)
{
  KvClaimCounts counts;
  KvCore *core;
  gboolean ok;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  g_return_val_if_fail (out_stats != NULL, FALSE);
  if (!_kv_prefix_validate (prefix, FALSE, error))
    return FALSE;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  ok = _kv_backend_claim_scan (core->backend, prefix, _kv_claims_now_ms (), NULL, &counts, error);
  _kv_core_release (core);
  if (!ok)
    return FALSE;
  out_stats->total = counts.total;
  out_stats->claimed_live = counts.live;
  out_stats->claimed_expired = counts.expired;
  out_stats->claimable = counts.total - counts.live;
  return TRUE;
}

static gint
compare_claim_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (kv_claim_get_key (*(KvClaim *const *) a),
                 kv_claim_get_key (*(KvClaim *const *) b));
}

GPtrArray *
kv_store_list_claims (KvStore *store, const char *prefix, gboolean include_expired, GError **error)
{
  GPtrArray *out;
  gint64 now = _kv_claims_now_ms ();
  KvCore *core;

  g_return_val_if_fail (KV_IS_STORE (store), NULL);
  if (!_kv_prefix_validate (prefix, FALSE, error))
    return NULL;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) kv_claim_free);
  if (!_kv_backend_list_claims (core->backend, prefix, out, error))
    g_clear_pointer (&out, g_ptr_array_unref);
  _kv_core_release (core);
  if (out == NULL)
    return NULL;
  if (!include_expired)
    for (guint i = out->len; i-- > 0;)
      if (kv_claim_get_expires_at (out->pdata[i]) <= now)
        g_ptr_array_remove_index (out, i);
  g_ptr_array_sort (out, compare_claim_keys);
  return out;
}
