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

#include "kv-cursor-private.h"
#include "kv-store-private.h"
#include "kv-value-private.h"

struct _KvStore
{
  GObject parent_instance;

  /* Guards core. A read lock per call (calls on one handle do not serialize),
   * the write lock to close. GRWLock rather than GMutex also because it is
   * pthread-based, so ThreadSanitizer sees it (GLib's GMutex is a bare futex). */
  GRWLock lock;
  KvCore *core;       /* NULL once closed */
  KvOptions *options; /* kept after close for kv_store_get_options() */
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
      g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_BACKEND,
                           "this libkv was built without the disk (LMDB) backend; "
                           "open the store with backend \"memory\"");
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

static void
core_free (KvCore *core)
{
  core->backend->vtable->free (core->backend);
  kv_options_free (core->options);
  g_free (core);
}

void
_kv_core_release (KvCore *core)
{
  if (!g_atomic_int_dec_and_test (&core->ref_count))
    return;
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

/* ---- Call helpers ------------------------------------------------------------------------- */

static gboolean
check_writable (KvCore *core, GError **error)
{
  if (!core->read_only)
    return TRUE;
  g_set_error_literal (error, KV_ERROR, KV_ERROR_STORE_READ_ONLY,
                       "the store was opened read-only (disk.readOnly); it cannot be changed");
  return FALSE;
}

/* Acquire + key check, for single-key calls; returns NULL with @error set on failure. */
static KvCore *
begin_key_call (KvStore *store, const char *key, gboolean writes, GError **error)
{
  KvCore *core;

  g_return_val_if_fail (KV_IS_STORE (store), NULL);
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return NULL;
  if (!_kv_key_validate (key, error) || (writes && !check_writable (core, error)))
    {
      _kv_core_release (core);
      return NULL;
    }
  return core;
}

static void
item_errors_add (GPtrArray **items, gsize index, const char *key, const char *name,
                 const char *message)
{
  if (*items == NULL)
    *items = g_ptr_array_new_with_free_func ((GDestroyNotify) kv_item_error_free);
  g_ptr_array_add (*items, kv_item_error_new (index, key, name, message));
}

/* Fails the batch call with INVALID_OPTIONS, handing the item errors to the caller. */
static gboolean
fail_with_items (GPtrArray *items, GPtrArray **item_errors, const char *what, GError **error)
{
  const KvItemError *first = g_ptr_array_index (items, 0);

  g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
               "%s: %u invalid item(s), nothing was changed; first: item %" G_GSIZE_FORMAT
               ": %s",
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
  KvCore *core = begin_key_call (store, key, FALSE, error);
  GBytes *value;
  GError *local = NULL;

  if (core == NULL)
    return NULL;
  value = core->backend->vtable->get (core->backend, key, &local);
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
kv_store_get_many (KvStore *store, const char *const *keys, gsize n_keys,
                   GPtrArray **item_errors, GError **error)
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
        item_errors_add (&items, i, keys[i], "InvalidEntries", problem);
      else
        lookup[i] = keys[i];
    }
  if (items)
    {
      _kv_core_release (core);
      fail_with_items (items, item_errors, "getMany", error);
      return NULL;
    }

  values = g_ptr_array_new_full ((guint) n_keys, bytes_unref0);
  g_ptr_array_set_size (values, (gint) n_keys);
  if (!core->backend->vtable->get_many (core->backend, lookup, n_keys, (GBytes **) values->pdata,
                                        error))
    {
      g_clear_pointer (&values, g_ptr_array_unref);
    }
  _kv_core_release (core);
  return values;
}

gboolean
kv_store_exists (KvStore *store, const char *key, gboolean *out_exists, GError **error)
{
  KvCore *core = begin_key_call (store, key, FALSE, error);
  GBytes *value;
  GError *local = NULL;

  if (core == NULL)
    return FALSE;
  value = core->backend->vtable->get (core->backend, key, &local);
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

gboolean
kv_store_set (KvStore *store, const char *key, const char *value, gsize value_len,
              GError **error)
{
  KvCore *core = begin_key_call (store, key, TRUE, error);
  g_autoptr (GBytes) encoded = NULL;
  gboolean ok = FALSE;

  if (core == NULL)
    return FALSE;
  encoded = _kv_value_encode (core->mode, value, value_len, error);
  if (encoded)
    ok = core->backend->vtable->put (core->backend, key, encoded, error);
  _kv_core_release (core);
  return ok;
}

gboolean
kv_store_set_many (KvStore *store, const char *const *keys, const char *const *values,
                   const gsize *value_lens, gsize n, GPtrArray **item_errors, GError **error)
{
  KvCore *core;
  GPtrArray *items = NULL;
  g_autoptr (GPtrArray) encoded = NULL;
  gboolean ok;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  g_return_val_if_fail (n == 0 || (keys && values && value_lens), FALSE);

  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  if (!check_writable (core, error))
    {
      _kv_core_release (core);
      return FALSE;
    }

  /* Validate and encode everything before the first write: all or nothing. */
  encoded = g_ptr_array_new_full ((guint) n, bytes_unref0);
  for (gsize i = 0; i < n; i++)
    {
      const char *problem = _kv_key_problem (keys[i]);
      g_autoptr (GError) local = NULL;
      GBytes *bytes = NULL;

      if (problem)
        item_errors_add (&items, i, keys[i],
                         keys[i] == NULL || *keys[i] == '\0' ? "EmptyKey" : "InvalidEntries",
                         problem);
      else if ((bytes = _kv_value_encode (core->mode, values[i], value_lens[i], &local)) == NULL)
        item_errors_add (&items, i, keys[i],
                         local->code == KV_ERROR_SERIALIZER ? "SerializerError" : "InvalidEntries",
                         local->message);
      g_ptr_array_add (encoded, bytes);
    }
  if (items)
    {
      _kv_core_release (core);
      return fail_with_items (items, item_errors, "setMany", error);
    }
  ok = core->backend->vtable->put_many (core->backend, keys, (GBytes *const *) encoded->pdata, n,
                                        error);
  _kv_core_release (core);
  return ok;
}

gboolean
kv_store_delete (KvStore *store, const char *key, GError **error)
{
  KvCore *core = begin_key_call (store, key, TRUE, error);
  gboolean ok;

  if (core == NULL)
    return FALSE;
  ok = core->backend->vtable->remove (core->backend, key, NULL, error);
  _kv_core_release (core);
  return ok;
}

gboolean
kv_store_delete_many (KvStore *store, const char *const *keys, gsize n, guint64 *out_deleted,
                      guint64 *out_missing, GPtrArray **item_errors, GError **error)
{
  KvCore *core;
  GPtrArray *items = NULL;
  guint64 deleted = 0;
  gboolean ok;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  g_return_val_if_fail (keys != NULL || n == 0, FALSE);

  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  if (!check_writable (core, error))
    {
      _kv_core_release (core);
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    {
      const char *problem = _kv_key_problem (keys[i]);
      if (problem)
        item_errors_add (&items, i, keys[i],
                         keys[i] == NULL || *keys[i] == '\0' ? "EmptyKey" : "InvalidEntries",
                         problem);
    }
  if (items)
    {
      _kv_core_release (core);
      return fail_with_items (items, item_errors, "deleteMany", error);
    }
  ok = core->backend->vtable->remove_many (core->backend, keys, n, &deleted, error);
  _kv_core_release (core);
  if (ok)
    {
      if (out_deleted)
        *out_deleted = deleted;
      if (out_missing)
        *out_missing = n - deleted;
    }
  return ok;
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
  ok = check_writable (core, error) && core->backend->vtable->clear (core->backend, error);
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
  ok = core->backend->vtable->count (core->backend, &count, error);
  _kv_core_release (core);
  if (ok && out_size)
    *out_size = count;
  return ok;
}

/* ---- Atomic operations: one update callback each ------------------------------------------ */

typedef struct
{
  KvSerialization mode;
  gint64 delta;
  gint64 result;
} IncrementCtx;

static KvUpdateAction
increment_cb (GBytes *current, GBytes **replacement, gpointer user_data, GError **error)
{
  IncrementCtx *ctx = user_data;
  gint64 old = 0;

  if (current && !_kv_value_to_int64 (current, ctx->mode, &old, error))
    return KV_UPDATE_KEEP;
  if (__builtin_add_overflow (old, ctx->delta, &ctx->result))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE,
                   "incrementing %" G_GINT64_FORMAT " by %" G_GINT64_FORMAT
                   " overflows a 64-bit integer",
                   old, ctx->delta);
      return KV_UPDATE_KEEP;
    }
  *replacement = _kv_value_from_int64 (ctx->result);
  return KV_UPDATE_PUT;
}

gboolean
kv_store_increment_by (KvStore *store, const char *key, gint64 delta, gint64 *out_value,
                       GError **error)
{
  KvCore *core = begin_key_call (store, key, TRUE, error);
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
  GBytes *expected;  /* compare: the value required; NULL = must be missing */
  GBytes *value;     /* the value to store, if any */
  GBytes *observed;  /* out: the value found (a reference), if any */
  gboolean changed;  /* out: whether the update stored or deleted */
} ExchangeCtx;

static KvUpdateAction
get_or_set_cb (GBytes *current, GBytes **replacement, gpointer user_data, GError **error)
{
  ExchangeCtx *ctx = user_data;

  if (current)
    {
      ctx->observed = g_bytes_ref (current);
      return KV_UPDATE_KEEP;
    }
  ctx->changed = TRUE;
  *replacement = g_bytes_ref (ctx->value);
  return KV_UPDATE_PUT;
}

static KvUpdateAction
swap_cb (GBytes *current, GBytes **replacement, gpointer user_data, GError **error)
{
  ExchangeCtx *ctx = user_data;

  ctx->observed = current ? g_bytes_ref (current) : NULL;
  ctx->changed = TRUE;
  *replacement = g_bytes_ref (ctx->value);
  return KV_UPDATE_PUT;
}

static gboolean
matches_expected (GBytes *current, GBytes *expected)
{
  if (expected == NULL)
    return current == NULL;
  return current != NULL && g_bytes_equal (current, expected);
}

static KvUpdateAction
compare_and_swap_cb (GBytes *current, GBytes **replacement, gpointer user_data, GError **error)
{
  ExchangeCtx *ctx = user_data;

  if (!matches_expected (current, ctx->expected))
    {
      ctx->observed = current ? g_bytes_ref (current) : NULL;
      return KV_UPDATE_KEEP;
    }
  ctx->changed = TRUE;
  *replacement = g_bytes_ref (ctx->value);
  return KV_UPDATE_PUT;
}

static KvUpdateAction
compare_and_delete_cb (GBytes *current, GBytes **replacement, gpointer user_data, GError **error)
{
  ExchangeCtx *ctx = user_data;

  if (!matches_expected (current, ctx->expected))
    {
      ctx->observed = current ? g_bytes_ref (current) : NULL;
      return KV_UPDATE_KEEP;
    }
  ctx->changed = TRUE;
  return KV_UPDATE_DELETE;
}

static KvUpdateAction
delete_if_exists_cb (GBytes *current, GBytes **replacement, gpointer user_data, GError **error)
{
  ExchangeCtx *ctx = user_data;

  ctx->changed = current != NULL;
  return current ? KV_UPDATE_DELETE : KV_UPDATE_KEEP;
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
  KvCore *core = begin_key_call (store, key, TRUE, error);
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

/* ---- Order, paging, sampling -------------------------------------------------------------- */

/* NULL and "" match everything; anything else must be something a key could start with. */
static gboolean
check_prefix (const char *prefix, gboolean required, GError **error)
{
  if (prefix == NULL || *prefix == '\0')
    {
      if (!required)
        return TRUE;
      g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                           "prefix is required and must be a non-empty string");
      return FALSE;
    }
  if (strlen (prefix) > KV_MAX_KEY_LENGTH || !g_utf8_validate (prefix, -1, NULL))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                   "prefix must be valid UTF-8 of at most %d bytes", KV_MAX_KEY_LENGTH);
      return FALSE;
    }
  return TRUE;
}

/* limit <= 0 means "no limit" (0); a positive limit above @cap is an error. */
static gboolean
check_limit (gint64 limit, gint64 cap, const char *what, guint64 *out, GError **error)
{
  if (limit > cap)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                   "%s limit %" G_GINT64_FORMAT " is above the maximum of %" G_GINT64_FORMAT
                   "; page through the keys instead",
                   what, limit, cap);
      return FALSE;
    }
  *out = limit > 0 ? (guint64) limit : 0;
  return TRUE;
}

static GPtrArray *
list_common (KvStore *store, const char *prefix, gint64 limit, gboolean keys_only, GError **error)
{
  KvCore *core;
  guint64 max;
  gboolean more;
  GPtrArray *out;

  g_return_val_if_fail (KV_IS_STORE (store), NULL);
  if (!check_prefix (prefix, FALSE, error) ||
      !check_limit (limit, KV_LIST_LIMIT_MAX, keys_only ? "listKeys" : "list", &max, error))
    return NULL;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func (keys_only ? g_free : (GDestroyNotify) kv_entry_free);
  if (!core->backend->vtable->scan (core->backend, prefix, NULL, max, keys_only, out, &more,
                                    error))
    g_clear_pointer (&out, g_ptr_array_unref);
  _kv_core_release (core);
  return out;
}

GPtrArray *
kv_store_list (KvStore *store, const char *prefix, gint64 limit, GError **error)
{
  return list_common (store, prefix, limit, FALSE, error);
}

GPtrArray *
kv_store_list_keys (KvStore *store, const char *prefix, gint64 limit, GError **error)
{
  return list_common (store, prefix, limit, TRUE, error);
}

static gboolean
scan_common (KvStore *store, const char *prefix, const char *cursor, gint64 limit,
             gboolean keys_only, GPtrArray **out_items, char **out_cursor, gboolean *out_done,
             GError **error)
{
  KvCore *core;
  guint64 max;
  gboolean more = FALSE;
  g_autofree char *after = NULL;
  g_autoptr (GPtrArray) items = NULL;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  g_return_val_if_fail (out_items != NULL && out_cursor != NULL && out_done != NULL, FALSE);
  if (!check_prefix (prefix, FALSE, error) ||
      !check_limit (limit, KV_SCAN_LIMIT_MAX, keys_only ? "scanKeys" : "scan", &max, error) ||
      !_kv_cursor_decode (cursor, prefix, &after, error))
    return FALSE;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  items = g_ptr_array_new_with_free_func (keys_only ? g_free : (GDestroyNotify) kv_entry_free);
  if (!core->backend->vtable->scan (core->backend, prefix, after, max, keys_only, items, &more,
                                    error))
    {
      _kv_core_release (core);
      return FALSE;
    }
  _kv_core_release (core);

  /* The next page starts strictly after the last key of this one; an empty
   * page hands back the cursor it was given, so polling a finished scan is stable. */
  if (items->len > 0)
    {
      gpointer last = items->pdata[items->len - 1];
      *out_cursor =
        _kv_cursor_encode (prefix, keys_only ? (const char *) last : kv_entry_get_key (last));
    }
  else
    *out_cursor = g_strdup (after ? cursor : "");
  *out_done = !more;
  *out_items = g_steal_pointer (&items);
  return TRUE;
}

gboolean
kv_store_scan (KvStore *store, const char *prefix, const char *cursor, gint64 limit,
               GPtrArray **out_entries, char **out_cursor, gboolean *out_done, GError **error)
{
  return scan_common (store, prefix, cursor, limit, FALSE, out_entries, out_cursor, out_done,
                      error);
}

gboolean
kv_store_scan_keys (KvStore *store, const char *prefix, const char *cursor, gint64 limit,
                    GPtrArray **out_keys, char **out_cursor, gboolean *out_done, GError **error)
{
  return scan_common (store, prefix, cursor, limit, TRUE, out_keys, out_cursor, out_done, error);
}

gboolean
kv_store_count (KvStore *store, const char *prefix, guint64 *out_count, GError **error)
{
  KvCore *core;
  guint64 count = 0;
  gboolean ok;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  if (!check_prefix (prefix, FALSE, error))
    return FALSE;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  ok = core->backend->vtable->count_prefix (core->backend, prefix, &count, error);
  _kv_core_release (core);
  if (ok && out_count)
    *out_count = count;
  return ok;
}

gboolean
kv_store_delete_by_prefix (KvStore *store, const char *prefix, gint64 limit,
                           guint64 *out_deleted, gboolean *out_done, GError **error)
{
  KvCore *core;
  guint64 max, deleted = 0;
  gboolean more = FALSE, ok;
  g_autoptr (GPtrArray) keys = NULL;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  if (!check_prefix (prefix, TRUE, error))
    return FALSE;
  if (limit <= 0)
    {
      g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                           "deleteByPrefix limit is required and must be a positive integer");
      return FALSE;
    }
  if (!check_limit (limit, KV_DELETE_BY_PREFIX_LIMIT_MAX, "deleteByPrefix", &max, error))
    return FALSE;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  if (!check_writable (core, error))
    {
      _kv_core_release (core);
      return FALSE;
    }
  keys = g_ptr_array_new_with_free_func (g_free);
  ok = core->backend->vtable->scan (core->backend, prefix, NULL, max, TRUE, keys, &more, error) &&
       core->backend->vtable->remove_many (core->backend, (const char *const *) keys->pdata,
                                           keys->len, &deleted, error);
  _kv_core_release (core);
  if (!ok)
    return FALSE;
  if (out_deleted)
    *out_deleted = deleted;
  if (out_done)
    *out_done = !more;
  return TRUE;
}

static GPtrArray *
random_common (KvStore *store, const char *prefix, guint64 count, gboolean unique,
               GError **error)
{
  KvCore *core;
  GPtrArray *keys;

  if (!check_prefix (prefix, FALSE, error))
    return NULL;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return NULL;
  keys = g_ptr_array_new_with_free_func (g_free);
  if (!core->backend->vtable->random_keys (core->backend, prefix, count, unique, keys, error))
    g_clear_pointer (&keys, g_ptr_array_unref);
  _kv_core_release (core);
  return keys;
}

gboolean
kv_store_random_key (KvStore *store, const char *prefix, char **out_key, GError **error)
{
  g_autoptr (GPtrArray) keys = NULL;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  g_return_val_if_fail (out_key != NULL, FALSE);
  keys = random_common (store, prefix, 1, TRUE, error);
  if (keys == NULL)
    return FALSE;
  *out_key = keys->len ? g_strdup (keys->pdata[0]) : NULL;
  return TRUE;
}

GPtrArray *
kv_store_random_keys (KvStore *store, const char *prefix, gint64 count, gboolean unique,
                      GError **error)
{
  g_return_val_if_fail (KV_IS_STORE (store), NULL);
  if (count < 1 || count > KV_RANDOM_KEYS_COUNT_MAX)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                   "randomKeys count must be an integer from 1 to %d", KV_RANDOM_KEYS_COUNT_MAX);
      return NULL;
    }
  return random_common (store, prefix, (guint64) count, unique, error);
}

gboolean
kv_store_rebuild_key_list (KvStore *store, GError **error)
{
  KvCore *core;
  gboolean ok;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  ok = core->backend->vtable->rebuild_index (core->backend, error);
  _kv_core_release (core);
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
  const KvOptions *o;

  g_return_val_if_fail (KV_IS_STORE (store), NULL);
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return NULL;
  if (!core->backend->vtable->count (core->backend, &count, error))
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
  json_builder_add_string_value (b, core->mode == KV_SERIALIZATION_JSON ? "json" : "string");
  json_builder_set_member_name (b, "trackKeys");
  json_builder_add_boolean_value (b, kv_options_get_track_keys (o));
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, (gint64) count);
  /* No claim operation exists in this version, so no claim can be live or expired. */
  json_builder_set_member_name (b, "claims");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "live");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "expired");
  json_builder_add_int_value (b, 0);
  json_builder_end_object (b);
  core->backend->vtable->add_index_stats (core->backend, b);
  json_builder_set_member_name (b, "disk");
  json_builder_add_null_value (b);
  core->backend->vtable->add_stats (core->backend, b);
  json_builder_end_object (b);
  _kv_core_release (core);

  root = json_builder_get_root (b);
  return kv_json_node_to_canonical (root, NULL);
}
