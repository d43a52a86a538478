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
  gint ref_count; /* atomic */
  gboolean shared; /* the process-wide store of kv_store_open_shared() */
  KvOptions *options;
  KvSerialization mode;
  gboolean read_only;
  KvBackend *backend;
} KvCore;

KvCore *_kv_core_acquire (KvStore *store, GError **error);
void _kv_core_release (KvCore *core);

G_END_DECLS
