/* kv-result.c — KvResult: a store call from submission to completion (see kv-result-private.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "kv-result-private.h"
#include "kv-value-private.h"

G_DEFINE_BOXED_TYPE (KvResult, kv_result, kv_result_ref, kv_result_unref)

KvResult *
_kv_result_new (KvResultKind kind, gsize ctx_size, void (*ctx_clear) (gpointer ctx),
                KvResultFunc callback, gpointer user_data)
{
  /* One allocation for the result and its context: a memory-store call makes
   * one of these per operation. */
  gsize head = (sizeof (KvResult) + G_MEM_ALIGN - 1) / G_MEM_ALIGN * G_MEM_ALIGN;
  KvResult *result = g_malloc0 (head + ctx_size);

  result->ref_count = 1;
  result->kind = kind;
  result->ctx = ctx_size ? (char *) result + head : NULL;
  result->ctx_clear = ctx_clear;
  result->callback = callback;
  result->user_data = user_data;
  pthread_mutex_init (&result->lock, NULL);
  pthread_cond_init (&result->cond, NULL);
  return result;
}

KvResult *
kv_result_ref (KvResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  g_atomic_int_inc (&result->ref_count);
  return result;
}

void
kv_result_unref (KvResult *result)
{
  g_return_if_fail (result != NULL);
  if (!g_atomic_int_dec_and_test (&result->ref_count))
    return;
  if (result->ctx_clear)
    result->ctx_clear (result->ctx);
  g_clear_error (&result->error);
  g_free (result->key);
  g_clear_pointer (&result->value, g_bytes_unref);
  pthread_cond_destroy (&result->cond);
  pthread_mutex_destroy (&result->lock);
  /* Last: releasing the core may close the store. */
  if (result->core)
    _kv_core_release (result->core);
  g_free (result);
}

gboolean
_kv_result_begin (KvResult *result, KvStore *store, const char *key, gboolean writes)
{
  if (!KV_IS_STORE (store))
    {
      g_critical ("%s: not a KvStore", G_STRFUNC);
      g_set_error_literal (&result->error, KV_ERROR, KV_ERROR_UNKNOWN, "not a store handle");
      return FALSE;
    }
  if (key)
    {
      result->core = _kv_store_begin_key_call (store, key, writes, &result->error);
      if (result->core == NULL)
        return FALSE;
      result->key = g_strdup (key);
      result->write.keys = (const char *const *) &result->key;
      result->write.n = 1;
      return TRUE;
    }
  result->core = _kv_core_acquire (store, &result->error);
  if (result->core == NULL)
    return FALSE;
  return !writes || _kv_core_check_writable (result->core, &result->error);
}

/* Hands the result to its callback (with the reference taken for it) or
 * wakes the blocking caller. */
static void
deliver (KvResult *result)
{
  if (result->callback)
    {
      /* The callback owns a reference: nothing of the result is touched here afterwards. */
      result->callback (result, result->user_data);
      return;
    }
  /* A blocking caller holds the only reference and frees the result once
   * it sees done, so the writer thread never releases the store's core:
   * the caller closing the store right after must find it closed. */
  pthread_mutex_lock (&result->lock);
  result->done = TRUE;
  pthread_cond_signal (&result->cond);
  pthread_mutex_unlock (&result->lock);
}

void
_kv_result_complete (KvResult *result)
{
  if (result->callback)
    kv_result_ref (result);
  deliver (result);
}

static void
write_done (KvWrite *write)
{
  KvResult *result = (KvResult *) ((char *) write - G_STRUCT_OFFSET (KvResult, write));

  if (write->error)
    g_propagate_error (&result->error, g_steal_pointer (&write->error));
  deliver (result);
}

void
_kv_result_run (KvResult *result)
{
  /* A blocking caller of a backend that commits later would wait for it. */
  if (result->callback == NULL && result->core->backend->vtable->submit_write &&
      _kv_thread_nonblocking ())
    {
      _kv_set_would_block (&result->error);
      _kv_result_complete (result);
      return;
    }
  if (result->callback)
    kv_result_ref (result); /* keeps it alive in flight, then handed to the callback */
  result->write.done = write_done;
  _kv_backend_write (result->core->backend, &result->write);
}

void
_kv_result_run_update (KvResult *result, KvUpdateFunc func)
{
  result->write.kind = KV_WRITE_UPDATE;
  result->write.func = func;
  result->write.user_data = result->ctx;
  _kv_result_run (result);
}

void
_kv_result_wait (KvResult *result)
{
  pthread_mutex_lock (&result->lock);
  while (!result->done)
    pthread_cond_wait (&result->cond, &result->lock);
  pthread_mutex_unlock (&result->lock);
}

gboolean
_kv_result_check (KvResult *result, KvResultKind kind, GError **error)
{
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (result->kind == kind, FALSE);
  if (result->error == NULL)
    return TRUE;
  if (error)
    *error = g_error_copy (result->error);
  return FALSE;
}

gboolean
kv_result_propagate_error (KvResult *result, GError **error)
{
  g_return_val_if_fail (result != NULL, FALSE);
  return _kv_result_check (result, result->kind, error);
}

/* ---- Callers that must not wait ------------------------------------------------------------ */

static __thread gboolean thread_nonblocking;

gboolean
kv_set_thread_nonblocking (gboolean nonblocking)
{
  gboolean old = thread_nonblocking;

  thread_nonblocking = nonblocking;
  return old;
}

gboolean
_kv_thread_nonblocking (void)
{
  return thread_nonblocking;
}

void
_kv_set_would_block (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                       "the operation would wait for another caller");
}

/* ---- Running a write on a backend --------------------------------------------------------- */

void
_kv_backend_write (KvBackend *backend, KvWrite *w)
{
  gboolean existed = FALSE;

  if (backend->vtable->submit_write)
    {
      _kv_backend_submit_write (backend, w);
      return;
    }
  switch (w->kind)
    {
    case KV_WRITE_PUT:
      if (w->n == 1)
        _kv_backend_put (backend, w->keys[0], w->values[0], &w->error);
      else
        _kv_backend_put_many (backend, w->keys, w->values, w->n, &w->error);
      break;
    case KV_WRITE_REMOVE:
      if (w->n == 1 && _kv_backend_remove (backend, w->keys[0], &existed, &w->error))
        w->count = existed;
      else if (w->n != 1)
        _kv_backend_remove_many (backend, w->keys, w->n, &w->count, &w->error);
      break;
    case KV_WRITE_UPDATE:
      _kv_backend_update (backend, w->keys[0], w->func, w->user_data, &w->error);
      break;
    case KV_WRITE_UPDATE_MANY:
      _kv_backend_update_many (backend, w->keys, w->n, w->func, w->decide, w->user_data, &w->error);
      break;
    case KV_WRITE_UPDATE_RANDOM:
      _kv_backend_update_random (backend, w);
      break;
    case KV_WRITE_UPDATE_EACH:
      _kv_backend_update_each (backend, w);
      break;
    }
  w->done (w);
}
