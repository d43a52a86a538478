/* kv-store-claims.c — claims, leases and pops, written once on the backend's update().
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

#include "kv-claim-private.h"
#include "kv-json-private.h"
#include "kv-result-private.h"
#include "kv-store-private.h"
#include "kv-value-private.h"

static gint64
now_ms (void)
{
  /* Wall clock: expiresAt is a timestamp scripts compare with Date.now(). */
  return g_get_real_time () / 1000;
}

static gboolean
check_owner (const char *owner, GError **error)
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

static gboolean
resolve_ttl (gint64 ttl_ms, gint64 *out, GError **error)
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

static gboolean
claim_is_live (const KvClaimRecord *claim, gint64 now)
{
  return claim != NULL && claim->expires_at_ms > now;
}

/* ---- The callbacks ------------------------------------------------------------------------ */

typedef struct
{
  gint64 now;
  /* claim: */
  const char *owner;
  gint64 ttl_ms;
  /* outcomes of the last update: */
  gboolean applied;
  gboolean missing;
  gboolean busy;
  KvClaim *granted;
  KvEntry *popped;
  /* claimKeys with allOrNothing: any key missing or busy vetoes the batch. */
  gboolean vetoed;
  /* pop: refuse a stored value that is not JSON rather than delete it. */
  gboolean check_json;
} GrantCtx;

/* Clears the outcome of the last update, including one from an earlier run
 * of the same callback (see KvUpdateFunc). */
static void
grant_ctx_reset (GrantCtx *c)
{
  c->applied = c->missing = c->busy = FALSE;
  g_clear_pointer (&c->granted, kv_claim_free);
  g_clear_pointer (&c->popped, kv_entry_free);
}

static gboolean
claim_cb (KvUpdate *u, gpointer data, GError **error)
{
  GrantCtx *c = data;
  g_autofree char *id = NULL;
  KvClaimRecord *record;

  grant_ctx_reset (c);
  if (u->current == NULL)
    {
      c->missing = c->vetoed = TRUE;
      return TRUE;
    }
  if (claim_is_live (u->claim, c->now))
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

static gboolean
pop_cb (KvUpdate *u, gpointer data, GError **error)
{
  GrantCtx *c = data;

  grant_ctx_reset (c);
  if (u->current == NULL || claim_is_live (u->claim, c->now))
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
  c->popped = kv_entry_new (u->key, u->current);
  c->applied = TRUE;
  u->action = KV_UPDATE_DELETE;
  return TRUE;
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
  if (u->current == NULL || !claim_is_live (u->claim, c->now) || u->claim->token != c->ref->token ||
      strcmp (u->claim->id, c->ref->id) != 0)
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

/* ---- Copies for _finish functions (a result may be finished more than once) ---------------- */

static gpointer
copy_claim (gconstpointer claim, gpointer unused)
{
  return kv_claim_copy (claim);
}

static gpointer
copy_entry (gconstpointer entry, gpointer unused)
{
  return kv_entry_copy (entry);
}

static gpointer
copy_string (gconstpointer str, gpointer unused)
{
  return g_strdup (str);
}

/* A deep copy, so a result can be finished more than once. */
static GPtrArray *
ptr_array_copy (GPtrArray *from, GCopyFunc copy, GDestroyNotify free_item)
{
  GPtrArray *to = g_ptr_array_copy (from, copy, NULL);

  g_ptr_array_set_free_func (to, free_item);
  return to;
}

/* ---- Claims and pops of random keys ------------------------------------------------------- */

/* claimRandom(Many) and popRandom(Many): one KV_WRITE_UPDATE_RANDOM, whose
 * backend chooses the keys (the disk backend inside the write transaction
 * that changes them, so a choice never loses a race). */
typedef struct
{
  GrantCtx grant;
  KvUpdateFunc grant_func; /* claim_cb or pop_cb, on &grant */
  char *owner;
  char *prefix;
  GPtrArray *out; /* KvClaim * or KvEntry *, in the order granted */
} RandomCtx;

static void
random_ctx_clear (gpointer data)
{
  RandomCtx *ctx = data;

  grant_ctx_reset (&ctx->grant);
  g_clear_pointer (&ctx->out, g_ptr_array_unref);
  g_free (ctx->owner);
  g_free (ctx->prefix);
}

static gboolean
random_cb (KvUpdate *u, gpointer data, GError **error)
{
  RandomCtx *c = data;

  if (u->index == 0)
    g_ptr_array_set_size (c->out, 0); /* a (re)run starts here */
  if (!c->grant_func (u, &c->grant, error))
    return FALSE;
  if (c->grant.granted)
    g_ptr_array_add (c->out, g_steal_pointer (&c->grant.granted));
  if (c->grant.popped)
    g_ptr_array_add (c->out, g_steal_pointer (&c->grant.popped));
  return TRUE;
}

/* @many_name: the method whose count is checked (NULL: one key). */
static KvResult *
random_start (KvStore *store, KvResultKind kind, const char *prefix, gint64 count,
              const char *many_name, const char *owner, gint64 ttl_ms, KvResultFunc callback,
              gpointer user_data)
{
  KvResult *result = _kv_result_new (kind, sizeof (RandomCtx), random_ctx_clear, callback,
                                     user_data);
  RandomCtx *ctx = result->ctx;
  gboolean claims = kind == KV_RESULT_CLAIM_RANDOM;

  ctx->grant.now = now_ms ();
  ctx->grant_func = claims ? claim_cb : pop_cb;
  ctx->out = g_ptr_array_new_with_free_func (claims ? (GDestroyNotify) kv_claim_free
                                                    : (GDestroyNotify) kv_entry_free);
  if (many_name && (count < 1 || count > KV_CLAIM_MANY_MAX))
    g_set_error (&result->error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                 "%s count must be an integer from 1 to %d", many_name, KV_CLAIM_MANY_MAX);
  if (result->error || (claims && !check_owner (owner, &result->error)) ||
      (claims && !resolve_ttl (ttl_ms, &ctx->grant.ttl_ms, &result->error)) ||
      !_kv_prefix_validate (prefix, FALSE, &result->error) ||
      !_kv_result_begin (result, store, NULL, TRUE))
    {
      _kv_result_complete (result);
      return result;
    }
  ctx->owner = g_strdup (owner);
  ctx->grant.owner = ctx->owner;
  ctx->prefix = g_strdup (prefix);
  /* A pop hands the value over as it deletes it: one the binding could not
   * turn back into a value must stay where it is (see pop_cb). */
  ctx->grant.check_json = !claims && result->core->mode == KV_SERIALIZATION_JSON;
  result->write.kind = KV_WRITE_UPDATE_RANDOM;
  result->write.n = many_name ? (gsize) count : 1;
  result->write.prefix = ctx->prefix;
  result->write.now_ms = ctx->grant.now;
  result->write.indexed = kv_options_get_track_keys (result->core->options);
  result->write.func = random_cb;
  result->write.user_data = ctx;
  _kv_result_run (result);
  return result;
}

/* A copy of what the operation granted; NULL with @error on failure. */
static GPtrArray *
random_finish (KvResult *result, KvResultKind kind, GError **error)
{
  RandomCtx *ctx;

  if (!_kv_result_check (result, kind, error))
    return NULL;
  ctx = result->ctx;
  return kind == KV_RESULT_CLAIM_RANDOM
           ? ptr_array_copy (ctx->out, copy_claim, (GDestroyNotify) kv_claim_free)
           : ptr_array_copy (ctx->out, copy_entry, (GDestroyNotify) kv_entry_free);
}

static gpointer
first_of (GPtrArray *items)
{
  g_autoptr (GPtrArray) owned = items;

  return owned && owned->len ? g_ptr_array_steal_index (owned, 0) : NULL;
}

void
kv_store_claim_random_submit (KvStore *store, const char *prefix, const char *owner,
                              gint64 ttl_ms, KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (random_start (store, KV_RESULT_CLAIM_RANDOM, prefix, 1, NULL, owner, ttl_ms,
                                 callback, user_data));
}

KvClaim *
kv_store_claim_random_finish (KvResult *result, GError **error)
{
  return first_of (random_finish (result, KV_RESULT_CLAIM_RANDOM, error));
}

KvClaim *
kv_store_claim_random (KvStore *store, const char *prefix, const char *owner, gint64 ttl_ms,
                       GError **error)
{
  g_autoptr (KvResult) result = random_start (store, KV_RESULT_CLAIM_RANDOM, prefix, 1, NULL,
                                              owner, ttl_ms, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_claim_random_finish (result, error);
}

void
kv_store_claim_random_many_submit (KvStore *store, const char *prefix, gint64 count,
                                   const char *owner, gint64 ttl_ms, KvResultFunc callback,
                                   gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (random_start (store, KV_RESULT_CLAIM_RANDOM, prefix, count, "claimRandomMany",
                                 owner, ttl_ms, callback, user_data));
}

GPtrArray *
kv_store_claim_random_many_finish (KvResult *result, GError **error)
{
  return random_finish (result, KV_RESULT_CLAIM_RANDOM, error);
}

GPtrArray *
kv_store_claim_random_many (KvStore *store, const char *prefix, gint64 count, const char *owner,
                            gint64 ttl_ms, GError **error)
{
  g_autoptr (KvResult) result = random_start (store, KV_RESULT_CLAIM_RANDOM, prefix, count,
                                              "claimRandomMany", owner, ttl_ms, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_claim_random_many_finish (result, error);
}

void
kv_store_pop_random_submit (KvStore *store, const char *prefix, KvResultFunc callback,
                            gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (random_start (store, KV_RESULT_POP_RANDOM, prefix, 1, NULL, NULL, 0, callback,
                                 user_data));
}

KvEntry *
kv_store_pop_random_finish (KvResult *result, GError **error)
{
  return first_of (random_finish (result, KV_RESULT_POP_RANDOM, error));
}

KvEntry *
kv_store_pop_random (KvStore *store, const char *prefix, GError **error)
{
  g_autoptr (KvResult) result = random_start (store, KV_RESULT_POP_RANDOM, prefix, 1, NULL, NULL,
                                              0, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_pop_random_finish (result, error);
}

void
kv_store_pop_random_many_submit (KvStore *store, const char *prefix, gint64 count,
                                 KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (random_start (store, KV_RESULT_POP_RANDOM, prefix, count, "popRandomMany",
                                 NULL, 0, callback, user_data));
}

GPtrArray *
kv_store_pop_random_many_finish (KvResult *result, GError **error)
{
  return random_finish (result, KV_RESULT_POP_RANDOM, error);
}

GPtrArray *
kv_store_pop_random_many (KvStore *store, const char *prefix, gint64 count, GError **error)
{
  g_autoptr (KvResult) result = random_start (store, KV_RESULT_POP_RANDOM, prefix, count,
                                              "popRandomMany", NULL, 0, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_pop_random_many_finish (result, error);
}

/* ---- Claims on named keys ----------------------------------------------------------------- */

/* claimKey: one update, so it can be submitted; the context owns its owner string. */
typedef struct
{
  GrantCtx grant;
  char *owner;
} ClaimKeyCtx;

static void
claim_key_ctx_clear (gpointer data)
{
  ClaimKeyCtx *ctx = data;

  grant_ctx_reset (&ctx->grant);
  g_free (ctx->owner);
}

static KvResult *
claim_key_start (KvStore *store, const char *key, const char *owner, gint64 ttl_ms,
                 KvResultFunc callback, gpointer user_data)
{
  KvResult *result = _kv_result_new (KV_RESULT_CLAIM_KEY, sizeof (ClaimKeyCtx),
                                     claim_key_ctx_clear, callback, user_data);
  ClaimKeyCtx *ctx = result->ctx;

  ctx->grant.now = now_ms ();
  if (!check_owner (owner, &result->error) ||
      !resolve_ttl (ttl_ms, &ctx->grant.ttl_ms, &result->error) ||
      !_kv_result_begin (result, store, key, TRUE))
    {
      _kv_result_complete (result);
      return result;
    }
  ctx->owner = g_strdup (owner);
  ctx->grant.owner = ctx->owner;
  result->write.kind = KV_WRITE_UPDATE;
  result->write.func = claim_cb;
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
  GrantCtx grant;
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

  grant_ctx_reset (&c->grant);
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
  if (!claim_cb (u, &c->grant, error))
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
  if (claim_is_live (u->claim, c->grant.now))
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
                  gint64 ttl_ms, gboolean all_or_nothing, KvResultFunc callback,
                  gpointer user_data)
{
  KvResult *result = _kv_result_new (KV_RESULT_CLAIM_KEYS, sizeof (ClaimKeysCtx),
                                     claim_keys_ctx_clear, callback, user_data);
  ClaimKeysCtx *ctx = result->ctx;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *items = NULL;

  ctx->grant.now = now_ms ();
  ctx->claimed = g_ptr_array_new_with_free_func ((GDestroyNotify) kv_claim_free);
  ctx->busy = g_ptr_array_new_with_free_func (g_free);
  ctx->missing = g_ptr_array_new_with_free_func (g_free);
  if (!check_owner (owner, &result->error) ||
      !resolve_ttl (ttl_ms, &ctx->grant.ttl_ms, &result->error))
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
  *out_claimed = ptr_array_copy (ctx->claimed, copy_claim, (GDestroyNotify) kv_claim_free);
  *out_busy = ptr_array_copy (ctx->busy, copy_string, g_free);
  *out_missing = ptr_array_copy (ctx->missing, copy_string, g_free);
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
  item = kv_item_error_new (u->index, ref->key, "ClaimNotUpdated", message);
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

  ctx->ref_ctx = (RefCtx){ .op = op, .delete_key = delete_key, .now = now_ms () };
  ctx->failed = g_ptr_array_new_with_free_func ((GDestroyNotify) kv_item_error_free);
  if (op == REF_RENEW && !resolve_ttl (ttl_ms, &ctx->ref_ctx.ttl_ms, &result->error))
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

  ctx->ref_ctx = (RefCtx){ .op = op, .delete_key = delete_key, .now = now_ms () };
  if (op == REF_RENEW && !resolve_ttl (ttl_ms, &ctx->ref_ctx.ttl_ms, &result->error))
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
  kv_result_unref (
    ref_single_start (store, ref, REF_COMPLETE, delete_key, 0, callback, user_data));
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
kv_store_complete_claims_finish (KvResult *result, guint64 *out_completed,
                                 GPtrArray **out_failed, GError **error)
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
  ok = _kv_backend_claim_scan (core->backend, prefix, now_ms (), NULL, &counts, error);
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
  return strcmp (kv_claim_get_key (*(KvClaim *const *) a), kv_claim_get_key (*(KvClaim *const *) b));
}

GPtrArray *
kv_store_list_claims (KvStore *store, const char *prefix, gboolean include_expired,
                      GError **error)
{
  GPtrArray *out;
  gint64 now = now_ms ();
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
