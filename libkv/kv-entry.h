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
 */
typedef struct _KvEntry KvEntry;

KV_AVAILABLE_IN_1_0
GType kv_entry_get_type (void) G_GNUC_CONST;
#define KV_TYPE_ENTRY (kv_entry_get_type ())

/** kv_entry_new: @value: (transfer none): the value; the entry takes its own reference */
KV_AVAILABLE_IN_1_0
KvEntry *kv_entry_new (const char *key, GBytes *value);
KV_AVAILABLE_IN_1_0
KvEntry *kv_entry_copy (const KvEntry *entry);
KV_AVAILABLE_IN_1_0
void kv_entry_free (KvEntry *entry);
/** kv_entry_get_key: Returns: (transfer none): the key, valid as long as @entry */
KV_AVAILABLE_IN_1_0
const char *kv_entry_get_key (const KvEntry *entry);
/** kv_entry_get_value: Returns: (transfer none): the value (stored form), valid as long as @entry */
KV_AVAILABLE_IN_1_0
GBytes *kv_entry_get_value (const KvEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvEntry, kv_entry_free)

G_END_DECLS
