/* test-csv.c — CSV export, import and validation, on every backend. */
#include "config.h"

#include <string.h>

#include "store-fixture.h"

static char *
file_with (StoreFixture *f, const char *name, const char *contents)
{
  char *path = g_build_filename (f->dir, name, NULL);
  if (contents)
    g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
put (KvStore *kv, const char *key, const char *json)
{
  g_assert_true (kv_store_set (kv, key, json, strlen (json), NULL));
}

static void
assert_value (KvStore *kv, const char *key, const char *want)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) v = kv_store_get (kv, key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_bytes_get_data (v, NULL), ==, want);
}

static void
test_export_quoting (StoreFixture *f, gconstpointer data)
{
  const char *columns[] = { "name", "age", "note" };
  g_autofree char *path = file_with (f, "out.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  KvTransferSummary sum;

  put (f->store, "u:1", "{\"name\":\"Alice\",\"age\":30,\"note\":\"likes, commas\"}");
  put (f->store, "u:2", "{\"name\":\"Bob \\\"B\\\"\",\"age\":null,\"extra\":true}");
  put (f->store, "u:3", "{\"name\":\"multi\\nline\",\"age\":1.5,\"note\":false}");
  g_assert_true (
      kv_store_export_csv (f->store, path, columns, 3, "u:", 0, ',', TRUE, &sum, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==,
                   "key,name,age,note\r\n"
                   "u:1,Alice,30,\"likes, commas\"\r\n"
                   "u:2,\"Bob \"\"B\"\"\",,\r\n"
                   "u:3,\"multi\nline\",1.5,false\r\n");
  g_assert_cmpuint (sum.records, ==, 3);
  g_assert_cmpuint (sum.bytes, ==, strlen (contents));

  /* Another delimiter, no key column. */
  g_assert_true (
      kv_store_export_csv (f->store, path, columns, 2, "u:", 1, ';', FALSE, &sum, &error));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "name;age\r\nAlice;30\r\n");
}

static void
test_export_rejects (StoreFixture *f, gconstpointer data)
{
  const char *columns[] = { "a" };
  const char *dup[] = { "a", "a" };
  g_autofree char *path = file_with (f, "out.csv", "old\n");
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;

  put (f->store, "flat", "{\"a\":1}");
  put (f->store, "nested", "{\"a\":{\"b\":1}}");
  g_assert_false (
      kv_store_export_csv (f->store, path, columns, 1, NULL, 0, ',', TRUE, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_UNSUPPORTED_VALUE_TYPE);
  g_assert_nonnull (strstr (error->message, "nested"));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old\n"); /* a failed export leaves the old file */

  g_assert_false (kv_store_export_csv (f->store, path, dup, 2, NULL, 0, ',', TRUE, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  g_assert_false (
      kv_store_export_csv (f->store, path, columns, 1, NULL, 0, '"', TRUE, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  g_assert_false (
      kv_store_export_csv (f->store, path, columns, 1, NULL, 0, (char) 0xa7, TRUE, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS); /* not one ASCII byte */
  g_clear_error (&error);
  {
    const char *key_col[] = { "key" };
    g_assert_false (
        kv_store_export_csv (f->store, path, key_col, 1, NULL, 0, ',', TRUE, NULL, &error));
    g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS); /* "key" twice in the header */
    g_clear_error (&error);
  }
  g_assert_false (
      kv_store_export_csv (f->store, path, columns, 0, NULL, 0, ',', TRUE, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
}

static void
test_round_trip (StoreFixture *f, gconstpointer data)
{
  const char *columns[] = { "city", "name", "zip" };
  g_autofree char *path = file_with (f, "rt.csv", NULL);
  g_autoptr (KvStore) second = store_fixture_open_with (f->backend, f->dir, NULL);
  g_autoptr (GError) error = NULL;
  KvTransferSummary sum;

  /* Strings survive exactly (CSV carries no types), quotes, delimiters, line breaks included. */
  put (f->store, "p:1", "{\"city\":\"Zürich\",\"name\":\"A, \\\"B\\\"\",\"zip\":\"00123\"}");
  put (f->store, "p:2", "{\"city\":\"x\\r\\ny\",\"name\":\"\",\"zip\":\"9\"}");
  g_assert_true (
      kv_store_export_csv (f->store, path, columns, 3, NULL, 0, ',', TRUE, NULL, &error));
  g_assert_true (kv_store_import_csv (second, path, "key", ',', TRUE, 0, 1, &sum, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sum.records, ==, 2);
  assert_value (second, "p:1", "{\"city\":\"Zürich\",\"name\":\"A, \\\"B\\\"\",\"zip\":\"00123\"}");
  assert_value (second, "p:2", "{\"city\":\"x\\r\\ny\",\"name\":\"\",\"zip\":\"9\"}");
}

static void
test_import_without_header (StoreFixture *f, gconstpointer data)
{
  g_autofree char *path = file_with (f, "nh.csv", "id1;Alice;30\nid2;Bob;31\n");
  KvTransferSummary sum;

  g_assert_true (kv_store_import_csv (f->store, path, "1", ';', FALSE, 0, 0, &sum, NULL));
  g_assert_cmpuint (sum.records, ==, 2);
  assert_value (f->store, "id2", "{\"2\":\"Bob\",\"3\":\"31\"}");
}

static void
test_import_errors (StoreFixture *f, gconstpointer data)
{
  static const struct
  {
    const char *text;
    const char *needle;
  } bad[] = {
    { "key,a\nk1,1\nk2,2,extra\n", "row 3 has 3 fields" },
    { "key,a\nk1,\"open\n", "not closed" },
    { "key,a\n,1\n", "row 2" },
    { "key,a\nk1,\"x\"y\n", "after a closing quote" },
    { "key,a,a\nk1,1,2\n", "more than once" },
  };
  g_autofree char *missing = file_with (f, "missing.csv", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = file_with (f, "bad.csv", bad[i].text);
      g_autoptr (GError) error = NULL;
      KvValidation v;
      g_assert_false (kv_store_import_csv (f->store, path, "key", ',', TRUE, 0, 0, NULL, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE);
      if (strstr (error->message, bad[i].needle) == NULL)
        g_error ("case %zu: \"%s\" lacks \"%s\"", i, error->message, bad[i].needle);
      g_assert_true (kv_csv_validate (path, "key", ',', TRUE, 0, &v, NULL));
      g_assert_false (v.valid);
      g_assert_cmpint (v.error_code, ==, KV_ERROR_VALUE_PARSE);
      {
        /* error_at names the same row as the message */
        g_autofree char *row = g_strdup_printf ("row %" G_GUINT64_FORMAT, v.error_at);
        g_assert_nonnull (strstr (v.error_message, row));
      }
      kv_validation_clear (&v);
    }
  {
    g_autofree char *path = file_with (f, "h.csv", "id,a\nk,1\n");
    g_autoptr (GError) error = NULL;
    g_assert_false (kv_store_import_csv (f->store, path, "key", ',', TRUE, 0, 0, NULL, &error));
    g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS); /* no such keyColumn */
    g_clear_error (&error);
    g_assert_false (kv_store_import_csv (f->store, missing, "key", ',', TRUE, 0, 0, NULL, &error));
    g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_NOT_FOUND);
  }
}

static void
test_import_batch_atomic (StoreFixture *f, gconstpointer data)
{
  g_autofree char *path = file_with (f, "b.csv", "key,v\nk1,1\nk2,2\nk3,3\nk4,4,x\nk5,5\n");
  g_autoptr (GError) error = NULL;
  KvTransferSummary sum;
  guint64 n = 0;

  g_assert_false (kv_store_import_csv (f->store, path, "key", ',', TRUE, 0, 2, &sum, &error));
  g_assert_nonnull (strstr (error->message, "row 5"));
  g_assert_nonnull (strstr (error->message, "2 rows"));
  g_assert_cmpuint (sum.records, ==, 2); /* [k1,k2] committed; [k3,k4] not */
  g_assert_true (kv_store_count (f->store, NULL, &n, NULL));
  g_assert_cmpuint (n, ==, 2);
}

static void
test_validate (StoreFixture *f, gconstpointer data)
{
  g_autofree char *path = file_with (f, "v.csv", "key,a\r\nk1,1\r\nk2,2\r\n");
  KvValidation v;

  g_assert_true (kv_csv_validate (path, "key", ',', TRUE, 0, &v, NULL));
  g_assert_true (v.valid);
  g_assert_true (v.checked_all);
  g_assert_cmpuint (v.records, ==, 2);
  g_assert_cmpuint (v.bytes_read, ==, 19);
  kv_validation_clear (&v);
  g_assert_true (kv_csv_validate (path, NULL, ',', TRUE, 1, &v, NULL));
  g_assert_false (v.checked_all);
  g_assert_cmpuint (v.records, ==, 1);
  kv_validation_clear (&v);
}

/* Writes @len bytes (may hold NULs) to a file. */
static char *
file_with_len (StoreFixture *f, const char *name, const char *contents, gssize len)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  return path;
}

/* Imports @path: refused with ValueParseError naming @row (validateCSV agrees), nothing written. */
static void
assert_csv_refused (StoreFixture *f, const char *path, guint64 row, const char *needle)
{
  g_autofree char *where = g_strdup_printf ("row %" G_GUINT64_FORMAT, row);
  g_autoptr (GError) error = NULL;
  guint64 before = 0, after = 0;
  KvValidation v;

  g_assert_true (kv_store_size (f->store, &before, NULL));
  g_assert_false (kv_store_import_csv (f->store, path, "key", ',', TRUE, 0, 0, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE);
  if (strstr (error->message, where) == NULL || strstr (error->message, needle) == NULL)
    g_error ("\"%s\" lacks \"%s\" or \"%s\"", error->message, where, needle);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_true (kv_store_size (f->store, &after, NULL));
  g_assert_cmpuint (after, ==, before);
  g_assert_true (kv_csv_validate (path, "key", ',', TRUE, 0, &v, NULL));
  g_assert_false (v.valid);
  g_assert_cmpuint (v.error_at, ==, row);
  kv_validation_clear (&v);
}

/* D2: a raw NUL truncated the cell ("k\0 1" stored the key "k"); now the row is refused. */
static void
test_d2_raw_nul_refused (StoreFixture *f, gconstpointer data)
{
  g_autofree char *in_value = file_with_len (f, "v.csv", "key,a\nk1,x\0y\n", 13);
  g_autofree char *in_key = file_with_len (f, "k.csv", "key,a\nok,1\nk\0 1,2\n", 19);
  g_autofree char *in_header = file_with_len (f, "h.csv", "key,a\0b\nk,1\n", 12);

  assert_csv_refused (f, in_value, 2, "NUL");
  assert_csv_refused (f, in_key, 3, "NUL");
  assert_csv_refused (f, in_header, 1, "NUL");
}

/* D16: bytes that are not UTF-8 are named by row and column, never quoted. */
static void
test_d16_invalid_utf8_named (StoreFixture *f, gconstpointer data)
{
  g_autofree char *value = file_with (f, "u.csv", "key,a\nk1,ok\nk2,\xff\xfe\n");
  g_autofree char *header = file_with (f, "uh.csv", "key,\xed\xa0\x80,\xed\xa0\x80\nk1,1,2\n");

  assert_csv_refused (f, value, 3, "column 2");
  assert_csv_refused (f, header, 1, "column 2");
}

/* D18: 200000 columns took over a minute (a quadratic duplicate-name check). */
static void
test_d18_many_columns (StoreFixture *f, gconstpointer data)
{
  const guint n = 200000;
  g_autoptr (GString) text = g_string_new ("key");
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) v = NULL;
  g_autoptr (GTimer) timer = NULL;
  KvTransferSummary sum;
  const char *data_text;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, ",c%u", i);
  g_string_append (text, "\nk1");
  for (guint i = 0; i < n; i++)
    g_string_append (text, ",1");
  g_string_append_c (text, '\n');
  path = file_with (f, "wide.csv", text->str);
  timer = g_timer_new ();
  g_assert_true (kv_store_import_csv (f->store, path, "key", ',', TRUE, 0, 0, &sum, &error));
  g_assert_no_error (error);
  g_test_message ("importCSV of %u columns (%zu bytes): %.2f s", n, text->len,
                  g_timer_elapsed (timer, NULL));
  g_assert_cmpuint (sum.records, ==, 1);
  v = kv_store_get (f->store, "k1", &error);
  g_assert_no_error (error);
  data_text = g_bytes_get_data (v, NULL);
  /* Members bytewise by name: c0, c1, c10, c100, ... */
  g_assert_true (
      g_str_has_prefix (data_text, "{\"c0\":\"1\",\"c1\":\"1\",\"c10\":\"1\",\"c100\":\"1\","));
  {
    gsize want = 2 + (n - 1); /* braces and commas */
    char name[16];
    for (guint i = 0; i < n; i++)
      want += (gsize) g_snprintf (name, sizeof name, "c%u", i) + 6; /* "cN":"1" */
    g_assert_cmpuint (g_bytes_get_size (v), ==, want);
  }

  /* A repeated name among them is still found. */
  g_string_printf (text, "key");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, ",c%u", i);
  g_string_append (text, ",c7\nk1\n");
  g_clear_pointer (&path, g_free);
  path = file_with (f, "wide-dup.csv", text->str);
  g_timer_start (timer);
  assert_csv_refused (f, path, 1, "\"c7\" appears more than once");
  g_test_message ("the same with a repeated name: %.2f s", g_timer_elapsed (timer, NULL));
}

/* D1, D2 in export: cells were read through json-glib (1e20 became -1, a NUL cut the text). */
static void
test_d1_d2_export_cells (StoreFixture *f, gconstpointer data)
{
  const char *columns[] = { "n", "s" };
  g_autofree char *path = file_with (f, "n.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;

  put (f->store, "a", "{\"n\":1e20,\"s\":\"x\"}");
  put (f->store, "b", "{\"n\":-9223372036854775809,\"s\":\"\\u00e9\"}");
  g_assert_true (
      kv_store_export_csv (f->store, path, columns, 2, NULL, 0, ',', TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==,
                   "key,n,s\r\n"
                   "a,100000000000000000000,x\r\n"
                   "b,-9223372036854776000,é\r\n");
  put (f->store, "c", "{\"n\":1,\"s\":\"x\\u0000y\"}");
  g_assert_false (
      kv_store_export_csv (f->store, path, columns, 2, NULL, 0, ',', TRUE, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_UNSUPPORTED_VALUE_TYPE);
  g_assert_nonnull (strstr (error->message, "NUL"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  STORE_TEST_ADD ("csv/export-quoting", test_export_quoting);
  STORE_TEST_ADD ("csv/export-rejects", test_export_rejects);
  STORE_TEST_ADD ("csv/round-trip", test_round_trip);
  STORE_TEST_ADD ("csv/import-without-header", test_import_without_header);
  STORE_TEST_ADD ("csv/import-errors", test_import_errors);
  STORE_TEST_ADD ("csv/import-batch-atomic", test_import_batch_atomic);
  STORE_TEST_ADD ("csv/validate", test_validate);
  STORE_TEST_ADD ("csv/d2-raw-nul-refused", test_d2_raw_nul_refused);
  STORE_TEST_ADD ("csv/d16-invalid-utf8-named", test_d16_invalid_utf8_named);
  STORE_TEST_ADD ("csv/d1-d2-export-cells", test_d1_d2_export_cells);
  /* Big: once is enough. */
  g_test_add ("/kv/store/memory/csv/d18-many-columns", StoreFixture, &store_backends[0],
              store_fixture_setup, test_d18_many_columns, store_fixture_teardown);
  return g_test_run ();
}
