/* test-error.c — the KV_ERROR code ↔ JavaScript name table. */
#include "config.h"

#include <libkv/kv.h>

/* SPEC §1b: the complete set of error names; names are API. */
static const char *const spec_names[] = {
  "KeyNotFoundError",
  "InvalidCursorError",
  "InvalidBackendError",
  "InvalidOptionsError",
  "InvalidSerializationError",
  "InternalStoreError",
  "KVOptionsConflictError",
  "BackupOptionsRequiredError",
  "RestoreOptionsRequiredError",
  "MetricsUnavailableError",
  "SnapshotBudgetExceededError",
  "ValueNumberRequiredError",
  "UnsupportedValueTypeError",
  "ValueParseError",
  "SerializerError",
  "UnexpectedStoreOutputError",
  "UnknownError",
  "BackupInProgressError",
  "RestoreInProgressError",
  "OperationCanceledError",
  "StoreReadOnlyError",
  "StoreClosedError",
  "DatabaseNotOpenError",
  "SnapshotNotFoundError",
  "SnapshotPermissionError",
  "SnapshotExportError",
  "SnapshotIOError",
  "SnapshotReadError",
  "SnapshotKeyMissingError",
  "DiskPathError",
  "DiskStoreOpenError",
  "DiskStoreReadError",
  "DiskStoreWriteError",
  "DiskStoreDeleteError",
  "DiskStoreExistsError",
  "DiskStoreScanError",
  "DiskStoreSizeError",
  "DiskStoreIndexError",
  "KeyListRebuildError",
  "BucketNotFoundError",
};

static void
test_every_spec_name_has_one_code (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);

  g_assert_cmpint (G_N_ELEMENTS (spec_names), ==, KV_ERROR_N_CODES);
  for (gsize i = 0; i < G_N_ELEMENTS (spec_names); i++)
    {
      KvError code = 0;
      g_assert_true (kv_error_code_from_name (spec_names[i], &code));
      g_assert_cmpstr (kv_error_code_get_name (code), ==, spec_names[i]);
      g_assert_false (g_hash_table_contains (seen, GINT_TO_POINTER (code)));
      g_hash_table_add (seen, GINT_TO_POINTER (code));
    }
}

static void
test_names_follow_codes (void)
{
  g_assert_cmpstr (kv_error_code_get_name (KV_ERROR_STORE_CLOSED), ==, "StoreClosedError");
  g_assert_cmpstr (kv_error_code_get_name (KV_ERROR_KV_OPTIONS_CONFLICT), ==,
                   "KVOptionsConflictError");
  g_assert_cmpstr (kv_error_code_get_name (KV_ERROR_SNAPSHOT_IO), ==, "SnapshotIOError");
  g_assert_cmpstr (kv_error_code_get_name (-1), ==, "UnknownError");
  g_assert_cmpstr (kv_error_code_get_name (KV_ERROR_N_CODES), ==, "UnknownError");
  g_assert_false (kv_error_code_from_name ("NoSuchError", NULL));
}

static void
test_enum_type (void)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (KV_TYPE_ERROR);
  GEnumValue *v = g_enum_get_value (klass, KV_ERROR_VALUE_PARSE);

  g_assert_nonnull (v);
  g_assert_cmpstr (v->value_name, ==, "KV_ERROR_VALUE_PARSE");
  /* GLib's own nick; the JavaScript name has a table of its own. */
  g_assert_cmpstr (v->value_nick, ==, "value-parse");
  g_assert_cmpstr (kv_error_code_get_name (v->value), ==, "ValueParseError");
  g_assert_cmpuint (klass->n_values, ==, KV_ERROR_N_CODES);
}

/* A batch's item failure as callers get one (libkv makes them; callers
 * copy and free them), and its copy. */
static void
test_item_error (void)
{
  g_autoptr (KvOptions) options = kv_options_new ();
  g_autoptr (KvStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (KvItemError) copy = NULL;
  const char *keys[] = { "a", "b", "c", "" };
  const char *values[] = { "1", "2", "3", "4" };
  const gsize lens[] = { 1, 1, 1, 1 };

  kv_options_set_backend (options, KV_BACKEND_MEMORY);
  store = kv_store_open (options, &error);
  g_assert_no_error (error);
  g_assert_false (kv_store_set_many (store, keys, values, lens, 4, &items, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, ==, 1);
  copy = kv_item_error_copy (items->pdata[0]);
  g_assert_cmpuint (copy->index, ==, 3);
  g_assert_cmpstr (copy->key, ==, "");
  g_assert_nonnull (copy->name);
  g_assert_cmpstr (copy->name, ==, ((KvItemError *) items->pdata[0])->name);
  g_assert_cmpstr (copy->message, ==, ((KvItemError *) items->pdata[0])->message);
  g_assert_true (copy->message != ((KvItemError *) items->pdata[0])->message);
  g_assert_true (G_TYPE_IS_BOXED (KV_TYPE_ITEM_ERROR));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/kv/error/spec-names", test_every_spec_name_has_one_code);
  g_test_add_func ("/kv/error/names", test_names_follow_codes);
  g_test_add_func ("/kv/error/enum-type", test_enum_type);
  g_test_add_func ("/kv/error/item-error", test_item_error);
  return g_test_run ();
}
