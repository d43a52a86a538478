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

/* The JavaScript name of every code: the front ends throw these, and the
 * xk6-kv README defines them. A table of its own rather than the GEnum's
 * nicks, which bindings turn into member names (KEYNOTFOUNDERROR). */
static const char *const js_names[] = {
  [KV_ERROR_UNKNOWN] = "UnknownError",
  [KV_ERROR_KEY_NOT_FOUND] = "KeyNotFoundError",
  [KV_ERROR_INVALID_CURSOR] = "InvalidCursorError",
  [KV_ERROR_INVALID_BACKEND] = "InvalidBackendError",
  [KV_ERROR_INVALID_OPTIONS] = "InvalidOptionsError",
  [KV_ERROR_INVALID_SERIALIZATION] = "InvalidSerializationError",
  [KV_ERROR_INTERNAL_STORE] = "InternalStoreError",
  [KV_ERROR_KV_OPTIONS_CONFLICT] = "KVOptionsConflictError",
  [KV_ERROR_BACKUP_OPTIONS_REQUIRED] = "BackupOptionsRequiredError",
  [KV_ERROR_RESTORE_OPTIONS_REQUIRED] = "RestoreOptionsRequiredError",
  [KV_ERROR_METRICS_UNAVAILABLE] = "MetricsUnavailableError",
  [KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED] = "SnapshotBudgetExceededError",
  [KV_ERROR_VALUE_NUMBER_REQUIRED] = "ValueNumberRequiredError",
  [KV_ERROR_UNSUPPORTED_VALUE_TYPE] = "UnsupportedValueTypeError",
  [KV_ERROR_VALUE_PARSE] = "ValueParseError",
  [KV_ERROR_SERIALIZER] = "SerializerError",
  [KV_ERROR_UNEXPECTED_STORE_OUTPUT] = "UnexpectedStoreOutputError",
  [KV_ERROR_BACKUP_IN_PROGRESS] = "BackupInProgressError",
  [KV_ERROR_RESTORE_IN_PROGRESS] = "RestoreInProgressError",
  [KV_ERROR_OPERATION_CANCELED] = "OperationCanceledError",
  [KV_ERROR_STORE_READ_ONLY] = "StoreReadOnlyError",
  [KV_ERROR_STORE_CLOSED] = "StoreClosedError",
  [KV_ERROR_DATABASE_NOT_OPEN] = "DatabaseNotOpenError",
  [KV_ERROR_SNAPSHOT_NOT_FOUND] = "SnapshotNotFoundError",
  [KV_ERROR_SNAPSHOT_PERMISSION] = "SnapshotPermissionError",
  [KV_ERROR_SNAPSHOT_EXPORT] = "SnapshotExportError",
  [KV_ERROR_SNAPSHOT_IO] = "SnapshotIOError",
  [KV_ERROR_SNAPSHOT_READ] = "SnapshotReadError",
  [KV_ERROR_SNAPSHOT_KEY_MISSING] = "SnapshotKeyMissingError",
  [KV_ERROR_DISK_PATH] = "DiskPathError",
  [KV_ERROR_DISK_STORE_OPEN] = "DiskStoreOpenError",
  [KV_ERROR_DISK_STORE_READ] = "DiskStoreReadError",
  [KV_ERROR_DISK_STORE_WRITE] = "DiskStoreWriteError",
  [KV_ERROR_DISK_STORE_DELETE] = "DiskStoreDeleteError",
  [KV_ERROR_DISK_STORE_EXISTS] = "DiskStoreExistsError",
  [KV_ERROR_DISK_STORE_SCAN] = "DiskStoreScanError",
  [KV_ERROR_DISK_STORE_SIZE] = "DiskStoreSizeError",
  [KV_ERROR_DISK_STORE_INDEX] = "DiskStoreIndexError",
  [KV_ERROR_KEY_LIST_REBUILD] = "KeyListRebuildError",
  [KV_ERROR_BUCKET_NOT_FOUND] = "BucketNotFoundError",
};

G_STATIC_ASSERT (G_N_ELEMENTS (js_names) == KV_ERROR_N_CODES);

const char *
kv_error_code_get_name (int code)
{
  if (code < 0 || code >= KV_ERROR_N_CODES || js_names[code] == NULL)
    return js_names[KV_ERROR_UNKNOWN];
  return js_names[code];
}

gboolean
kv_error_code_from_name (const char *name, KvError *code)
{
  g_return_val_if_fail (name != NULL, FALSE);

  /* Forty names, looked up when an error crosses a binding: a scan will do. */
  for (int i = 0; i < KV_ERROR_N_CODES; i++)
    if (js_names[i] != NULL && g_str_equal (js_names[i], name))
      {
        if (code)
          *code = (KvError) i;
        return TRUE;
      }
  return FALSE;
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
