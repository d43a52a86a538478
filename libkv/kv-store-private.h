/* kv-store-private.h — the shared core behind KvStore handles.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kv-backend-private.h"

G_BEGIN_DECLS

/* One open store. Handles hold a reference each; every call in flight holds
 * one too, so closing the last handle never pulls the backend out from under
 * a running call. */
typedef struct
{
  gint ref_count;  /* atomic */
  gboolean shared; /* the process-wide store of kv_store_open_shared() */
  KvOptions *options;
  KvSerialization mode;
  gboolean read_only;
  KvBackend *backend;
  gint maintenance; /* atomic: 0, or the KvError of a backup/restore running */
} KvCore;

KvCore *_kv_core_acquire (KvStore *store, GError **error);
void _kv_core_release (KvCore *core);

/* KV_ERROR_STORE_READ_ONLY unless the store may be changed. */
gboolean _kv_core_check_writable (KvCore *core, GError **error);
/* Acquire + key check (+ writable check) for a single-key call; NULL with @error set on failure. */
KvCore *_kv_store_begin_key_call (KvStore *store, const char *key, gboolean writes, GError **error);

/* The stored form of a value passed to @store: _kv_value_encode(), or the
 * text as given when the handle's values are canonical already. */
GBytes *_kv_store_value_encode (KvStore *store, KvCore *core, const char *data, gsize len,
                                GError **error);

/* Batch calls: collect per-item errors, then fail the call with INVALID_OPTIONS. */
void _kv_item_errors_add (GPtrArray **items, gsize index, const char *key, const char *name,
                          const char *message);
gboolean _kv_fail_with_items (GPtrArray *items, GPtrArray **item_errors, const char *what,
                              GError **error);

G_END_DECLS
