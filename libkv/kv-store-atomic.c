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

#include "kv-result-private.h"
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

static KvResult *
increment_start (KvStore *store, const char *key, gint64 delta, KvResultFunc callback,
                 gpointer user_data)
{
  KvResult *result =
      _kv_result_new (KV_RESULT_INCREMENT_BY, sizeof (IncrementCtx), NULL, callback, user_data);
  IncrementCtx *ctx = result->ctx;

  if (!_kv_result_begin (result, store, key, TRUE))
    {
      _kv_result_complete (result);
      return result;
    }
  ctx->mode = result->core->mode;
  ctx->delta = delta;
  _kv_result_run_update (result, increment_cb);
  return result;
}

void
kv_store_increment_by_submit (KvStore *store, const char *key, gint64 delta, KvResultFunc callback,
                              gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (increment_start (store, key, delta, callback, user_data));
}

gboolean
kv_store_increment_by_finish (KvResult *result, gint64 *out_value, GError **error)
{
  if (!_kv_result_check (result, KV_RESULT_INCREMENT_BY, error))
    return FALSE;
  if (out_value)
    *out_value = ((IncrementCtx *) result->ctx)->result;
  return TRUE;
}

gboolean
kv_store_increment_by (KvStore *store, const char *key, gint64 delta, gint64 *out_value,
                       GError **error)
{
  g_autoptr (KvResult) result = increment_start (store, key, delta, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_increment_by_finish (result, out_value, error);
}

/* Shared by get_or_set, swap, compare_and_swap/delete and delete_if_exists. */
typedef struct
{
  GBytes *expected; /* compare: the value required; NULL = must be missing */
  GBytes *value;    /* the value to store, if any */
  GBytes *observed; /* out: the value found (a reference), if any */
  gboolean changed; /* out: whether the update stored or deleted */
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
exchange_ctx_clear (gpointer data)
{
  ExchangeCtx *ctx = data;

  g_clear_pointer (&ctx->expected, g_bytes_unref);
  g_clear_pointer (&ctx->value, g_bytes_unref);
  g_clear_pointer (&ctx->observed, g_bytes_unref);
}

/* Encodes the inputs and runs @cb under the key's lock; _finish reads the ExchangeCtx. */
static KvResult *
exchange_start (KvResultKind kind, KvStore *store, const char *key, const char *expected,
                gsize expected_len, gboolean has_expected, const char *value, gsize value_len,
                gboolean has_value, KvUpdateFunc cb, KvResultFunc callback, gpointer user_data)
{
  KvResult *result =
      _kv_result_new (kind, sizeof (ExchangeCtx), exchange_ctx_clear, callback, user_data);
  ExchangeCtx *ctx = result->ctx;

  if (!_kv_result_begin (result, store, key, TRUE) ||
      (has_expected &&
       (ctx->expected = _kv_store_value_encode (store, result->core, expected, expected_len,
                                                &result->error)) == NULL) ||
      (has_value && (ctx->value = _kv_store_value_encode (store, result->core, value, value_len,
                                                          &result->error)) == NULL))
    {
      _kv_result_complete (result);
      return result;
    }
  _kv_result_run_update (result, cb);
  return result;
}

static GBytes *
bytes_ref0 (GBytes *bytes)
{
  return bytes ? g_bytes_ref (bytes) : NULL;
}

/* getOrSet */

static KvResult *
get_or_set_start (KvStore *store, const char *key, const char *value, gsize value_len,
                  KvResultFunc callback, gpointer user_data)
{
  return exchange_start (KV_RESULT_GET_OR_SET, store, key, NULL, 0, FALSE, value, value_len, TRUE,
                         get_or_set_cb, callback, user_data);
}

void
kv_store_get_or_set_submit (KvStore *store, const char *key, const char *value, gsize value_len,
                            KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (get_or_set_start (store, key, value, value_len, callback, user_data));
}

GBytes *
kv_store_get_or_set_finish (KvResult *result, gboolean *out_loaded, GError **error)
{
  ExchangeCtx *ctx;

  if (!_kv_result_check (result, KV_RESULT_GET_OR_SET, error))
    return NULL;
  ctx = result->ctx;
  if (out_loaded)
    *out_loaded = !ctx->changed;
  return g_bytes_ref (ctx->changed ? ctx->value : ctx->observed);
}

GBytes *
kv_store_get_or_set (KvStore *store, const char *key, const char *value, gsize value_len,
                     gboolean *out_loaded, GError **error)
{
  g_autoptr (KvResult) result = get_or_set_start (store, key, value, value_len, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_get_or_set_finish (result, out_loaded, error);
}

/* swap */

static KvResult *
swap_start (KvStore *store, const char *key, const char *value, gsize value_len,
            KvResultFunc callback, gpointer user_data)
{
  return exchange_start (KV_RESULT_SWAP, store, key, NULL, 0, FALSE, value, value_len, TRUE,
                         swap_cb, callback, user_data);
}

void
kv_store_swap_submit (KvStore *store, const char *key, const char *value, gsize value_len,
                      KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (swap_start (store, key, value, value_len, callback, user_data));
}

gboolean
kv_store_swap_finish (KvResult *result, GBytes **out_previous, GError **error)
{
  if (!_kv_result_check (result, KV_RESULT_SWAP, error))
    return FALSE;
  if (out_previous)
    *out_previous = bytes_ref0 (((ExchangeCtx *) result->ctx)->observed);
  return TRUE;
}

gboolean
kv_store_swap (KvStore *store, const char *key, const char *value, gsize value_len,
               GBytes **out_previous, GError **error)
{
  g_autoptr (KvResult) result = swap_start (store, key, value, value_len, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_swap_finish (result, out_previous, error);
}

/* Fills the mismatch outputs shared by the two compare operations. */
static gboolean
finish_compare (KvResult *result, KvResultKind kind, gboolean *out_done, gboolean *out_existed,
                GBytes **out_current, GError **error)
{
  ExchangeCtx *ctx;

  if (!_kv_result_check (result, kind, error))
    return FALSE;
  ctx = result->ctx;
  if (out_done)
    *out_done = ctx->changed;
  if (out_existed)
    *out_existed = !ctx->changed && ctx->observed != NULL;
  if (out_current)
    *out_current = ctx->changed ? NULL : bytes_ref0 (ctx->observed);
  return TRUE;
}

/* compareAndSwap, setIfAbsent */

static KvResult *
compare_and_swap_start (KvStore *store, const char *key, const char *expected, gsize expected_len,
                        const char *value, gsize value_len, KvResultFunc callback,
                        gpointer user_data)
{
  return exchange_start (KV_RESULT_COMPARE_AND_SWAP, store, key, expected, expected_len,
                         expected != NULL, value, value_len, TRUE, compare_and_swap_cb, callback,
                         user_data);
}

void
kv_store_compare_and_swap_submit (KvStore *store, const char *key, const char *expected,
                                  gsize expected_len, const char *value, gsize value_len,
                                  KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (compare_and_swap_start (store, key, expected, expected_len, value, value_len,
                                           callback, user_data));
}

gboolean
kv_store_compare_and_swap_finish (KvResult *result, gboolean *out_swapped, gboolean *out_existed,
                                  GBytes **out_current, GError **error)
{
  return finish_compare (result, KV_RESULT_COMPARE_AND_SWAP, out_swapped, out_existed, out_current,
                         error);
}

gboolean
kv_store_compare_and_swap (KvStore *store, const char *key, const char *expected,
                           gsize expected_len, const char *value, gsize value_len,
                           gboolean *out_swapped, gboolean *out_existed, GBytes **out_current,
                           GError **error)
{
  g_autoptr (KvResult) result = NULL;

  g_return_val_if_fail (out_swapped != NULL, FALSE);
  result =
      compare_and_swap_start (store, key, expected, expected_len, value, value_len, NULL, NULL);
  _kv_result_wait (result);
  return kv_store_compare_and_swap_finish (result, out_swapped, out_existed, out_current, error);
}

void
kv_store_set_if_absent_submit (KvStore *store, const char *key, const char *value, gsize value_len,
                               KvResultFunc callback, gpointer user_data)
{
  kv_store_compare_and_swap_submit (store, key, NULL, 0, value, value_len, callback, user_data);
}

gboolean
kv_store_set_if_absent_finish (KvResult *result, gboolean *out_set, GError **error)
{
  return finish_compare (result, KV_RESULT_COMPARE_AND_SWAP, out_set, NULL, NULL, error);
}

gboolean
kv_store_set_if_absent (KvStore *store, const char *key, const char *value, gsize value_len,
                        gboolean *out_set, GError **error)
{
  g_autoptr (KvResult) result =
      compare_and_swap_start (store, key, NULL, 0, value, value_len, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_set_if_absent_finish (result, out_set, error);
}

/* deleteIfExists */

static KvResult *
delete_if_exists_start (KvStore *store, const char *key, KvResultFunc callback, gpointer user_data)
{
  return exchange_start (KV_RESULT_DELETE_IF_EXISTS, store, key, NULL, 0, FALSE, NULL, 0, FALSE,
                         delete_if_exists_cb, callback, user_data);
}

void
kv_store_delete_if_exists_submit (KvStore *store, const char *key, KvResultFunc callback,
                                  gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (delete_if_exists_start (store, key, callback, user_data));
}

gboolean
kv_store_delete_if_exists_finish (KvResult *result, gboolean *out_deleted, GError **error)
{
  return finish_compare (result, KV_RESULT_DELETE_IF_EXISTS, out_deleted, NULL, NULL, error);
}

gboolean
kv_store_delete_if_exists (KvStore *store, const char *key, gboolean *out_deleted, GError **error)
{
  g_autoptr (KvResult) result = delete_if_exists_start (store, key, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_delete_if_exists_finish (result, out_deleted, error);
}

/* compareAndDelete */

static KvResult *
compare_and_delete_start (KvStore *store, const char *key, const char *expected, gsize expected_len,
                          KvResultFunc callback, gpointer user_data)
{
  return exchange_start (KV_RESULT_COMPARE_AND_DELETE, store, key, expected, expected_len, TRUE,
                         NULL, 0, FALSE, compare_and_delete_cb, callback, user_data);
}

void
kv_store_compare_and_delete_submit (KvStore *store, const char *key, const char *expected,
                                    gsize expected_len, KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  g_return_if_fail (expected != NULL);
  kv_result_unref (
      compare_and_delete_start (store, key, expected, expected_len, callback, user_data));
}

gboolean
kv_store_compare_and_delete_finish (KvResult *result, gboolean *out_deleted, gboolean *out_existed,
                                    GBytes **out_current, GError **error)
{
  return finish_compare (result, KV_RESULT_COMPARE_AND_DELETE, out_deleted, out_existed,
                         out_current, error);
}

gboolean
kv_store_compare_and_delete (KvStore *store, const char *key, const char *expected,
                             gsize expected_len, gboolean *out_deleted, gboolean *out_existed,
                             GBytes **out_current, GError **error)
{
  g_autoptr (KvResult) result = NULL;

  g_return_val_if_fail (expected != NULL, FALSE);
  g_return_val_if_fail (out_deleted != NULL, FALSE);
  result = compare_and_delete_start (store, key, expected, expected_len, NULL, NULL);
  _kv_result_wait (result);
  return kv_store_compare_and_delete_finish (result, out_deleted, out_existed, out_current, error);
}
