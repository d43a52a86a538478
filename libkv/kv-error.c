/* kv-error.c — the KV_ERROR domain and the code ↔ JavaScript name mapping.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "kv.h"
#include "kv-value-private.h"

/* Not G_DEFINE_QUARK: its cache is a plain static written by whichever thread
 * comes first, a data race (harmless in practice, but undefined behaviour and a
 * ThreadSanitizer report). Atomics make the same idempotent cache well-defined. */
GQuark
kv_error_quark (void)
{
  static gint cached;
  GQuark quark = (GQuark) g_atomic_int_get (&cached);

  if (G_UNLIKELY (quark == 0))
    {
      quark = g_quark_from_static_string ("kv-error-quark");
      g_atomic_int_set (&cached, (gint) quark);
    }
  return quark;
}

/* The GEnum type (glib-mkenums, kv-enum-types.c) is the one table of codes:
 * each value's nick, set in kv-error.h, is its JavaScript name. The class is
 * referenced once and kept, so the lookups below are plain reads. */
static GEnumClass *
error_class (void)
{
  static gsize klass;

  if (g_once_init_enter (&klass))
    g_once_init_leave (&klass, (gsize) g_type_class_ref (KV_TYPE_ERROR));
  return (GEnumClass *) klass;
}

const char *
kv_error_code_get_name (int code)
{
  GEnumValue *value = g_enum_get_value (error_class (), code);

  if (value == NULL)
    value = g_enum_get_value (error_class (), KV_ERROR_UNKNOWN);
  return value->value_nick;
}

gboolean
kv_error_code_from_name (const char *name, KvError *code)
{
  GEnumValue *value;

  g_return_val_if_fail (name != NULL, FALSE);

  value = g_enum_get_value_by_nick (error_class (), name);
  if (value == NULL)
    return FALSE;
  if (code)
    *code = (KvError) value->value;
  return TRUE;
}

KvItemError *
_kv_item_error_new (gsize index, const char *key, const char *name, const char *message)
{
  KvItemError *item;

  g_return_val_if_fail (name != NULL, NULL);
  item = g_new0 (KvItemError, 1);
  item->index = index;
  item->key = g_strdup (key);
  item->name = g_strdup (name);
  item->message = g_strdup (message ? message : "");
  return item;
}

KvItemError *
kv_item_error_copy (const KvItemError *item)
{
  KvItemError *copy;

  g_return_val_if_fail (item != NULL, NULL);
  copy = _kv_item_error_new (item->index, item->key, item->name, item->message);
  copy->id = g_strdup (item->id);
  return copy;
}

void
kv_item_error_free (KvItemError *item)
{
  if (item == NULL)
    return;
  g_free (item->key);
  g_free (item->id);
  g_free (item->name);
  g_free (item->message);
  g_free (item);
}

G_DEFINE_BOXED_TYPE (KvItemError, kv_item_error, kv_item_error_copy, kv_item_error_free)
