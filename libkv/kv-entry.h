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
 * An immutable key/value pair. Boxed; copy with kv_entry_copy() (cheap: the
 * value is reference-counted), free with kv_entry_free().
 *
 * Since: 1.0
 */
typedef struct _KvEntry KvEntry;

KV_AVAILABLE_IN_1_0
GType kv_entry_get_type (void) G_GNUC_CONST;
#define KV_TYPE_ENTRY (kv_entry_get_type ())

/**
 * kv_entry_copy:
 * @entry: a #KvEntry
 *
 * Copies @entry; the copy shares the value's bytes.
 *
 * Returns: (transfer full): a new #KvEntry; free it with kv_entry_free()
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvEntry *kv_entry_copy (const KvEntry *entry);

/**
 * kv_entry_free:
 * @entry: (nullable) (transfer full): a #KvEntry
 *
 * Frees @entry and drops its reference on the value; %NULL is ignored.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_entry_free (KvEntry *entry);

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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvEntry, kv_entry_free)

G_END_DECLS
