/* kv-store.c — KvStore handles, the process-wide shared store, and every store operation.
 *
 * Operations are written once here on top of the backend interface: the
 * backend supplies get/put/remove and an atomic update(); everything with
 * semantics (validation, canonical values, compare-and-swap, counters) lives
 * in this file so both backends behave identically.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "kv-result-private.h"
#include "kv-store-private.h"
#include "kv-value-private.h"
#include "kv-json-private.h"

struct _KvStore
{
  GObject parent_instance;

  /* Guards core. A read lock per call (calls on one handle do not serialize),
   * the write lock to close. GRWLock rather than GMutex also because it is
   * pthread-based, so ThreadSanitizer sees it (GLib's GMutex is a bare futex). */
  GRWLock lock;
  KvCore *core;          /* NULL once closed */
  gint values_canonical; /* atomic: kv_store_set_values_canonical() */
  KvOptions *options;    /* kept after close for kv_store_get_options() */
};

G_DEFINE_FINAL_TYPE (KvStore, kv_store, G_TYPE_OBJECT)

/* ---- Cores ------------------------------------------------------------------------------- */

/* A static GMutex/GRWLock is allocated lazily on first use, published with
 * GLib's own (uninstrumented) atomics; a statically initialised pthread mutex
 * has no such first-use race and ThreadSanitizer sees every use of it. */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static KvOptions *shared_config; /* fixed by the first successful open_shared, never reset */
static KvCore *shared_core;      /* the live shared core, if any */

static KvCore *
core_open (const KvOptions *options, GError **error)
{
  KvCore *core;
  KvBackend *backend = NULL;

  switch (kv_options_get_backend (options))
    {
    case KV_BACKEND_MEMORY:
      backend = _kv_backend_memory_new (options, error);
      break;
    case KV_BACKEND_DISK:
    default:
      backend = _kv_backend_lmdb_new (options, error);
      break;
    }
  if (backend == NULL)
    return NULL;

  core = g_new0 (KvCore, 1);
  core->ref_count = 1;
  core->options = kv_options_copy (options);
  core->mode = kv_options_get_serialization (options);
  core->read_only = kv_options_get_backend (options) == KV_BACKEND_DISK &&
                    kv_options_get_disk_read_only (options);
  core->backend = backend;
  return core;
}

static void core_free_last (KvCore *core);

static void
core_free (KvCore *core)
{
  _kv_backend_free (core->backend);
  kv_options_free (core->options);
  g_free (core);
}

static gpointer
core_free_thread (gpointer core)
{
  core_free_last (core);
  return NULL;
}

void
_kv_core_release (KvCore *core)
{
  if (!g_atomic_int_dec_and_test (&core->ref_count))
    return;
  /* The last reference of a store with submitted writes may go with a result
   * freed on the disk backend's writer thread, which cannot stop itself. */
  if (_kv_on_backend_thread ())
    g_thread_unref (g_thread_new ("kv-close", core_free_thread, core));
  else
    core_free_last (core);
}

static void
core_free_last (KvCore *core)
{
  if (core->shared)
    {
      /* Close the backend before a new shared core may open the same files. */
      pthread_mutex_lock (&shared_lock);
      core_free (core);
      if (shared_core == core)
        shared_core = NULL;
      pthread_mutex_unlock (&shared_lock);
    }
  else
    core_free (core);
}

/* A reference on the handle's core for the duration of one call. */
KvCore *
_kv_core_acquire (KvStore *store, GError **error)
{
  KvCore *core;

  g_rw_lock_reader_lock (&store->lock);
  core = store->core;
  if (core)
    g_atomic_int_inc (&core->ref_count);
  g_rw_lock_reader_unlock (&store->lock);
  if (core == NULL)
    g_set_error_literal (error, KV_ERROR, KV_ERROR_STORE_CLOSED, "the store handle is closed");
  return core;
}

/* Takes a reference unless the count already fell to zero (the core is being freed). */
static gboolean
core_try_ref (KvCore *core)
{
  gint old = g_atomic_int_get (&core->ref_count);

  while (old > 0)
    {
      if (g_atomic_int_compare_and_exchange_full (&core->ref_count, old, old + 1, &old))
        return TRUE;
    }
  return FALSE;
}

/* ---- Handles ------------------------------------------------------------------------------ */

static void
kv_store_finalize (GObject *object)
{
  KvStore *self = KV_STORE (object);

  kv_store_close (self);
  kv_options_free (self->options);
  g_rw_lock_clear (&self->lock);
  G_OBJECT_CLASS (kv_store_parent_class)->finalize (object);
}

static void
kv_store_class_init (KvStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kv_store_finalize;
}

static void
kv_store_init (KvStore *self)
{
  g_rw_lock_init (&self->lock);
}

static KvStore *
handle_new (KvCore *core)
{
  KvStore *store = g_object_new (KV_TYPE_STORE, NULL);

  store->core = core;
  store->options = kv_options_copy (core->options);
  return store;
}

KvStore *
kv_store_open (const KvOptions *options, GError **error)
{
  g_autoptr (KvOptions) defaults = NULL;
  KvCore *core;

  if (options == NULL)
    options = defaults = kv_options_new ();
  core = core_open (options, error);
  return core ? handle_new (core) : NULL;
}

KvStore *
kv_store_open_shared (const KvOptions *options, GError **error)
{
  g_autoptr (KvOptions) defaults = NULL;
  KvCore *core = NULL;

  if (options == NULL)
    options = defaults = kv_options_new ();

  for (;;)
    {
      pthread_mutex_lock (&shared_lock);
      if (shared_config && !kv_options_equal (shared_config, options))
        {
          pthread_mutex_unlock (&shared_lock);
          g_set_error_literal (error, KV_ERROR, KV_ERROR_KV_OPTIONS_CONFLICT,
                               "openKv() options differ from the options the store was first "
                               "opened with in this process; every openKv() call must pass "
                               "equivalent options");
          return NULL;
        }
      if (shared_core == NULL)
        {
          core = core_open (options, error);
          if (core == NULL)
            {
              pthread_mutex_unlock (&shared_lock);
              return NULL;
            }
          core->shared = TRUE;
          shared_core = core;
          if (shared_config == NULL)
            shared_config = kv_options_copy (options);
          pthread_mutex_unlock (&shared_lock);
          return handle_new (core);
        }
      if (core_try_ref (shared_core))
        {
          core = shared_core;
          pthread_mutex_unlock (&shared_lock);
          return handle_new (core);
        }
      /* The last handle is closing this very moment; wait until it is gone. */
      pthread_mutex_unlock (&shared_lock);
      g_thread_yield ();
    }
}

void
kv_store_close (KvStore *store)
{
  KvCore *core;

  g_return_if_fail (KV_IS_STORE (store));
  g_rw_lock_writer_lock (&store->lock);
  core = g_steal_pointer (&store->core);
  g_rw_lock_writer_unlock (&store->lock);
  if (core)
    _kv_core_release (core);
}

gboolean
kv_store_is_closed (KvStore *store)
{
  gboolean closed;

  g_return_val_if_fail (KV_IS_STORE (store), TRUE);
  g_rw_lock_reader_lock (&store->lock);
  closed = store->core == NULL;
  g_rw_lock_reader_unlock (&store->lock);
  return closed;
}

const KvOptions *
kv_store_get_options (KvStore *store)
{
  g_return_val_if_fail (KV_IS_STORE (store), NULL);
  return store->options;
}

/* ---- Values that are canonical already ---------------------------------------------------- */

void
kv_store_set_values_canonical (KvStore *store, gboolean canonical)
{
  g_return_if_fail (KV_IS_STORE (store));
  g_atomic_int_set (&store->values_canonical, canonical ? 1 : 0);
}

/* LIBKV_CHECK_CANONICAL=1 re-canonicalizes trusted values and refuses any
 * that differ: the test suites run the k6 binding so, to catch an encoder
 * that drifted from kv_json_canonicalize(). */
static gboolean
check_canonical (void)
{
  static gint checked = -1;
  gint v = g_atomic_int_get (&checked);

  if (v < 0)
    {
      v = g_strcmp0 (g_getenv ("LIBKV_CHECK_CANONICAL"), "1") == 0;
      g_atomic_int_set (&checked, v);
    }
  return v;
}

GBytes *
_kv_store_value_encode (KvStore *store, KvCore *core, const char *data, gsize len, GError **error)
{
  GBytes *stored;
  g_autofree char *canonical = NULL;
  gsize canonical_len = 0;

  if (core->mode != KV_SERIALIZATION_JSON || !g_atomic_int_get (&store->values_canonical))
    return _kv_value_encode (core->mode, data, len, error);
  /* The caller vouches for the text: stored as given, after the size check. */
  stored = _kv_value_encode (KV_SERIALIZATION_STRING, data, len, error);
  if (stored == NULL || !check_canonical ())
    return stored;
  canonical = kv_json_canonicalize (data ? data : "", (gssize) len, &canonical_len, NULL);
  if (canonical == NULL || canonical_len != len || memcmp (canonical, data, len) != 0)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SERIALIZER,
                   "value %.*s is not canonical JSON (LIBKV_CHECK_CANONICAL); canonical: %.200s",
                   (int) MIN (len, 200), data, canonical ? canonical : "(invalid JSON)");
      g_bytes_unref (stored);
      return NULL;
    }
  return stored;
}

/* ---- Call helpers ------------------------------------------------------------------------- */

gboolean
_kv_core_check_writable (KvCore *core, GError **error)
{
  if (!core->read_only)
    return TRUE;
  g_set_error_literal (error, KV_ERROR, KV_ERROR_STORE_READ_ONLY,
                       "the store was opened read-only (disk.readOnly); it cannot be changed");
  return FALSE;
}

/* Acquire + key check, for single-key calls; returns NULL with @error set on failure. */
KvCore *
_kv_store_begin_key_call (KvStore *store, const char *key, gboolean writes, GError **error)
{
  KvCore *core;

  g_return_val_if_fail (KV_IS_STORE (store), NULL);
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return NULL;
  if (!_kv_key_validate (key, error) || (writes && !_kv_core_check_writable (core, error)))
    {
      _kv_core_release (core);
      return NULL;
    }
  return core;
}

void
_kv_item_errors_add (GPtrArray **items, gsize index, const char *key, const char *name,
                     const char *message)
{
  if (*items == NULL)
    *items = g_ptr_array_new_with_free_func ((GDestroyNotify) kv_item_error_free);
  g_ptr_array_add (*items, _kv_item_error_new (index, key, name, message));
}

/* Fails the batch call with INVALID_OPTIONS, handing the item errors to the caller. */
gboolean
_kv_fail_with_items (GPtrArray *items, GPtrArray **item_errors, const char *what, GError **error)
{
  const KvItemError *first = g_ptr_array_index (items, 0);

  g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
               "%s: %u invalid item(s), nothing was changed; first: item %" G_GSIZE_FORMAT ": %s",
               what, items->len, first->index, first->message);
  if (item_errors)
    *item_errors = g_ptr_array_ref (items);
  g_ptr_array_unref (items);
  return FALSE;
}

/* ---- Plain operations --------------------------------------------------------------------- */

GBytes *
kv_store_get (KvStore *store, const char *key, GError **error)
{
  KvCore *core = _kv_store_begin_key_call (store, key, FALSE, error);
  GBytes *value;
  GError *local = NULL;

  if (core == NULL)
    return NULL;
  value = _kv_backend_get (core->backend, key, &local);
  _kv_core_release (core);
  if (local)
    g_propagate_error (error, local);
  else if (value == NULL)
    g_set_error (error, KV_ERROR, KV_ERROR_KEY_NOT_FOUND, "key \"%.200s\" not found", key);
  return value;
}

static void
bytes_unref0 (gpointer p)
{
  if (p)
    g_bytes_unref (p);
}

GPtrArray *
kv_store_get_many (KvStore *store, const char *const *keys, gsize n_keys, GPtrArray **item_errors,
                   GError **error)
{
  KvCore *core;
  GPtrArray *items = NULL;
  GPtrArray *values;
  g_autofree const char **lookup = NULL;

  g_return_val_if_fail (KV_IS_STORE (store), NULL);
  g_return_val_if_fail (keys != NULL || n_keys == 0, NULL);

  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return NULL;

  /* An empty key cannot exist, so it reads as missing (as in xk6-kv); any other bad key is an error. */
  lookup = g_new0 (const char *, n_keys + 1);
  for (gsize i = 0; i < n_keys; i++)
    {
      const char *problem;
      if (keys[i] == NULL || keys[i][0] == '\0')
        continue;
      problem = _kv_key_problem (keys[i]);
      if (problem)
        _kv_item_errors_add (&items, i, keys[i], "InvalidEntries", problem);
      else
        lookup[i] = keys[i];
    }
  if (items)
    {
      _kv_core_release (core);
      _kv_fail_with_items (items, item_errors, "getMany", error);
      return NULL;
    }

  values = g_ptr_array_new_full ((guint) n_keys, bytes_unref0);
  g_ptr_array_set_size (values, (gint) n_keys);
  if (!_kv_backend_get_many (core->backend, lookup, n_keys, (GBytes **) values->pdata, error))
    {
      g_clear_pointer (&values, g_ptr_array_unref);
    }
  _kv_core_release (core);
  return values;
}

gboolean
kv_store_exists (KvStore *store, const char *key, gboolean *out_exists, GError **error)
{
  KvCore *core = _kv_store_begin_key_call (store, key, FALSE, error);
  GBytes *value;
  GError *local = NULL;

  if (core == NULL)
    return FALSE;
  value = _kv_backend_get (core->backend, key, &local);
  _kv_core_release (core);
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (out_exists)
    *out_exists = value != NULL;
  g_clear_pointer (&value, g_bytes_unref);
  return TRUE;
}

static KvResult *
set_start (KvStore *store, const char *key, const char *value, gsize value_len,
           KvResultFunc callback, gpointer user_data)
{
  KvResult *result = _kv_result_new (KV_RESULT_SET, 0, NULL, callback, user_data);

  if (!_kv_result_begin (result, store, key, TRUE) ||
      (result->value =
           _kv_store_value_encode (store, result->core, value, value_len, &result->error)) == NULL)
    {
      _kv_result_complete (result);
      return result;
    }
  result->write.kind = KV_WRITE_PUT;
  result->write.values = &result->value;
  _kv_result_run (result);
  return result;
}

void
kv_store_set_submit (KvStore *store, const char *key, const char *value, gsize value_len,
                     KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (set_start (store, key, value, value_len, callback, user_data));
}

gboolean
kv_store_set_finish (KvResult *result, GError **error)
{
  return _kv_result_check (result, KV_RESULT_SET, error);
}

gboolean
kv_store_set (KvStore *store, const char *key, const char *value, gsize value_len, GError **error)
{
  g_autoptr (KvResult) result = set_start (store, key, value, value_len, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_set_finish (result, error);
}

/* A batch's copies of its inputs, and the item errors that refused it. */
typedef struct
{
  char **keys;       /* NULL-terminated copy */
  GPtrArray *values; /* encoded, GBytes * (setMany) */
  GPtrArray *items;  /* KvItemError *, when the batch was refused item by item */
} BatchCtx;

static void
batch_ctx_clear (gpointer data)
{
  BatchCtx *ctx = data;

  g_strfreev (ctx->keys);
  g_clear_pointer (&ctx->values, g_ptr_array_unref);
  g_clear_pointer (&ctx->items, g_ptr_array_unref);
}

/* Refuses the batch with @items (INVALID_OPTIONS naming the first), keeping them for _finish. */
static void
batch_refuse (KvResult *result, GPtrArray *items, const char *what)
{
  BatchCtx *ctx = result->ctx;

  _kv_fail_with_items (items, &ctx->items, what, &result->error);
}

/* Copies @keys into the batch and points the result's write at them. */
static void
batch_take_keys (KvResult *result, const char *const *keys, gsize n)
{
  BatchCtx *ctx = result->ctx;

  ctx->keys = g_new0 (char *, n + 1);
  for (gsize i = 0; i < n; i++)
    ctx->keys[i] = g_strdup (keys[i]);
  result->write.keys = (const char *const *) ctx->keys;
  result->write.n = n;
}

static KvResult *
set_many_start (KvStore *store, const char *const *keys, const char *const *values,
                const gsize *value_lens, gsize n, KvResultFunc callback, gpointer user_data)
{
  KvResult *result =
      _kv_result_new (KV_RESULT_SET_MANY, sizeof (BatchCtx), batch_ctx_clear, callback, user_data);
  BatchCtx *ctx = result->ctx;
  GPtrArray *items = NULL;

  if (!_kv_result_begin (result, store, NULL, TRUE))
    goto done;
  /* Validate and encode everything before the first write: all or nothing. */
  ctx->values = g_ptr_array_new_full ((guint) n, bytes_unref0);
  for (gsize i = 0; i < n; i++)
    {
      const char *problem = _kv_key_problem (keys[i]);
      g_autoptr (GError) local = NULL;
      GBytes *bytes = NULL;

      if (problem)
        _kv_item_errors_add (&items, i, keys[i],
                             keys[i] == NULL || *keys[i] == '\0' ? "EmptyKey" : "InvalidEntries",
                             problem);
      else if ((bytes = _kv_store_value_encode (store, result->core, values[i], value_lens[i],
                                                &local)) == NULL)
        _kv_item_errors_add (&items, i, keys[i],
                             local->code == KV_ERROR_SERIALIZER ? "SerializerError"
                                                                : "InvalidEntries",
                             local->message);
      g_ptr_array_add (ctx->values, bytes);
    }
  if (items)
    {
      batch_refuse (result, items, "setMany");
      goto done;
    }
  batch_take_keys (result, keys, n);
  result->write.kind = KV_WRITE_PUT;
  result->write.values = (GBytes *const *) ctx->values->pdata;
  _kv_result_run (result);
  return result;
done:
  _kv_result_complete (result);
  return result;
}

void
kv_store_set_many_submit (KvStore *store, const char *const *keys, const char *const *values,
                          const gsize *value_lens, gsize n, KvResultFunc callback,
                          gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  g_return_if_fail (n == 0 || (keys && values && value_lens));
  kv_result_unref (set_many_start (store, keys, values, value_lens, n, callback, user_data));
}

/* The item errors of a batch refused item by item, for either _finish. */
static gboolean
batch_finish (KvResult *result, KvResultKind kind, GPtrArray **item_errors, GError **error)
{
  BatchCtx *ctx;

  if (_kv_result_check (result, kind, error))
    return TRUE;
  ctx = result->ctx;
  if (item_errors && ctx->items)
    *item_errors = g_ptr_array_ref (ctx->items);
  return FALSE;
}

gboolean
kv_store_set_many_finish (KvResult *result, GPtrArray **item_errors, GError **error)
{
  return batch_finish (result, KV_RESULT_SET_MANY, item_errors, error);
}

gboolean
kv_store_set_many (KvStore *store, const char *const *keys, const char *const *values,
                   const gsize *value_lens, gsize n, GPtrArray **item_errors, GError **error)
{
  g_autoptr (KvResult) result = NULL;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  g_return_val_if_fail (n == 0 || (keys && values && value_lens), FALSE);
  result = set_many_start (store, keys, values, value_lens, n, NULL, NULL);
  _kv_result_wait (result);
  return kv_store_set_many_finish (result, item_errors, error);
}

static KvResult *
delete_start (KvStore *store, const char *key, KvResultFunc callback, gpointer user_data)
{
  KvResult *result = _kv_result_new (KV_RESULT_DELETE, 0, NULL, callback, user_data);

  if (!_kv_result_begin (result, store, key, TRUE))
    {
      _kv_result_complete (result);
      return result;
    }
  result->write.kind = KV_WRITE_REMOVE;
  _kv_result_run (result);
  return result;
}

void
kv_store_delete_submit (KvStore *store, const char *key, KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  kv_result_unref (delete_start (store, key, callback, user_data));
}

gboolean
kv_store_delete_finish (KvResult *result, GError **error)
{
  return _kv_result_check (result, KV_RESULT_DELETE, error);
}

gboolean
kv_store_delete (KvStore *store, const char *key, GError **error)
{
  g_autoptr (KvResult) result = delete_start (store, key, NULL, NULL);

  _kv_result_wait (result);
  return kv_store_delete_finish (result, error);
}

static KvResult *
delete_many_start (KvStore *store, const char *const *keys, gsize n, KvResultFunc callback,
                   gpointer user_data)
{
  KvResult *result = _kv_result_new (KV_RESULT_DELETE_MANY, sizeof (BatchCtx), batch_ctx_clear,
                                     callback, user_data);
  GPtrArray *items = NULL;

  if (!_kv_result_begin (result, store, NULL, TRUE))
    goto done;
  for (gsize i = 0; i < n; i++)
    {
      const char *problem = _kv_key_problem (keys[i]);
      if (problem)
        _kv_item_errors_add (&items, i, keys[i],
                             keys[i] == NULL || *keys[i] == '\0' ? "EmptyKey" : "InvalidEntries",
                             problem);
    }
  if (items)
    {
      batch_refuse (result, items, "deleteMany");
      goto done;
    }
  batch_take_keys (result, keys, n);
  result->write.kind = KV_WRITE_REMOVE;
  _kv_result_run (result);
  return result;
done:
  _kv_result_complete (result);
  return result;
}

void
kv_store_delete_many_submit (KvStore *store, const char *const *keys, gsize n,
                             KvResultFunc callback, gpointer user_data)
{
  g_return_if_fail (callback != NULL);
  g_return_if_fail (keys != NULL || n == 0);
  kv_result_unref (delete_many_start (store, keys, n, callback, user_data));
}

gboolean
kv_store_delete_many_finish (KvResult *result, guint64 *out_deleted, guint64 *out_missing,
                             GPtrArray **item_errors, GError **error)
{
  if (!batch_finish (result, KV_RESULT_DELETE_MANY, item_errors, error))
    return FALSE;
  if (out_deleted)
    *out_deleted = result->write.count;
  if (out_missing)
    *out_missing = result->write.n - result->write.count;
  return TRUE;
}

gboolean
kv_store_delete_many (KvStore *store, const char *const *keys, gsize n, guint64 *out_deleted,
                      guint64 *out_missing, GPtrArray **item_errors, GError **error)
{
  g_autoptr (KvResult) result = NULL;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  g_return_val_if_fail (keys != NULL || n == 0, FALSE);
  result = delete_many_start (store, keys, n, NULL, NULL);
  _kv_result_wait (result);
  return kv_store_delete_many_finish (result, out_deleted, out_missing, item_errors, error);
}

gboolean
kv_store_clear (KvStore *store, GError **error)
{
  KvCore *core;
  gboolean ok;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  ok = _kv_core_check_writable (core, error) && _kv_backend_clear (core->backend, error);
  _kv_core_release (core);
  return ok;
}

gboolean
kv_store_size (KvStore *store, guint64 *out_size, GError **error)
{
  KvCore *core;
  guint64 count = 0;
  gboolean ok;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  ok = _kv_backend_count (core->backend, &count, error);
  _kv_core_release (core);
  if (ok && out_size)
    *out_size = count;
  return ok;
}

/* ---- Diagnostics -------------------------------------------------------------------------- */

char *
kv_store_dup_stats_json (KvStore *store, GError **error)
{
  KvCore *core;
  g_autoptr (JsonBuilder) b = NULL;
  g_autoptr (JsonNode) root = NULL;
  guint64 count = 0;
  KvClaimCounts claims;
  const KvOptions *o;

  g_return_val_if_fail (KV_IS_STORE (store), NULL);
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return NULL;
  if (!_kv_backend_count (core->backend, &count, error) ||
      !_kv_backend_claim_scan (core->backend, NULL, g_get_real_time () / 1000, NULL, &claims,
                               error))
    {
      _kv_core_release (core);
      return NULL;
    }
  o = core->options;

  b = json_builder_new_immutable ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "backend");
  json_builder_add_string_value (b, core->backend->vtable->name);
  json_builder_set_member_name (b, "serialization");
  json_builder_add_string_value (b, _kv_serialization_name (core->mode));
  json_builder_set_member_name (b, "trackKeys");
  json_builder_add_boolean_value (b, kv_options_get_track_keys (o));
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, (gint64) count);
  json_builder_set_member_name (b, "claims");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "live");
  json_builder_add_int_value (b, (gint64) claims.live);
  json_builder_set_member_name (b, "expired");
  json_builder_add_int_value (b, (gint64) claims.expired);
  json_builder_end_object (b);
  _kv_backend_add_index_stats (core->backend, b);
  _kv_backend_add_stats (core->backend, b);
  json_builder_end_object (b);
  _kv_core_release (core);

  root = json_builder_get_root (b);
  return _kv_json_node_to_canonical (root, NULL);
}
