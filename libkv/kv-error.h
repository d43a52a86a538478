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

G_BEGIN_DECLS

/**
 * KV_ERROR:
 *
 * Error domain of libkv. Every #GError it sets carries a #KvError code; the
 * code names are API, and so are the JavaScript names kv_error_code_get_name()
 * maps them to.
 */
#define KV_ERROR (kv_error_quark ())

/**
 * KvError:
 * @KV_ERROR_UNKNOWN: generic failure (GLib's usual `*_FAILED`); JS `UnknownError`
 *
 * Codes of the #KV_ERROR domain. Each code maps to exactly one JavaScript error
 * name: the code's words in CamelCase plus `Error` (e.g. %KV_ERROR_STORE_CLOSED ↔
 * `StoreClosedError`). New codes are only ever appended.
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
 */
#define KV_ERROR_N_CODES (KV_ERROR_BUCKET_NOT_FOUND + 1)

KV_AVAILABLE_IN_1_0
GQuark kv_error_quark (void);

KV_AVAILABLE_IN_1_0
GType kv_error_get_type (void) G_GNUC_CONST;
#define KV_TYPE_ERROR (kv_error_get_type ())

/**
 * kv_error_code_get_name:
 * @code: a #KvError code
 *
 * Returns: (transfer none): the JavaScript error name of @code, e.g.
 *   `"StoreClosedError"`; `"UnknownError"` for a code this version does not know.
 *   The string is static.
 */
KV_AVAILABLE_IN_1_0
const char *kv_error_code_get_name (int code);

/**
 * kv_error_code_from_name:
 * @name: a JavaScript error name such as `"KeyNotFoundError"`
 * @code: (out) (optional): where to store the code
 *
 * Returns: %TRUE if @name is one of the names of the API.
 */
KV_AVAILABLE_IN_1_0
gboolean kv_error_code_from_name (const char *name, KvError *code);

/**
 * KvItemError:
 *
 * One failed item of a batch call (the `errors`/`failed` arrays of the JS API).
 * A plain boxed type: copy with kv_item_error_copy(), free with kv_item_error_free().
 * @index is the item's position in the input, @key its key (may be %NULL when
 * the item had none), @name a per-item name (`"EmptyKey"`, `"InvalidEntries"`,
 * `"SerializerError"`, `"ClaimNotUpdated"`) and @message a human sentence;
 * @id is the claim id for claim batch failures, %NULL otherwise.
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

KV_AVAILABLE_IN_1_0
KvItemError *kv_item_error_new (gsize index, const char *key, const char *name,
                                const char *message);
KV_AVAILABLE_IN_1_0
KvItemError *kv_item_error_copy (const KvItemError *item);
KV_AVAILABLE_IN_1_0
void kv_item_error_free (KvItemError *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvItemError, kv_item_error_free)

G_END_DECLS
