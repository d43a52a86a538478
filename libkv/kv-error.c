/* kv-error.c — the KV_ERROR domain and the code ↔ JavaScript name table.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "kv.h"

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

/* One table serves three jobs: the GEnum type (value_nick is the JS name),
 * kv_error_code_get_name() and kv_error_code_from_name(). Indexed by code. */
static const GEnumValue error_values[] = {
  { KV_ERROR_UNKNOWN, "KV_ERROR_UNKNOWN", "UnknownError" },
  { KV_ERROR_KEY_NOT_FOUND, "KV_ERROR_KEY_NOT_FOUND", "KeyNotFoundError" },
  { KV_ERROR_INVALID_CURSOR, "KV_ERROR_INVALID_CURSOR", "InvalidCursorError" },
  { KV_ERROR_INVALID_BACKEND, "KV_ERROR_INVALID_BACKEND", "InvalidBackendError" },
  { KV_ERROR_INVALID_OPTIONS, "KV_ERROR_INVALID_OPTIONS", "InvalidOptionsError" },
  { KV_ERROR_INVALID_SERIALIZATION, "KV_ERROR_INVALID_SERIALIZATION", "InvalidSerializationError" },
  { KV_ERROR_INTERNAL_STORE, "KV_ERROR_INTERNAL_STORE", "InternalStoreError" },
  { KV_ERROR_KV_OPTIONS_CONFLICT, "KV_ERROR_KV_OPTIONS_CONFLICT", "KVOptionsConflictError" },
  { KV_ERROR_BACKUP_OPTIONS_REQUIRED, "KV_ERROR_BACKUP_OPTIONS_REQUIRED", "BackupOptionsRequiredError" },
  { KV_ERROR_RESTORE_OPTIONS_REQUIRED, "KV_ERROR_RESTORE_OPTIONS_REQUIRED", "RestoreOptionsRequiredError" },
  { KV_ERROR_METRICS_UNAVAILABLE, "KV_ERROR_METRICS_UNAVAILABLE", "MetricsUnavailableError" },
  { KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED, "KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED", "SnapshotBudgetExceededError" },
  { KV_ERROR_VALUE_NUMBER_REQUIRED, "KV_ERROR_VALUE_NUMBER_REQUIRED", "ValueNumberRequiredError" },
  { KV_ERROR_UNSUPPORTED_VALUE_TYPE, "KV_ERROR_UNSUPPORTED_VALUE_TYPE", "UnsupportedValueTypeError" },
  { KV_ERROR_VALUE_PARSE, "KV_ERROR_VALUE_PARSE", "ValueParseError" },
  { KV_ERROR_SERIALIZER, "KV_ERROR_SERIALIZER", "SerializerError" },
  { KV_ERROR_UNEXPECTED_STORE_OUTPUT, "KV_ERROR_UNEXPECTED_STORE_OUTPUT", "UnexpectedStoreOutputError" },
  { KV_ERROR_BACKUP_IN_PROGRESS, "KV_ERROR_BACKUP_IN_PROGRESS", "BackupInProgressError" },
  { KV_ERROR_RESTORE_IN_PROGRESS, "KV_ERROR_RESTORE_IN_PROGRESS", "RestoreInProgressError" },
  { KV_ERROR_OPERATION_CANCELED, "KV_ERROR_OPERATION_CANCELED", "OperationCanceledError" },
  { KV_ERROR_STORE_READ_ONLY, "KV_ERROR_STORE_READ_ONLY", "StoreReadOnlyError" },
  { KV_ERROR_STORE_CLOSED, "KV_ERROR_STORE_CLOSED", "StoreClosedError" },
  { KV_ERROR_DATABASE_NOT_OPEN, "KV_ERROR_DATABASE_NOT_OPEN", "DatabaseNotOpenError" },
  { KV_ERROR_SNAPSHOT_NOT_FOUND, "KV_ERROR_SNAPSHOT_NOT_FOUND", "SnapshotNotFoundError" },
  { KV_ERROR_SNAPSHOT_PERMISSION, "KV_ERROR_SNAPSHOT_PERMISSION", "SnapshotPermissionError" },
  { KV_ERROR_SNAPSHOT_EXPORT, "KV_ERROR_SNAPSHOT_EXPORT", "SnapshotExportError" },
  { KV_ERROR_SNAPSHOT_IO, "KV_ERROR_SNAPSHOT_IO", "SnapshotIOError" },
  { KV_ERROR_SNAPSHOT_READ, "KV_ERROR_SNAPSHOT_READ", "SnapshotReadError" },
  { KV_ERROR_SNAPSHOT_KEY_MISSING, "KV_ERROR_SNAPSHOT_KEY_MISSING", "SnapshotKeyMissingError" },
  { KV_ERROR_DISK_PATH, "KV_ERROR_DISK_PATH", "DiskPathError" },
  { KV_ERROR_DISK_STORE_OPEN, "KV_ERROR_DISK_STORE_OPEN", "DiskStoreOpenError" },
  { KV_ERROR_DISK_STORE_READ, "KV_ERROR_DISK_STORE_READ", "DiskStoreReadError" },
  { KV_ERROR_DISK_STORE_WRITE, "KV_ERROR_DISK_STORE_WRITE", "DiskStoreWriteError" },
  { KV_ERROR_DISK_STORE_DELETE, "KV_ERROR_DISK_STORE_DELETE", "DiskStoreDeleteError" },
  { KV_ERROR_DISK_STORE_EXISTS, "KV_ERROR_DISK_STORE_EXISTS", "DiskStoreExistsError" },
  { KV_ERROR_DISK_STORE_SCAN, "KV_ERROR_DISK_STORE_SCAN", "DiskStoreScanError" },
  { KV_ERROR_DISK_STORE_SIZE, "KV_ERROR_DISK_STORE_SIZE", "DiskStoreSizeError" },
  { KV_ERROR_DISK_STORE_INDEX, "KV_ERROR_DISK_STORE_INDEX", "DiskStoreIndexError" },
  { KV_ERROR_KEY_LIST_REBUILD, "KV_ERROR_KEY_LIST_REBUILD", "KeyListRebuildError" },
  { KV_ERROR_BUCKET_NOT_FOUND, "KV_ERROR_BUCKET_NOT_FOUND", "BucketNotFoundError" },
  { 0, NULL, NULL },
};

G_STATIC_ASSERT (G_N_ELEMENTS (error_values) == KV_ERROR_N_CODES + 1);

GType
kv_error_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType id = g_enum_register_static (g_intern_static_string ("KvError"), error_values);
      g_once_init_leave (&type_id, id);
    }
  return type_id;
}

const char *
kv_error_code_get_name (int code)
{
  if (code < 0 || code >= KV_ERROR_N_CODES)
    return error_values[KV_ERROR_UNKNOWN].value_nick;
  return error_values[code].value_nick;
}

gboolean
kv_error_code_from_name (const char *name, KvError *code)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (int i = 0; i < KV_ERROR_N_CODES; i++)
    if (g_str_equal (error_values[i].value_nick, name))
      {
        if (code)
          *code = (KvError) error_values[i].value;
        return TRUE;
      }
  return FALSE;
}

KvItemError *
kv_item_error_new (gsize index, const char *key, const char *name, const char *message)
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
  copy = kv_item_error_new (item->index, item->key, item->name, item->message);
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
