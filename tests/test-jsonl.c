/* test-jsonl.c — JSON Lines export, import and validation, on every backend. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "store-fixture.h"

static char *
fixture_file (StoreFixture *f, const char *name, const char *contents)
{
  char *path = g_build_filename (f->dir, name, NULL);
  if (contents)
    g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
put (KvStore *kv, const char *key, const char *json)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (kv_store_set (kv, key, json, strlen (json), &error));
  g_assert_no_error (error);
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
test_export_format (StoreFixture *f, gconstpointer data)
{
  g_autofree char *path = fixture_file (f, "out.jsonl", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  KvTransferSummary sum;

  put (f->store, "b", "{\"y\":2,\"x\":1}");
  put (f->store, "a", "\"line\\nbreak \\\"q\\\"\"");
  put (f->store, "c", "null");
  put (f->store, "skip:me", "1");
  g_assert_true (kv_store_export_jsonl (f->store, path, NULL, 0, &sum, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==,
                   "{\"key\":\"a\",\"value\":\"line\\nbreak \\\"q\\\"\"}\n"
                   "{\"key\":\"b\",\"value\":{\"x\":1,\"y\":2}}\n"
                   "{\"key\":\"c\",\"value\":null}\n"
                   "{\"key\":\"skip:me\",\"value\":1}\n");
  g_assert_cmpuint (sum.records, ==, 4);
  g_assert_cmpuint (sum.bytes, ==, strlen (contents));

  g_assert_true (kv_store_export_jsonl (f->store, path, "skip:", 0, &sum, &error));
  g_assert_cmpuint (sum.records, ==, 1);
  g_assert_true (kv_store_export_jsonl (f->store, path, NULL, 2, &sum, &error));
  g_assert_cmpuint (sum.records, ==, 2);
  g_assert_false (
      kv_store_export_jsonl (f->store, path, NULL, KV_JSONL_LIMIT_MAX + 1, &sum, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
}

/* A file in xk6-kv's own format (Go's encoder: HTML-escaped, unsorted members)
 * imports, and exporting it again gives the same values. */
static void
test_xk6_kv_fixture_round_trip (StoreFixture *f, gconstpointer data)
{
  g_autofree char *fixture =
      g_test_build_filename (G_TEST_DIST, "data", "xk6-kv-export.jsonl", NULL);
  g_autofree char *out = fixture_file (f, "again.jsonl", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (KvStore) second = NULL;
  KvTransferSummary sum;
  gsize fixture_len = 0;
  g_autofree char *fixture_text = NULL;

  g_assert_true (g_file_get_contents (fixture, &fixture_text, &fixture_len, NULL));
  g_assert_true (kv_store_import_jsonl (f->store, fixture, 0, 0, &sum, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sum.records, ==, 7);
  g_assert_cmpuint (sum.bytes, ==, fixture_len);
  assert_value (f->store, "user:1", "{\"age\":30,\"name\":\"Alice\",\"tags\":[\"a\",\"b\"]}");
  assert_value (f->store, "user:2", "null");
  assert_value (f->store, "counter", "42");
  assert_value (f->store, "html", "\"<b>AT&T</b>\"");
  assert_value (f->store, "float", "1500");
  assert_value (f->store, "unicode", "\"café ☃\"");

  /* Back out and into a fresh store: identical. */
  g_assert_true (kv_store_export_jsonl (f->store, out, NULL, 0, &sum, &error));
  g_assert_cmpuint (sum.records, ==, 7);
  second = store_fixture_open_with (f->backend, f->dir, NULL);
  g_assert_true (kv_store_import_jsonl (second, out, 0, 3, &sum, &error));
  g_assert_cmpuint (sum.records, ==, 7);
  {
    g_autoptr (GPtrArray) a = kv_store_list (f->store, NULL, 0, NULL);
    g_autoptr (GPtrArray) b = kv_store_list (second, NULL, 0, NULL);
    g_assert_cmpuint (a->len, ==, b->len);
    for (guint i = 0; i < a->len; i++)
      {
        g_assert_cmpstr (kv_entry_get_key (a->pdata[i]), ==, kv_entry_get_key (b->pdata[i]));
        g_assert_true (
            g_bytes_equal (kv_entry_get_value (a->pdata[i]), kv_entry_get_value (b->pdata[i])));
      }
  }
}

static void
test_import_batch_atomic (StoreFixture *f, gconstpointer data)
{
  g_autofree char *path = fixture_file (f, "bad.jsonl",
                                        "{\"key\":\"k1\",\"value\":1}\n"
                                        "{\"key\":\"k2\",\"value\":2}\n"
                                        "{\"key\":\"k3\",\"value\":3}\n"
                                        "{\"key\":\"k4\",\"value\":4}\n"
                                        "{\"key\":\"k5\",\"value\":5}\n"
                                        "{\"key\":\"k6\",\"value\":}\n"
                                        "{\"key\":\"k7\",\"value\":7}\n");
  g_autoptr (GError) error = NULL;
  KvTransferSummary sum = { 99, 99 };
  guint64 n = 0;

  g_assert_false (kv_store_import_jsonl (f->store, path, 0, 2, &sum, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE);
  g_assert_nonnull (strstr (error->message, "line 6"));
  g_assert_nonnull (strstr (error->message, "4 records"));
  /* Batches [1,2] and [3,4] are in; [5,6] failed as a whole; 7 was never read. */
  g_assert_cmpuint (sum.records, ==, 4);
  g_assert_true (kv_store_count (f->store, NULL, &n, NULL));
  g_assert_cmpuint (n, ==, 4);
  g_assert_true (kv_store_count (f->store, "k5", &n, NULL));
  g_assert_cmpuint (n, ==, 0);
}

static void
test_import_rejects (StoreFixture *f, gconstpointer data)
{
  static const struct
  {
    const char *text;
    const char *needle;
  } bad[] = {
    { "{\"key\":\"a\",\"value\":1}\n\n", "line 2 is blank" },
    { "[1,2]\n", "line 1" },
    { "{\"value\":1}\n", "line 1" },
    { "{\"key\":\"\",\"value\":1}\n", "non-empty" },
    { "{\"key\":7,\"value\":1}\n", "line 1" },
    { "{\"key\":\"a\"}\n", "line 1" },
    { "{'key':'a','value':1}\n", "line 1" },
  };
  g_autofree char *missing = fixture_file (f, "missing.jsonl", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = fixture_file (f, "bad.jsonl", bad[i].text);
      g_autoptr (GError) error = NULL;
      g_assert_false (kv_store_import_jsonl (f->store, path, 0, 0, NULL, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE);
      if (strstr (error->message, bad[i].needle) == NULL)
        g_error ("case %zu: \"%s\" lacks \"%s\"", i, error->message, bad[i].needle);
    }
  {
    g_autoptr (GError) error = NULL;
    g_assert_false (kv_store_import_jsonl (f->store, missing, 0, 0, NULL, &error));
    g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_NOT_FOUND);
    g_clear_error (&error);
    g_assert_false (kv_store_import_jsonl (f->store, f->dir, 0, 0, NULL, &error));
    g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ);
    g_clear_error (&error);
    g_assert_false (kv_store_import_jsonl (f->store, "", 0, 0, NULL, &error));
    g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
    g_clear_error (&error);
    g_assert_false (
        kv_store_import_jsonl (f->store, missing, 0, KV_JSONL_BATCH_MAX + 1, NULL, &error));
    g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  }
}

static void
test_import_line_cap (StoreFixture *f, gconstpointer data)
{
  g_autofree char *path = fixture_file (f, "huge.jsonl", NULL);
  g_autoptr (GError) error = NULL;
  FILE *out = fopen (path, "w");
  gsize big = KV_JSONL_MAX_LINE + 10;
  g_autofree char *filler = g_malloc (1 << 20);

  memset (filler, 'x', 1 << 20);
  fputs ("{\"key\":\"ok\",\"value\":1}\n{\"key\":\"big\",\"value\":\"", out);
  for (gsize written = 0; written < big; written += 1 << 20)
    fwrite (filler, 1, 1 << 20, out);
  fputs ("\"}\n", out);
  fclose (out);
  g_assert_false (kv_store_import_jsonl (f->store, path, 0, 1, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE);
  g_assert_nonnull (strstr (error->message, "line 2 is longer"));
  assert_value (f->store, "ok", "1");
}

static void
test_import_limit (StoreFixture *f, gconstpointer data)
{
  g_autofree char *path = fixture_file (f, "five.jsonl",
                                        "{\"key\":\"1\",\"value\":1}\n{\"key\":\"2\",\"value\":2}\n"
                                        "{\"key\":\"3\",\"value\":3}\n{\"key\":\"4\",\"value\":4}\n"
                                        "{\"key\":\"5\",\"value\":5}");
  KvTransferSummary sum;
  guint64 n = 0;

  g_assert_true (kv_store_import_jsonl (f->store, path, 3, 2, &sum, NULL));
  g_assert_cmpuint (sum.records, ==, 3);
  g_assert_true (kv_store_count (f->store, NULL, &n, NULL));
  g_assert_cmpuint (n, ==, 3);
  g_assert_true (
      kv_store_import_jsonl (f->store, path, 0, 0, &sum, NULL)); /* no final newline: fine */
  g_assert_cmpuint (sum.records, ==, 5);
}

static void
test_export_failure_keeps_old_file (StoreFixture *f, gconstpointer data)
{
  g_autoptr (KvStore) s =
      store_fixture_open_with (f->backend, f->dir, "\"serialization\":\"string\"");
  g_autofree char *path = fixture_file (f, "keep.jsonl", "old contents\n");
  g_autofree char *contents = NULL;
  /* "keep.jsonl" is a file: no directory can be made under it. */
  g_autofree char *nodir = g_build_filename (f->dir, "keep.jsonl", "dir", "x.jsonl", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = NULL;
  const char *name;
  int files = 0;

  g_assert_true (kv_store_set (s, "ok", "fine", 4, NULL));
  g_assert_true (kv_store_set (s, "bad", "\xff\xfe", 2, NULL)); /* not UTF-8: no JSON string */
  g_assert_false (kv_store_export_jsonl (s, path, NULL, 0, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_SERIALIZER);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old contents\n");
  d = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (d)))
    files += g_str_has_prefix (name, ".keep.jsonl.tmp");
  g_assert_cmpint (files, ==, 0); /* no temporary file left behind */

  g_assert_false (kv_store_export_jsonl (s, nodir, NULL, 0, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT);
}

static void
test_string_mode_round_trip (StoreFixture *f, gconstpointer data)
{
  g_autoptr (KvStore) s =
      store_fixture_open_with (f->backend, f->dir, "\"serialization\":\"string\"");
  g_autoptr (KvStore) t =
      store_fixture_open_with (f->backend, f->dir, "\"serialization\":\"string\"");
  g_autofree char *path = fixture_file (f, "s.jsonl", NULL);
  g_autofree char *contents = NULL;

  g_assert_true (kv_store_set (s, "k", "map[a:1]", 8, NULL));
  g_assert_true (kv_store_export_jsonl (s, path, NULL, 0, NULL, NULL));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "{\"key\":\"k\",\"value\":\"map[a:1]\"}\n");
  g_assert_true (kv_store_import_jsonl (t, path, 0, 0, NULL, NULL));
  assert_value (t, "k", "map[a:1]");
}

static void
test_validate (StoreFixture *f, gconstpointer data)
{
  g_autofree char *good =
      fixture_file (f, "good.jsonl", "{\"key\":\"a\",\"value\":1}\n{\"key\":\"b\",\"value\":[]}\n");
  g_autofree char *bad = fixture_file (
      f, "bad.jsonl", "{\"key\":\"a\",\"value\":1}\nnot json\n{\"key\":\"c\",\"value\":3}\n");
  g_autofree char *missing = fixture_file (f, "missing.jsonl", NULL);
  g_autoptr (GError) error = NULL;
  KvValidation v;

  g_assert_true (kv_jsonl_validate (good, 0, &v, &error));
  g_assert_true (v.valid);
  g_assert_true (v.checked_all);
  g_assert_cmpuint (v.records, ==, 2);
  g_assert_cmpuint (v.bytes_read, ==, 45);
  kv_validation_clear (&v);

  g_assert_true (kv_jsonl_validate (good, 1, &v, &error));
  g_assert_true (v.valid);
  g_assert_false (v.checked_all);
  g_assert_cmpuint (v.records, ==, 1);
  kv_validation_clear (&v);

  g_assert_true (kv_jsonl_validate (bad, 0, &v, &error));
  g_assert_false (v.valid);
  g_assert_cmpuint (v.records, ==, 1);
  g_assert_cmpuint (v.error_at, ==, 2);
  g_assert_cmpint (v.error_code, ==, KV_ERROR_VALUE_PARSE);
  g_assert_nonnull (v.error_message);
  kv_validation_clear (&v);

  g_assert_false (kv_jsonl_validate (missing, 0, &v, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_NOT_FOUND);
}

/* Imports @text and checks it is refused with ValueParseError naming @line,
 * and that validateJSONL says the same (issue 10, D24). Nothing is written. */
static void
assert_import_refused (StoreFixture *f, const char *text, guint64 line, const char *needle)
{
  g_autofree char *path = fixture_file (f, "refused.jsonl", text);
  g_autofree char *where = g_strdup_printf ("line %" G_GUINT64_FORMAT, line);
  g_autoptr (GError) error = NULL;
  KvValidation v;
  guint64 before = 0, after = 0;

  g_assert_true (kv_store_size (f->store, &before, NULL));

  g_assert_true (kv_jsonl_validate (path, 0, &v, &error));
  g_assert_no_error (error);
  g_assert_false (v.valid);
  g_assert_cmpuint (v.error_at, ==, line);
  g_assert_cmpint (v.error_code, ==, KV_ERROR_VALUE_PARSE);
  g_assert_nonnull (strstr (v.error_message, needle));
  g_assert_true (g_utf8_validate (v.error_message, -1, NULL));
  kv_validation_clear (&v);

  g_assert_false (kv_store_import_jsonl (f->store, path, 0, 0, NULL, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE);
  if (strstr (error->message, where) == NULL || strstr (error->message, needle) == NULL)
    g_error ("\"%s\" lacks \"%s\" or \"%s\"", error->message, where, needle);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_true (kv_store_size (f->store, &after, NULL));
  g_assert_cmpuint (after, ==, before);
}

/* D1: integers beyond int64 were imported as wrapped numbers (1e20 → -1). */
static void
test_d1_big_numbers_import (StoreFixture *f, gconstpointer data)
{
  g_autofree char *path =
      fixture_file (f, "n.jsonl",
                    "{\"key\":\"b\",\"value\":123456789012345678901234567890}\n"
                    "{\"key\":\"c\",\"value\":9223372036854775808}\n"
                    "{\"key\":\"g\",\"value\":18446744073709551615}\n"
                    "{\"key\":\"i\",\"value\":100000000000000000000.5}\n"
                    "{\"key\":\"j\",\"value\":-9223372036854775809}\n"
                    "{\"key\":\"k\",\"value\":9223372036854775807}\n"
                    "{\"key\":\"l\",\"value\":{\"n\":100000000000000000000}}\n");
  g_autoptr (GError) error = NULL;

  g_assert_true (kv_store_import_jsonl (f->store, path, 0, 0, NULL, &error));
  g_assert_no_error (error);
  assert_value (f->store, "b", "1.2345678901234568e+29");
  assert_value (f->store, "c", "9223372036854776000");
  assert_value (f->store, "g", "18446744073709552000");
  assert_value (f->store, "i", "100000000000000000000");
  assert_value (f->store, "j", "-9223372036854776000");
  assert_value (f->store, "k", "9223372036854775807");
  assert_value (f->store, "l", "{\"n\":100000000000000000000}");

  /* 1e400 was stored as null. */
  assert_import_refused (f, "{\"key\":\"ok\",\"value\":1}\n{\"key\":\"d\",\"value\":1e400}\n", 2,
                         "beyond the range of a double");
}

/* D1: the store's own export → import round trip keeps numbers JS writes. */
static void
test_d1_export_import_round_trip (StoreFixture *f, gconstpointer data)
{
  g_autoptr (KvStore) second = store_fixture_open_with (f->backend, f->dir, NULL);
  g_autofree char *path = fixture_file (f, "rt.jsonl", NULL);
  g_autofree char *again = fixture_file (f, "rt2.jsonl", NULL);
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr (GError) error = NULL;

  put (f->store, "a", "1e20");
  put (f->store, "b", "18446744073709551616");
  put (f->store, "c", "{\"n\":9.3e18}");
  put (f->store, "d", "-1e19");
  put (f->store, "e", "[9007199254740993, 1.5, -0]");
  g_assert_true (kv_store_export_jsonl (f->store, path, NULL, 0, NULL, &error));
  g_assert_true (kv_store_import_jsonl (second, path, 0, 0, NULL, &error));
  g_assert_no_error (error);
  assert_value (second, "a", "100000000000000000000");
  assert_value (second, "b", "18446744073709552000");
  assert_value (second, "c", "{\"n\":9300000000000000000}");
  assert_value (second, "d", "-10000000000000000000");
  assert_value (second, "e", "[9007199254740993,1.5,-0]");
  g_assert_true (kv_store_export_jsonl (second, again, NULL, 0, NULL, &error));
  g_assert_true (g_file_get_contents (path, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (again, &b, NULL, NULL));
  g_assert_cmpstr (a, ==, b);
}

/* D2: "\u0000" in a value or member name was cut off; in a key it imported under a shorter key. */
static void
test_d2_nul_import (StoreFixture *f, gconstpointer data)
{
  g_autofree char *path = fixture_file (f, "z.jsonl",
                                        "{\"key\":\"a\",\"value\":\"x\\u0000y\"}\n"
                                        "{\"key\":\"f\",\"value\":{\"m\\u0000n\":1,\"m\":2}}\n");
  g_autofree char *out = fixture_file (f, "z-out.jsonl", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) v = NULL;

  g_assert_true (kv_store_import_jsonl (f->store, path, 0, 0, NULL, &error));
  g_assert_no_error (error);
  v = kv_store_get (f->store, "a", &error);
  g_assert_cmpmem (g_bytes_get_data (v, NULL), g_bytes_get_size (v), "\"x\\u0000y\"", 10);
  assert_value (f->store, "f", "{\"m\":2,\"m\\u0000n\":1}");
  g_assert_true (kv_store_export_jsonl (f->store, out, NULL, 0, NULL, &error));
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==,
                   "{\"key\":\"a\",\"value\":\"x\\u0000y\"}\n"
                   "{\"key\":\"f\",\"value\":{\"m\":2,\"m\\u0000n\":1}}\n");

  assert_import_refused (f, "{\"key\":\"a\\u0000b\",\"value\":1}\n", 1, "NUL");
}

/* D2: in string mode a JSON string's NUL is kept too. */
static void
test_d2_nul_import_string_mode (StoreFixture *f, gconstpointer data)
{
  g_autoptr (KvStore) s =
      store_fixture_open_with (f->backend, f->dir, "\"serialization\":\"string\"");
  g_autofree char *path = fixture_file (f, "zs.jsonl", "{\"key\":\"a\",\"value\":\"x\\u0000y\"}\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) v = NULL;

  g_assert_true (kv_store_import_jsonl (s, path, 0, 0, NULL, &error));
  g_assert_no_error (error);
  v = kv_store_get (s, "a", &error);
  g_assert_cmpmem (g_bytes_get_data (v, NULL), g_bytes_get_size (v), "x\0y", 3);
}

/* D16, D24: unpaired surrogate escapes, in values and keys, are ValueParseError
 * naming the line, from both validateJSONL and importJSONL; invalid UTF-8 in a
 * key is named, not quoted. */
static void
test_d24_surrogates_validate_agrees (StoreFixture *f, gconstpointer data)
{
  assert_import_refused (f, "{\"key\":\"a\",\"value\":\"\\ud80A0\"}\n", 1,
                         "unpaired surrogate \\ud80a");
  assert_import_refused (f,
                         "{\"key\":\"ok\",\"value\":2}\n{\"key\":\"b\",\"value\":\"x\\ud800y\"}\n",
                         2, "unpaired surrogate \\ud800");
  assert_import_refused (f, "{\"key\":\"a\",\"value\":\"x\\ude00\"}\n", 1,
                         "unpaired surrogate \\ude00");
  assert_import_refused (f, "{\"key\":\"\\ud800\",\"value\":1}\n", 1, "unpaired surrogate \\ud800");
  assert_import_refused (f, "{\"key\":\"k\xed\xa0\x80\",\"value\":1}\n", 1, "not valid UTF-8");
  assert_import_refused (f, "{\"key\":\"k\",\"value\":\"\xc0\xaf\"}\n", 1, "not valid UTF-8");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  STORE_TEST_ADD ("jsonl/export-format", test_export_format);
  STORE_TEST_ADD ("jsonl/xk6-kv-round-trip", test_xk6_kv_fixture_round_trip);
  STORE_TEST_ADD ("jsonl/import-batch-atomic", test_import_batch_atomic);
  STORE_TEST_ADD ("jsonl/import-rejects", test_import_rejects);
  STORE_TEST_ADD ("jsonl/import-limit", test_import_limit);
  STORE_TEST_ADD ("jsonl/export-failure-keeps-old-file", test_export_failure_keeps_old_file);
  STORE_TEST_ADD ("jsonl/string-mode", test_string_mode_round_trip);
  STORE_TEST_ADD ("jsonl/validate", test_validate);
  STORE_TEST_ADD ("jsonl/d1-big-numbers-import", test_d1_big_numbers_import);
  STORE_TEST_ADD ("jsonl/d1-export-import-round-trip", test_d1_export_import_round_trip);
  STORE_TEST_ADD ("jsonl/d2-nul-import", test_d2_nul_import);
  STORE_TEST_ADD ("jsonl/d2-nul-import-string-mode", test_d2_nul_import_string_mode);
  STORE_TEST_ADD ("jsonl/d24-surrogates-validate-agrees", test_d24_surrogates_validate_agrees);
  /* Writes a 64 MiB line: once is enough. */
  g_test_add ("/kv/store/memory/jsonl/import-line-cap", StoreFixture, &store_backends[0],
              store_fixture_setup, test_import_line_cap, store_fixture_teardown);
  return g_test_run ();
}
