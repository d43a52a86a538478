/* kv-store-claims-random.c — claimRandom(Many), popRandom(Many): picked inside one write.
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

/* ---- Claims and pops of random keys ------------------------------------------------------- */

/* claimRandom(Many) and popRandom(Many): one KV_WRITE_UPDATE_RANDOM, whose
 * backend chooses the keys (the disk backend inside the write transaction
 * that changes them, so a choice never loses a race). */
typedef struct
{
  KvGrantCtx grant;
  KvUpdateFunc grant_func; /* _kv_grant_claim_cb or _kv_grant_pop_cb, on &grant */
  char *owner;
  char *prefix;
  GPtrArray *out; /* KvClaim * or KvEntry *, in the order granted */
} RandomCtx;

static void
random_ctx_clear (gpointer data)
{
  RandomCtx *ctx = data;

  _kv_grant_ctx_reset (&ctx->grant);
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
  KvResult *result =
      _kv_result_new (kind, sizeof (RandomCtx), random_ctx_clear, callback, user_data);
  RandomCtx *ctx = result->ctx;
  gboolean claims = kind == KV_RESULT_CLAIM_RANDOM;

  ctx->grant.now = _kv_claims_now_ms ();
  ctx->grant_func = claims ? _kv_grant_claim_cb : _kv_grant_pop_cb;
  ctx->out = g_ptr_array_new_with_free_func (claims ? (GDestroyNotify) kv_claim_unref
                                                    : (GDestroyNotify) kv_entry_unref);
  if (many_name && (count < 1 || count > KV_CLAIM_MANY_MAX))
    g_set_error (&result->error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                 "%s count must be an integer from 1 to %d", many_name, KV_CLAIM_MANY_MAX);
  if (result->error || (claims && !_kv_claims_check_owner (owner, &result->error)) ||
      (claims && !_kv_claims_resolve_ttl (ttl_ms, &ctx->grant.ttl_ms, &result->error)) ||
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
   * turn back into a value must stay where it is (see _kv_grant_pop_cb). */
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
             ? _kv_claims_ptr_array_copy (ctx->out, _kv_claims_copy_claim,
                                          (GDestroyNotify) kv_claim_unref)
             : _kv_claims_ptr_array_copy (ctx->out, _kv_claims_copy_entry,
                                          (GDestroyNotify) kv_entry_unref);
}

static gpointer
first_of (GPtrArray *items)
{
  g_autoptr (GPtrArray) owned = items;

  return owned && owned->len ? g_ptr_array_steal_index (owned, 0) : NULL;
}

void
kv_store_claim_random_submit (KvStore *store, const char *prefix, const char *owner, gint64 ttl_ms,
                              KvResultFunc callback, gpointer user_data)
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
  g_autoptr (KvResult) result =
      random_start (store, KV_RESULT_CLAIM_RANDOM, prefix, 1, NULL, owner, ttl_ms, NULL, NULL);

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
  kv_result_unref (
      random_start (store, KV_RESULT_POP_RANDOM, prefix, 1, NULL, NULL, 0, callback, user_data));
}

KvEntry *
kv_store_pop_random_finish (KvResult *result, GError **error)
{
  return first_of (random_finish (result, KV_RESULT_POP_RANDOM, error));
}

KvEntry *
kv_store_pop_random (KvStore *store, const char *prefix, GError **error)
{
  g_autoptr (KvResult) result =
      random_start (store, KV_RESULT_POP_RANDOM, prefix, 1, NULL, NULL, 0, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_pop_random_finish (result, error);
}

void
kv_store_pop_random_many_submit (KvStore *store, const char *prefix, gint64 count,
                                 KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (random_start (store, KV_RESULT_POP_RANDOM, prefix, count, "popRandomMany", NULL,
                                 0, callback, user_data));
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
