/* kv-entry.c — KvEntry, an immutable key/value pair.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "kv.h"
#include "kv-value-private.h"

struct _KvEntry
{
  char *key;
  GBytes *value;
};

KvEntry *
_kv_entry_new (const char *key, GBytes *value)
{
  KvEntry *entry;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);
  entry = g_new (KvEntry, 1);
  entry->key = g_strdup (key);
  entry->value = g_bytes_ref (value);
  return entry;
}

KvEntry *
kv_entry_copy (const KvEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  return _kv_entry_new (entry->key, entry->value);
}

void
kv_entry_free (KvEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->key);
  g_bytes_unref (entry->value);
  g_free (entry);
}

const char *
kv_entry_get_key (const KvEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  return entry->key;
}

GBytes *
kv_entry_get_value (const KvEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  return entry->value;
}

G_DEFINE_BOXED_TYPE (KvEntry, kv_entry, kv_entry_copy, kv_entry_free)
