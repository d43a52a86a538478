/* test-store.c — store semantics, run on every backend (see store-fixture.h). */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "store-fixture.h"

#define SET(f, k, v) g_assert_true (kv_store_set ((f)->store, (k), (v), strlen (v), NULL))

static void
assert_value (KvStore *store, const char *key, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) value = kv_store_get (store, key, &error);

  g_assert_no_error (error);
  g_assert_nonnull (value);
  /* Returned values are NUL-terminated beyond their size. */
  g_assert_cmpstr (g_bytes_get_data (value, NULL), ==, expected);
  g_assert_cmpuint (g_bytes_get_size (value), ==, strlen (expected));
}

static void
assert_missing (KvStore *store, const char *key)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) value = kv_store_get (store, key, &error);

  g_assert_null (value);
  g_assert_error (error, KV_ERROR, KV_ERROR_KEY_NOT_FOUND);
}

static guint64
store_size (KvStore *store)
{
  guint64 n = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (kv_store_size (store, &n, &error));
  g_assert_no_error (error);
  return n;
}

static void
test_set_get (StoreFixture *f, gconstpointer data)
{
  SET (f, "user:1", "{ \"name\" : \"Alice\", \"age\": 30 }");
  assert_value (f->store, "user:1", "{\"age\":30,\"name\":\"Alice\"}");
  SET (f, "user:1", "\"replaced\"");
  assert_value (f->store, "user:1", "\"replaced\"");
  SET (f, "null", "null");
  assert_value (f->store, "null", "null");
  assert_missing (f->store, "nope");
  g_assert_cmpuint (store_size (f->store), ==, 2);
}

static void
test_keys_validated (StoreFixture *f, gconstpointer data)
{
  char longest[KV_MAX_KEY_LENGTH + 2];
  g_autoptr (GError) error = NULL;

  memset (longest, 'k', KV_MAX_KEY_LENGTH);
  longest[KV_MAX_KEY_LENGTH] = '\0';
  SET (f, longest, "1");
  assert_value (f->store, longest, "1");

  longest[KV_MAX_KEY_LENGTH] = 'k';
  longest[KV_MAX_KEY_LENGTH + 1] = '\0';
  g_assert_false (kv_store_set (f->store, longest, "1", 1, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);

  g_assert_false (kv_store_set (f->store, "", "1", 1, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);

  g_assert_false (kv_store_set (f->store, "bad\xff", "1", 1, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);

  g_assert_null (kv_store_get (f->store, "", &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);

  g_assert_false (kv_store_delete (f->store, "", &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);

  g_assert_false (kv_store_increment_by (f->store, "", 1, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_assert_cmpuint (store_size (f->store), ==, 1);
}

static void
test_values_validated (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gsize big_len = KV_MAX_VALUE_SIZE + 1;
  g_autofree char *big = g_malloc (big_len);

  g_assert_false (kv_store_set (f->store, "k", "{oops", 5, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_SERIALIZER);
  g_clear_error (&error);

  memset (big, ' ', big_len);
  g_assert_false (kv_store_set (f->store, "k", big, big_len, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_assert_cmpuint (store_size (f->store), ==, 0);
}

static void
test_exists_delete (StoreFixture *f, gconstpointer data)
{
  gboolean exists = TRUE;

  g_assert_true (kv_store_exists (f->store, "a", &exists, NULL));
  g_assert_false (exists);
  SET (f, "a", "1");
  g_assert_true (kv_store_exists (f->store, "a", &exists, NULL));
  g_assert_true (exists);
  g_assert_true (kv_store_delete (f->store, "a", NULL));
  g_assert_true (kv_store_delete (f->store, "a", NULL)); /* missing is fine */
  g_assert_true (kv_store_exists (f->store, "a", &exists, NULL));
  g_assert_false (exists);
}

static void
test_clear_size (StoreFixture *f, gconstpointer data)
{
  for (int i = 0; i < 100; i++)
    {
      g_autofree char *k = g_strdup_printf ("k%d", i);
      SET (f, k, "true");
    }
  g_assert_cmpuint (store_size (f->store), ==, 100);
  g_assert_true (kv_store_clear (f->store, NULL));
  g_assert_cmpuint (store_size (f->store), ==, 0);
  assert_missing (f->store, "k5");
}

static void
test_get_many (StoreFixture *f, gconstpointer data)
{
  const char *keys[] = { "a", "missing", "n", "a", "" };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) values = NULL;
  g_autoptr (GPtrArray) items = NULL;
  char longest[KV_MAX_KEY_LENGTH + 2];
  const char *bad_keys[] = { "a", longest };

  SET (f, "a", "[1,2]");
  SET (f, "n", "null");
  values = kv_store_get_many (f->store, keys, G_N_ELEMENTS (keys), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 5);
  g_assert_cmpstr (g_bytes_get_data (values->pdata[0], NULL), ==, "[1,2]");
  g_assert_null (values->pdata[1]);
  g_assert_cmpstr (g_bytes_get_data (values->pdata[2], NULL), ==, "null"); /* exists, JSON null */
  g_assert_cmpstr (g_bytes_get_data (values->pdata[3], NULL), ==, "[1,2]");
  g_assert_null (values->pdata[4]); /* empty key reads as missing */
  g_clear_pointer (&values, g_ptr_array_unref);

  values = kv_store_get_many (f->store, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (values->len, ==, 0);
  g_clear_pointer (&values, g_ptr_array_unref);

  memset (longest, 'x', sizeof longest - 1);
  longest[sizeof longest - 1] = '\0';
  values = kv_store_get_many (f->store, bad_keys, 2, &items, &error);
  g_assert_null (values);
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpuint (((KvItemError *) items->pdata[0])->index, ==, 1);
}

static void
test_set_many (StoreFixture *f, gconstpointer data)
{
  const char *keys[] = { "x", "y", "z" };
  const char *values[] = { "1", "{\"b\":1,\"a\":0}", "\"s\"" };
  gsize lens[] = { 1, 13, 3 };
  g_autoptr (GError) error = NULL;

  g_assert_true (kv_store_set_many (f->store, keys, values, lens, 3, NULL, &error));
  g_assert_no_error (error);
  assert_value (f->store, "y", "{\"a\":0,\"b\":1}");
  g_assert_cmpuint (store_size (f->store), ==, 3);
  g_assert_true (kv_store_set_many (f->store, NULL, NULL, NULL, 0, NULL, &error));
}

static void
test_set_many_all_or_nothing (StoreFixture *f, gconstpointer data)
{
  const char *keys[] = { "ok1", "", "ok2", "bad" };
  const char *values[] = { "1", "2", "3", "{not json" };
  gsize lens[] = { 1, 1, 1, 9 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  KvItemError *item;

  SET (f, "ok1", "\"before\"");
  g_assert_false (kv_store_set_many (f->store, keys, values, lens, 4, &items, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, ==, 2);
  item = items->pdata[0];
  g_assert_cmpuint (item->index, ==, 1);
  g_assert_cmpstr (item->name, ==, "EmptyKey");
  item = items->pdata[1];
  g_assert_cmpuint (item->index, ==, 3);
  g_assert_cmpstr (item->key, ==, "bad");
  g_assert_cmpstr (item->name, ==, "SerializerError");
  /* Nothing was written: the earlier valid entries did not land either. */
  assert_value (f->store, "ok1", "\"before\"");
  assert_missing (f->store, "ok2");
  g_assert_cmpuint (store_size (f->store), ==, 1);
}

static void
test_delete_many (StoreFixture *f, gconstpointer data)
{
  const char *keys[] = { "a", "b", "missing", "a" };
  const char *bad[] = { "a", "" };
  guint64 deleted = 0, missing = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;

  SET (f, "a", "1");
  SET (f, "b", "2");
  SET (f, "c", "3");
  g_assert_false (kv_store_delete_many (f->store, bad, 2, &deleted, &missing, &items, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_assert_cmpstr (((KvItemError *) items->pdata[0])->name, ==, "EmptyKey");
  g_assert_cmpuint (store_size (f->store), ==, 3); /* rejected before deleting anything */
  g_clear_error (&error);

  g_assert_true (kv_store_delete_many (f->store, keys, 4, &deleted, &missing, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (deleted, ==, 2);
  g_assert_cmpuint (missing, ==, 2); /* the duplicate "a" is missing the second time */
  g_assert_cmpuint (store_size (f->store), ==, 1);
}

static void
test_increment_by (StoreFixture *f, gconstpointer data)
{
  gint64 v = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (kv_store_increment_by (f->store, "c", 5, &v, &error));
  g_assert_cmpint (v, ==, 5);
  g_assert_true (kv_store_increment_by (f->store, "c", -8, &v, &error));
  g_assert_cmpint (v, ==, -3);
  assert_value (f->store, "c", "-3");

  SET (f, "s", "\"41\"");
  g_assert_true (kv_store_increment_by (f->store, "s", 1, &v, &error));
  g_assert_cmpint (v, ==, 42);
  assert_value (f->store, "s", "42"); /* stored back as a JSON integer */

  SET (f, "f", "4.0"); /* canonical form is 4, an integer */
  g_assert_true (kv_store_increment_by (f->store, "f", 1, &v, &error));
  g_assert_cmpint (v, ==, 5);
  g_assert_no_error (error);

  SET (f, "word", "\"abc\"");
  g_assert_false (kv_store_increment_by (f->store, "word", 1, &v, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE);
  g_clear_error (&error);
  assert_value (f->store, "word", "\"abc\"");

  SET (f, "frac", "1.5");
  g_assert_false (kv_store_increment_by (f->store, "frac", 1, &v, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE);
  g_clear_error (&error);

  SET (f, "obj", "{\"n\":1}");
  g_assert_false (kv_store_increment_by (f->store, "obj", 1, &v, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE);
  g_clear_error (&error);

  SET (f, "max", "9223372036854775807");
  g_assert_false (kv_store_increment_by (f->store, "max", 1, &v, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE);
  g_clear_error (&error);
  assert_value (f->store, "max", "9223372036854775807");
  g_assert_true (kv_store_increment_by (f->store, "max", -1, &v, &error));
  g_assert_cmpint (v, ==, G_MAXINT64 - 1);
}

static void
test_get_or_set (StoreFixture *f, gconstpointer data)
{
  gboolean loaded = TRUE;
  g_autoptr (GBytes) first = kv_store_get_or_set (f->store, "g", "{\"v\":1}", 7, &loaded, NULL);
  g_autoptr (GBytes) second = NULL;

  g_assert_false (loaded);
  g_assert_cmpstr (g_bytes_get_data (first, NULL), ==, "{\"v\":1}");
  second = kv_store_get_or_set (f->store, "g", "2", 1, &loaded, NULL);
  g_assert_true (loaded);
  g_assert_cmpstr (g_bytes_get_data (second, NULL), ==, "{\"v\":1}");
  assert_value (f->store, "g", "{\"v\":1}");
}

static void
test_swap (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GBytes) previous = NULL;

  g_assert_true (kv_store_swap (f->store, "w", "1", 1, &previous, NULL));
  g_assert_null (previous);
  g_assert_true (kv_store_swap (f->store, "w", "2", 1, &previous, NULL));
  g_assert_cmpstr (g_bytes_get_data (previous, NULL), ==, "1");
  assert_value (f->store, "w", "2");
}

static void
test_compare_and_swap (StoreFixture *f, gconstpointer data)
{
  gboolean swapped = FALSE, existed = FALSE;
  g_autoptr (GBytes) current = NULL;
  g_autoptr (GError) error = NULL;

  /* expected NULL: only if absent. */
  g_assert_true (kv_store_compare_and_swap (f->store, "k", NULL, 0, "{\"a\":1,\"b\":2}", 13,
                                            &swapped, &existed, &current, &error));
  g_assert_true (swapped);
  g_assert_null (current);
  g_assert_true (kv_store_compare_and_swap (f->store, "k", NULL, 0, "3", 1, &swapped, &existed,
                                            &current, &error));
  g_assert_false (swapped);
  g_assert_true (existed);
  g_assert_cmpstr (g_bytes_get_data (current, NULL), ==, "{\"a\":1,\"b\":2}");
  g_clear_pointer (&current, g_bytes_unref);

  /* Values compare canonically: member order and spacing do not matter. */
  g_assert_true (kv_store_compare_and_swap (f->store, "k", "{ \"b\":2, \"a\":1.0 }", 18, "4", 1,
                                            &swapped, &existed, &current, &error));
  g_assert_true (swapped);
  assert_value (f->store, "k", "4");

  g_assert_true (kv_store_compare_and_swap (f->store, "k", "5", 1, "6", 1, &swapped, &existed,
                                            &current, &error));
  g_assert_false (swapped);
  g_assert_true (existed);
  g_assert_cmpstr (g_bytes_get_data (current, NULL), ==, "4");
  g_clear_pointer (&current, g_bytes_unref);

  g_assert_true (kv_store_compare_and_swap (f->store, "absent", "1", 1, "2", 1, &swapped, &existed,
                                            &current, &error));
  g_assert_false (swapped);
  g_assert_false (existed);
  g_assert_null (current);
  assert_missing (f->store, "absent");

  g_assert_false (
      kv_store_compare_and_swap (f->store, "k", "{bad", 4, "1", 1, &swapped, NULL, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_SERIALIZER);
  assert_value (f->store, "k", "4");
}

static void
test_set_if_absent (StoreFixture *f, gconstpointer data)
{
  gboolean set = FALSE;

  g_assert_true (kv_store_set_if_absent (f->store, "once", "1", 1, &set, NULL));
  g_assert_true (set);
  g_assert_true (kv_store_set_if_absent (f->store, "once", "2", 1, &set, NULL));
  g_assert_false (set);
  assert_value (f->store, "once", "1");
}

static void
test_delete_if_exists (StoreFixture *f, gconstpointer data)
{
  gboolean deleted = FALSE;

  SET (f, "d", "1");
  g_assert_true (kv_store_delete_if_exists (f->store, "d", &deleted, NULL));
  g_assert_true (deleted);
  g_assert_true (kv_store_delete_if_exists (f->store, "d", &deleted, NULL));
  g_assert_false (deleted);
}

static void
test_compare_and_delete (StoreFixture *f, gconstpointer data)
{
  gboolean deleted = TRUE, existed = FALSE;
  g_autoptr (GBytes) current = NULL;

  SET (f, "c", "{\"x\":[1]}");
  g_assert_true (kv_store_compare_and_delete (f->store, "c", "{\"x\":[2]}", 9, &deleted, &existed,
                                              &current, NULL));
  g_assert_false (deleted);
  g_assert_true (existed);
  g_assert_cmpstr (g_bytes_get_data (current, NULL), ==, "{\"x\":[1]}");
  g_clear_pointer (&current, g_bytes_unref);
  g_assert_true (kv_store_compare_and_delete (f->store, "c", " { \"x\" : [ 1 ] } ", 17, &deleted,
                                              &existed, &current, NULL));
  g_assert_true (deleted);
  assert_missing (f->store, "c");

  /* JSON null is a value to compare, not "absent". */
  g_assert_true (
      kv_store_compare_and_delete (f->store, "c", "null", 4, &deleted, &existed, &current, NULL));
  g_assert_false (deleted);
  g_assert_false (existed);
  SET (f, "n", "null");
  g_assert_true (
      kv_store_compare_and_delete (f->store, "n", "null", 4, &deleted, &existed, &current, NULL));
  g_assert_true (deleted);
}

static void
test_closed_store (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gboolean b = FALSE;
  guint64 n = 0;
  const char *keys[] = { "a" };
  const char *values[] = { "1" };
  gsize lens[] = { 1 };

  SET (f, "a", "1");
  kv_store_close (f->store);
  kv_store_close (f->store); /* idempotent */
  g_assert_true (kv_store_is_closed (f->store));
  g_assert_nonnull (kv_store_get_options (f->store));

#define ASSERT_CLOSED(expr)                                                                        \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_assert_false (expr);                                                                         \
    g_assert_error (error, KV_ERROR, KV_ERROR_STORE_CLOSED);                                       \
    g_clear_error (&error);                                                                        \
  }                                                                                                \
  G_STMT_END
  ASSERT_CLOSED (kv_store_get (f->store, "a", &error) != NULL);
  ASSERT_CLOSED (kv_store_get_many (f->store, keys, 1, NULL, &error) != NULL);
  ASSERT_CLOSED (kv_store_set (f->store, "a", "1", 1, &error));
  ASSERT_CLOSED (kv_store_set_many (f->store, keys, values, lens, 1, NULL, &error));
  ASSERT_CLOSED (kv_store_exists (f->store, "a", &b, &error));
  ASSERT_CLOSED (kv_store_delete (f->store, "a", &error));
  ASSERT_CLOSED (kv_store_delete_many (f->store, keys, 1, NULL, NULL, NULL, &error));
  ASSERT_CLOSED (kv_store_clear (f->store, &error));
  ASSERT_CLOSED (kv_store_size (f->store, &n, &error));
  ASSERT_CLOSED (kv_store_increment_by (f->store, "a", 1, NULL, &error));
  ASSERT_CLOSED (kv_store_get_or_set (f->store, "a", "1", 1, NULL, &error) != NULL);
  ASSERT_CLOSED (kv_store_swap (f->store, "a", "1", 1, NULL, &error));
  ASSERT_CLOSED (
      kv_store_compare_and_swap (f->store, "a", NULL, 0, "1", 1, &b, NULL, NULL, &error));
  ASSERT_CLOSED (kv_store_set_if_absent (f->store, "a", "1", 1, &b, &error));
  ASSERT_CLOSED (kv_store_delete_if_exists (f->store, "a", &b, &error));
  ASSERT_CLOSED (kv_store_compare_and_delete (f->store, "a", "1", 1, &b, NULL, NULL, &error));
  ASSERT_CLOSED (kv_store_dup_stats_json (f->store, &error) != NULL);
  ASSERT_CLOSED (kv_store_import_jsonl (f->store, "/nonexistent.jsonl", 0, 0, NULL, &error));
  ASSERT_CLOSED (
      kv_store_import_csv (f->store, "/nonexistent.csv", "key", ',', TRUE, 0, 0, NULL, &error));
  ASSERT_CLOSED (kv_store_backup (f->store, "/nonexistent/x.kv", FALSE, 0, 0, NULL, &error));
  ASSERT_CLOSED (kv_store_restore (f->store, "/nonexistent/x.kv", 0, 0, NULL, &error));
#undef ASSERT_CLOSED
}

static void
test_string_mode (StoreFixture *f, gconstpointer data)
{
  g_autoptr (KvStore) s =
      store_fixture_open_with (f->backend, f->dir, "\"serialization\":\"string\"");
  g_autoptr (GError) error = NULL;
  gboolean swapped = FALSE;
  gint64 v = 0;

  /* Stored as given: not JSON, not canonicalized. */
  g_assert_true (kv_store_set (s, "t", "{ not json }", 12, &error));
  assert_value (s, "t", "{ not json }");
  g_assert_true (kv_store_set (s, "bin", "a\0b", 3, &error));
  {
    g_autoptr (GBytes) b = kv_store_get (s, "bin", &error);
    g_assert_cmpmem (g_bytes_get_data (b, NULL), g_bytes_get_size (b), "a\0b", 3);
  }
  g_assert_true (kv_store_set (s, "n", "41", 2, &error));
  g_assert_true (kv_store_increment_by (s, "n", 1, &v, &error));
  g_assert_cmpint (v, ==, 42);
  assert_value (s, "n", "42");
  g_assert_true (
      kv_store_compare_and_swap (s, "t", "{not json}", 10, "x", 1, &swapped, NULL, NULL, &error));
  g_assert_false (swapped); /* raw bytes compare */
  g_assert_no_error (error);
}

static void
test_stats (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root;

  SET (f, "a", "1");
  SET (f, "b", "2");
  json = kv_store_dup_stats_json (f->store, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "serialization"), ==, "json");
  g_assert_cmpint (json_object_get_int_member (root, "count"), ==, 2);
  g_assert_true (json_object_get_boolean_member (root, "trackKeys") ==
                 kv_options_get_track_keys (kv_store_get_options (f->store)));
  g_assert_true (json_object_has_member (root, "claims"));
  g_assert_cmpstr (json_object_get_string_member (root, "backend"), ==,
                   kv_options_get_backend (kv_store_get_options (f->store)) == KV_BACKEND_MEMORY
                       ? "memory"
                       : "disk");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  STORE_TEST_ADD ("set-get", test_set_get);
  STORE_TEST_ADD ("keys-validated", test_keys_validated);
  STORE_TEST_ADD ("values-validated", test_values_validated);
  STORE_TEST_ADD ("exists-delete", test_exists_delete);
  STORE_TEST_ADD ("clear-size", test_clear_size);
  STORE_TEST_ADD ("get-many", test_get_many);
  STORE_TEST_ADD ("set-many", test_set_many);
  STORE_TEST_ADD ("set-many-all-or-nothing", test_set_many_all_or_nothing);
  STORE_TEST_ADD ("delete-many", test_delete_many);
  STORE_TEST_ADD ("increment-by", test_increment_by);
  STORE_TEST_ADD ("get-or-set", test_get_or_set);
  STORE_TEST_ADD ("swap", test_swap);
  STORE_TEST_ADD ("compare-and-swap", test_compare_and_swap);
  STORE_TEST_ADD ("set-if-absent", test_set_if_absent);
  STORE_TEST_ADD ("delete-if-exists", test_delete_if_exists);
  STORE_TEST_ADD ("compare-and-delete", test_compare_and_delete);
  STORE_TEST_ADD ("closed", test_closed_store);
  STORE_TEST_ADD ("string-mode", test_string_mode);
  STORE_TEST_ADD ("stats", test_stats);
  return g_test_run ();
}
