/* kv-entry.h — KvEntry: one key with its value, as list() and scan() return them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <glib-object.h>
#include <libkv/kv-version-macros.h>

G_BEGIN_DECLS

/**
 * KvEntry:
 *
 * An immutable key/value pair, reference-counted like #GBytes: share it with
 * kv_entry_ref(), drop it with kv_entry_unref().
 *
 * Since: 1.0
 */
typedef struct _KvEntry KvEntry;

KV_AVAILABLE_IN_1_0
GType kv_entry_get_type (void) G_GNUC_CONST;
#define KV_TYPE_ENTRY (kv_entry_get_type ())

/**
 * kv_entry_ref:
 * @entry: a #KvEntry
 *
 * Takes a reference on @entry. A #KvEntry never changes, so sharing one is
 * as good as copying it.
 *
 * Returns: (transfer full): @entry
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvEntry *kv_entry_ref (KvEntry *entry);

/**
 * kv_entry_unref:
 * @entry: (nullable) (transfer full): a #KvEntry
 *
 * Drops a reference on @entry, freeing it with the last one; %NULL is ignored.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_entry_unref (KvEntry *entry);

/**
 * kv_entry_get_key:
 * @entry: a #KvEntry
 *
 * Gets the entry's key.
 *
 * Returns: (transfer none): the key, valid as long as @entry
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
const char *kv_entry_get_key (const KvEntry *entry);

/**
 * kv_entry_get_value:
 * @entry: a #KvEntry
 *
 * Gets the entry's value in stored form (canonical JSON in json
 * serialization), followed in memory by a NUL byte its size does not count.
 *
 * Returns: (transfer none): the value, valid as long as @entry; take a
 *   reference with g_bytes_ref() to keep it longer
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GBytes *kv_entry_get_value (const KvEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvEntry, kv_entry_unref)

G_END_DECLS
