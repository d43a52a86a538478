/* kv-store-atomic.c — the atomic single-key operations, each one update callback.
 *
 * The backend runs a callback with the key locked (memory: the shard's write
 * lock; disk: inside the write transaction), so each operation here is
 * linearizable and identical on every backend.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-store-private.h"
#include "kv-value-private.h"

/* ---- Atomic operations: one update callback each ------------------------------------------ */

typedef struct
{
  KvSerialization mode;
  gint64 delta;
  gint64 result;
} IncrementCtx;

static gboolean
increment_cb (KvUpdate *u, gpointer user_data, GError **error)
{
  IncrementCtx *ctx = user_data;
  gint64 old = 0;

  if (u->current && !_kv_value_to_int64 (u->current, ctx->mode, &old, error))
    return FALSE;
  if (__builtin_add_overflow (old, ctx->delta, &ctx->result))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE,
                   "incrementing %" G_GINT64_FORMAT " by %" G_GINT64_FORMAT
                   " overflows a 64-bit integer",
                   old, ctx->delta);
      return FALSE;
    }
  u->replacement = _kv_value_from_int64 (ctx->result);
  u->action = KV_UPDATE_PUT;
  return TRUE;
}

gboolean
kv_store_increment_by (KvStore *store, const char *key, gint64 delta, gint64 *out_value,
                       GError **error)
{
  KvCore *core = _kv_store_begin_key_call (store, key, TRUE, error);
  IncrementCtx ctx = { 0 };
  gboolean ok;

  if (core == NULL)
    return FALSE;
  ctx.mode = core->mode;
  ctx.delta = delta;
  ok = core->backend->vtable->update (core->backend, key, increment_cb, &ctx, error);
  _kv_core_release (core);
  if (ok && out_value)
    *out_value = ctx.result;
  return ok;
}

/* Shared by get_or_set, swap, compare_and_swap/delete and delete_if_exists. */
typedef struct
{
  GBytes *expected; /* compare: the value required; NULL = must be missing */
  GBytes *value;     /* the value to store, if any */
  GBytes *observed;  /* out: the value found (a reference), if any */
  gboolean changed;  /* out: whether the update stored or deleted */
} ExchangeCtx;

/* Clears the outputs of an earlier run of the same callback (see KvUpdateFunc). */
static ExchangeCtx *
exchange_begin (gpointer user_data)
{
  ExchangeCtx *ctx = user_data;

  g_clear_pointer (&ctx->observed, g_bytes_unref);
  ctx->changed = FALSE;
  return ctx;
}

static gboolean
get_or_set_cb (KvUpdate *u, gpointer user_data, GError **error)
{
  ExchangeCtx *ctx = exchange_begin (user_data);

  if (u->current)
    {
      ctx->observed = g_bytes_ref (u->current);
      return TRUE;
    }
  ctx->changed = TRUE;
  u->replacement = g_bytes_ref (ctx->value);
  u->action = KV_UPDATE_PUT;
  return TRUE;
}

static gboolean
swap_cb (KvUpdate *u, gpointer user_data, GError **error)
{
  ExchangeCtx *ctx = exchange_begin (user_data);

  ctx->observed = u->current ? g_bytes_ref (u->current) : NULL;
  ctx->changed = TRUE;
  u->replacement = g_bytes_ref (ctx->value);
  u->action = KV_UPDATE_PUT;
  return TRUE;
}

static gboolean
matches_expected (GBytes *current, GBytes *expected)
{
  if (expected == NULL)
    return current == NULL;
  return current != NULL && g_bytes_equal (current, expected);
}

static gboolean
compare_and_swap_cb (KvUpdate *u, gpointer user_data, GError **error)
{
  ExchangeCtx *ctx = exchange_begin (user_data);

  if (!matches_expected (u->current, ctx->expected))
    {
      ctx->observed = u->current ? g_bytes_ref (u->current) : NULL;
      return TRUE;
    }
  ctx->changed = TRUE;
  u->replacement = g_bytes_ref (ctx->value);
  u->action = KV_UPDATE_PUT;
  return TRUE;
}

static gboolean
compare_and_delete_cb (KvUpdate *u, gpointer user_data, GError **error)
{
  ExchangeCtx *ctx = exchange_begin (user_data);

  if (!matches_expected (u->current, ctx->expected))
    {
      ctx->observed = u->current ? g_bytes_ref (u->current) : NULL;
      return TRUE;
    }
  ctx->changed = TRUE;
  u->action = KV_UPDATE_DELETE;
  return TRUE;
}

static gboolean
delete_if_exists_cb (KvUpdate *u, gpointer user_data, GError **error)
{
  ExchangeCtx *ctx = exchange_begin (user_data);

  ctx->changed = u->current != NULL;
  if (u->current)
    u->action = KV_UPDATE_DELETE;
  return TRUE;
}

static void
exchange_ctx_clear (ExchangeCtx *ctx)
{
  g_clear_pointer (&ctx->expected, g_bytes_unref);
  g_clear_pointer (&ctx->value, g_bytes_unref);
  g_clear_pointer (&ctx->observed, g_bytes_unref);
}

/* Encodes the inputs, runs @cb under the key's lock; the caller reads @ctx. */
static gboolean
run_exchange (KvStore *store, const char *key, const char *expected, gsize expected_len,
              gboolean has_expected, const char *value, gsize value_len, gboolean has_value,
              KvUpdateFunc cb, ExchangeCtx *ctx, GError **error)
{
  KvCore *core = _kv_store_begin_key_call (store, key, TRUE, error);
  gboolean ok = FALSE;

  if (core == NULL)
    return FALSE;
  if (has_expected &&
      (ctx->expected = _kv_value_encode (core->mode, expected, expected_len, error)) == NULL)
    goto out;
  if (has_value && (ctx->value = _kv_value_encode (core->mode, value, value_len, error)) == NULL)
    goto out;
  ok = core->backend->vtable->update (core->backend, key, cb, ctx, error);
out:
  _kv_core_release (core);
  return ok;
}

GBytes *
kv_store_get_or_set (KvStore *store, const char *key, const char *value, gsize value_len,
                     gboolean *out_loaded, GError **error)
{
  ExchangeCtx ctx = { 0 };
  GBytes *result = NULL;

  if (run_exchange (store, key, NULL, 0, FALSE, value, value_len, TRUE, get_or_set_cb, &ctx,
                    error))
    {
      if (out_loaded)
        *out_loaded = !ctx.changed;
      result = ctx.changed ? g_steal_pointer (&ctx.value) : g_steal_pointer (&ctx.observed);
    }
  exchange_ctx_clear (&ctx);
  return result;
}

gboolean
kv_store_swap (KvStore *store, const char *key, const char *value, gsize value_len,
               GBytes **out_previous, GError **error)
{
  ExchangeCtx ctx = { 0 };
  gboolean ok =
    run_exchange (store, key, NULL, 0, FALSE, value, value_len, TRUE, swap_cb, &ctx, error);

  if (ok && out_previous)
    *out_previous = g_steal_pointer (&ctx.observed);
  exchange_ctx_clear (&ctx);
  return ok;
}

/* Fills the mismatch outputs shared by the two compare operations. */
static void
report_compare (ExchangeCtx *ctx, gboolean *out_done, gboolean *out_existed,
                GBytes **out_current)
{
  *out_done = ctx->changed;
  if (out_existed)
    *out_existed = !ctx->changed && ctx->observed != NULL;
  if (out_current)
    *out_current = ctx->changed ? NULL : g_steal_pointer (&ctx->observed);
}

gboolean
kv_store_compare_and_swap (KvStore *store, const char *key, const char *expected,
                           gsize expected_len, const char *value, gsize value_len,
                           gboolean *out_swapped, gboolean *out_existed, GBytes **out_current,
                           GError **error)
{
  ExchangeCtx ctx = { 0 };
  gboolean ok;

  g_return_val_if_fail (out_swapped != NULL, FALSE);
  ok = run_exchange (store, key, expected, expected_len, expected != NULL, value, value_len, TRUE,
                     compare_and_swap_cb, &ctx, error);
  if (ok)
    report_compare (&ctx, out_swapped, out_existed, out_current);
  exchange_ctx_clear (&ctx);
  return ok;
}

gboolean
kv_store_set_if_absent (KvStore *store, const char *key, const char *value, gsize value_len,
                        gboolean *out_set, GError **error)
{
  gboolean set = FALSE;
  gboolean ok =
    kv_store_compare_and_swap (store, key, NULL, 0, value, value_len, &set, NULL, NULL, error);

  if (ok && out_set)
    *out_set = set;
  return ok;
}

gboolean
kv_store_delete_if_exists (KvStore *store, const char *key, gboolean *out_deleted,
                           GError **error)
{
  ExchangeCtx ctx = { 0 };
  gboolean ok =
    run_exchange (store, key, NULL, 0, FALSE, NULL, 0, FALSE, delete_if_exists_cb, &ctx, error);

  if (ok && out_deleted)
    *out_deleted = ctx.changed;
  exchange_ctx_clear (&ctx);
  return ok;
}

gboolean
kv_store_compare_and_delete (KvStore *store, const char *key, const char *expected,
                             gsize expected_len, gboolean *out_deleted, gboolean *out_existed,
                             GBytes **out_current, GError **error)
{
  ExchangeCtx ctx = { 0 };
  gboolean ok;

  g_return_val_if_fail (expected != NULL, FALSE);
  g_return_val_if_fail (out_deleted != NULL, FALSE);
  ok = run_exchange (store, key, expected, expected_len, TRUE, NULL, 0, FALSE,
                     compare_and_delete_cb, &ctx, error);
  if (ok)
    report_compare (&ctx, out_deleted, out_existed, out_current);
  exchange_ctx_clear (&ctx);
  return ok;
}

