/* kv-error.h — the KV_ERROR domain: one code per error name of the JavaScript API.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <glib-object.h>
#include <libkv/kv-version-macros.h>
#include <libkv/kv-enum-types.h>

G_BEGIN_DECLS

/**
 * KV_ERROR:
 *
 * Error domain of libkv. Every #GError it sets carries a #KvError code; the
 * code names are API, and so are the JavaScript names kv_error_code_get_name()
 * maps them to. Errors from GIO (%G_IO_ERROR_WOULD_BLOCK, see
 * kv_set_thread_nonblocking()) are the only others libkv returns.
 *
 * Since: 1.0
 */
#define KV_ERROR (kv_error_quark ())

/**
 * KvError:
 * @KV_ERROR_UNKNOWN: generic failure, GLib's usual `*_FAILED`; JS `UnknownError`
 * @KV_ERROR_KEY_NOT_FOUND: the key does not exist (kv_store_get()); JS `KeyNotFoundError`
 * @KV_ERROR_INVALID_CURSOR: a scan cursor that does not decode, or was made for another prefix;
 *   JS `InvalidCursorError`
 * @KV_ERROR_INVALID_BACKEND: the `backend` option is neither `"disk"` nor `"memory"`; JS
 *   `InvalidBackendError`
 * @KV_ERROR_INVALID_OPTIONS: a malformed option or argument; the message names it; JS
 *   `InvalidOptionsError`
 * @KV_ERROR_INVALID_SERIALIZATION: the `serialization` option is unknown, or differs from the one
 *   a disk store was created with; JS `InvalidSerializationError`
 * @KV_ERROR_INTERNAL_STORE: not raised by libkv itself: kept for front ends that report their own
 *   internal failures; JS `InternalStoreError`
 * @KV_ERROR_KV_OPTIONS_CONFLICT: kv_store_open_shared() called with options that differ from the
 *   first successful call; JS `KVOptionsConflictError`
 * @KV_ERROR_BACKUP_OPTIONS_REQUIRED: not raised by libkv itself: a front end was given no backup
 *   options; JS `BackupOptionsRequiredError`
 * @KV_ERROR_RESTORE_OPTIONS_REQUIRED: not raised by libkv itself: a front end was given no
 *   restore options; JS `RestoreOptionsRequiredError`
 * @KV_ERROR_METRICS_UNAVAILABLE: not raised by libkv itself: a front end was asked for metrics it
 *   does not collect; JS `MetricsUnavailableError`
 * @KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED: a backup or restore would pass its entry or byte budget; JS
 *   `SnapshotBudgetExceededError`
 * @KV_ERROR_VALUE_NUMBER_REQUIRED: not raised by libkv itself: a front end was given a non-number
 *   where a number is required; JS `ValueNumberRequiredError`
 * @KV_ERROR_UNSUPPORTED_VALUE_TYPE: a value of a type the operation cannot write (CSV export of a
 *   non-flat value); JS `UnsupportedValueTypeError`
 * @KV_ERROR_VALUE_PARSE: a stored or imported value that cannot be read as needed
 *   (kv_store_increment_by() on a non-integer, a bad JSONL line or CSV row); JS `ValueParseError`
 * @KV_ERROR_SERIALIZER: a value that is not valid JSON in json serialization; JS
 *   `SerializerError`
 * @KV_ERROR_UNEXPECTED_STORE_OUTPUT: the store holds data libkv did not write (a damaged claim
 *   record); JS `UnexpectedStoreOutputError`
 * @KV_ERROR_BACKUP_IN_PROGRESS: another backup of the store is running; JS
 *   `BackupInProgressError`
 * @KV_ERROR_RESTORE_IN_PROGRESS: a restore of the store is running; JS `RestoreInProgressError`
 * @KV_ERROR_OPERATION_CANCELED: a #KvProgressFunc returned %FALSE and the operation stopped; JS
 *   `OperationCanceledError`
 * @KV_ERROR_STORE_READ_ONLY: a write on a store opened read-only; JS `StoreReadOnlyError`
 * @KV_ERROR_STORE_CLOSED: a call on a handle after kv_store_close(); JS `StoreClosedError`
 * @KV_ERROR_DATABASE_NOT_OPEN: not raised by libkv itself: kept so every JavaScript error name has
 *   a code; JS `DatabaseNotOpenError`
 * @KV_ERROR_SNAPSHOT_NOT_FOUND: the snapshot file does not exist; JS `SnapshotNotFoundError`
 * @KV_ERROR_SNAPSHOT_PERMISSION: the snapshot file cannot be read or written for lack of
 *   permission; JS `SnapshotPermissionError`
 * @KV_ERROR_SNAPSHOT_EXPORT: writing an export or a backup failed, or an entry cannot be backed
 *   up; JS `SnapshotExportError`
 * @KV_ERROR_SNAPSHOT_IO: an I/O error on an export, import or snapshot file; JS `SnapshotIOError`
 * @KV_ERROR_SNAPSHOT_READ: a snapshot or import file that is empty, foreign, damaged or
 *   truncated; JS `SnapshotReadError`
 * @KV_ERROR_SNAPSHOT_KEY_MISSING: a snapshot without the "k6" database; JS
 *   `SnapshotKeyMissingError`
 * @KV_ERROR_DISK_PATH: the disk store's path cannot be used: it is a directory, its
 *   directory is missing or cannot be made, or access is denied; JS
 *   `DiskPathError`
 * @KV_ERROR_DISK_STORE_OPEN: the disk store cannot be opened or created (also a full disk at
 *   creation); JS `DiskStoreOpenError`
 * @KV_ERROR_DISK_STORE_READ: reading the disk store failed; JS `DiskStoreReadError`
 * @KV_ERROR_DISK_STORE_WRITE: writing the disk store failed; JS `DiskStoreWriteError`
 * @KV_ERROR_DISK_STORE_DELETE: not raised by libkv itself: kept so every JavaScript error name
 *   has a code (disk deletes report %KV_ERROR_DISK_STORE_WRITE); JS `DiskStoreDeleteError`
 * @KV_ERROR_DISK_STORE_EXISTS: not raised by libkv itself: kept so every JavaScript error name
 *   has a code; JS `DiskStoreExistsError`
 * @KV_ERROR_DISK_STORE_SCAN: walking the disk store in key order failed; JS `DiskStoreScanError`
 * @KV_ERROR_DISK_STORE_SIZE: counting the disk store's keys failed; JS `DiskStoreSizeError`
 * @KV_ERROR_DISK_STORE_INDEX: not raised by libkv itself: kept so every JavaScript error name has
 *   a code; JS `DiskStoreIndexError`
 * @KV_ERROR_KEY_LIST_REBUILD: kv_store_rebuild_key_list() failed; JS `KeyListRebuildError`
 * @KV_ERROR_BUCKET_NOT_FOUND: a read-only disk store without the "k6" database; JS
 *   `BucketNotFoundError`
 *
 * Codes of the %KV_ERROR domain. Each code maps to exactly one JavaScript error
 * name: the code's words in CamelCase plus `Error` (e.g. %KV_ERROR_STORE_CLOSED ↔
 * `StoreClosedError`); kv_error_code_get_name() and kv_error_code_from_name()
 * map between them. The #GEnum type %KV_TYPE_ERROR keeps GLib's own nicks
 * (`store-closed`), so bindings name the members as usual (`Kv.Error.STORE_CLOSED`
 * in Python). New codes are only ever appended.
 *
 * Since: 1.0
 */
typedef enum
{
  KV_ERROR_UNKNOWN = 0,
  KV_ERROR_KEY_NOT_FOUND,
  KV_ERROR_INVALID_CURSOR,
  KV_ERROR_INVALID_BACKEND,
  KV_ERROR_INVALID_OPTIONS,
  KV_ERROR_INVALID_SERIALIZATION,
  KV_ERROR_INTERNAL_STORE,
  KV_ERROR_KV_OPTIONS_CONFLICT,
  KV_ERROR_BACKUP_OPTIONS_REQUIRED,
  KV_ERROR_RESTORE_OPTIONS_REQUIRED,
  KV_ERROR_METRICS_UNAVAILABLE,
  KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED,
  KV_ERROR_VALUE_NUMBER_REQUIRED,
  KV_ERROR_UNSUPPORTED_VALUE_TYPE,
  KV_ERROR_VALUE_PARSE,
  KV_ERROR_SERIALIZER,
  KV_ERROR_UNEXPECTED_STORE_OUTPUT,
  KV_ERROR_BACKUP_IN_PROGRESS,
  KV_ERROR_RESTORE_IN_PROGRESS,
  KV_ERROR_OPERATION_CANCELED,
  KV_ERROR_STORE_READ_ONLY,
  KV_ERROR_STORE_CLOSED,
  KV_ERROR_DATABASE_NOT_OPEN,
  KV_ERROR_SNAPSHOT_NOT_FOUND,
  KV_ERROR_SNAPSHOT_PERMISSION,
  KV_ERROR_SNAPSHOT_EXPORT,
  KV_ERROR_SNAPSHOT_IO,
  KV_ERROR_SNAPSHOT_READ,
  KV_ERROR_SNAPSHOT_KEY_MISSING,
  KV_ERROR_DISK_PATH,
  KV_ERROR_DISK_STORE_OPEN,
  KV_ERROR_DISK_STORE_READ,
  KV_ERROR_DISK_STORE_WRITE,
  KV_ERROR_DISK_STORE_DELETE,
  KV_ERROR_DISK_STORE_EXISTS,
  KV_ERROR_DISK_STORE_SCAN,
  KV_ERROR_DISK_STORE_SIZE,
  KV_ERROR_DISK_STORE_INDEX,
  KV_ERROR_KEY_LIST_REBUILD,
  KV_ERROR_BUCKET_NOT_FOUND,
} KvError;

/**
 * KV_ERROR_N_CODES:
 *
 * One past the highest #KvError code of this version of the library.
 *
 * Since: 1.0
 */
#define KV_ERROR_N_CODES (KV_ERROR_BUCKET_NOT_FOUND + 1)

/**
 * kv_error_quark:
 *
 * The quark of the %KV_ERROR domain; use %KV_ERROR in C.
 *
 * Returns: the error domain of libkv
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
GQuark kv_error_quark (void);

/**
 * KvItemError:
 * @index: the item's position in the input
 * @key: (nullable): the item's key, %NULL when the item had none
 * @id: (nullable): the claim id for claim batch failures, %NULL otherwise
 * @name: a per-item name: `"EmptyKey"`, `"InvalidEntries"`,
 *   `"SerializerError"` or `"ClaimNotUpdated"`
 * @message: a human sentence saying what was wrong
 *
 * One failed item of a batch call (the `errors`/`failed` arrays of the JS API).
 * A plain boxed type: copy with kv_item_error_copy(), free with kv_item_error_free().
 *
 * Since: 1.0
 */
typedef struct
{
  gsize index;
  char *key;
  char *id;
  char *name;
  char *message;
} KvItemError;

KV_AVAILABLE_IN_1_0
GType kv_item_error_get_type (void) G_GNUC_CONST;
#define KV_TYPE_ITEM_ERROR (kv_item_error_get_type ())

/**
 * kv_item_error_copy:
 * @item: a #KvItemError
 *
 * Copies @item and every string it holds.
 *
 * Returns: (transfer full): a new #KvItemError; free it with kv_item_error_free()
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvItemError *kv_item_error_copy (const KvItemError *item);

/**
 * kv_item_error_free:
 * @item: (nullable) (transfer full): a #KvItemError
 *
 * Frees @item and its strings; %NULL is ignored.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_item_error_free (KvItemError *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvItemError, kv_item_error_free)

G_END_DECLS
