/* test-json.c — canonical JSON: byte equality must mean value equality. */
#include "config.h"

#include <libkv/kv.h>

static void
assert_canonical (const char *in, const char *expected)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  g_autofree char *out = kv_json_canonicalize (in, -1, &len, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpuint (len, ==, strlen (expected));
}

static void
test_objects_sorted (void)
{
  assert_canonical ("{ \"b\" : 2, \"a\" : 1 }", "{\"a\":1,\"b\":2}");
  assert_canonical ("{\"z\":{\"y\":[3, {\"b\":true,\"a\":null}],\"x\":\"s\"}}",
                    "{\"z\":{\"x\":\"s\",\"y\":[3,{\"a\":null,\"b\":true}]}}");
  /* Bytewise order of UTF-8: uppercase before lowercase, ASCII before the rest. */
  assert_canonical ("{\"é\":1,\"b\":2,\"B\":3}", "{\"B\":3,\"b\":2,\"é\":1}");
  assert_canonical ("{}", "{}");
  assert_canonical ("[ ]", "[]");
}

static void
test_scalars (void)
{
  assert_canonical ("42", "42");
  assert_canonical ("-7", "-7");
  assert_canonical ("\"hi\"", "\"hi\"");
  assert_canonical ("true", "true");
  assert_canonical ("null", "null");
  assert_canonical ("  9007199254740993 ", "9007199254740993");
}

/* The same text JavaScript's JSON.stringify produces for these numbers. */
static void
test_numbers_like_javascript (void)
{
  assert_canonical ("5.0", "5");
  assert_canonical ("100.0", "100");
  assert_canonical ("1e2", "100");
  assert_canonical ("0.1", "0.1");
  assert_canonical ("1.5", "1.5");
  assert_canonical ("-0.0", "0");
  assert_canonical ("0.000001", "0.000001");
  assert_canonical ("1e-7", "1e-7");
  assert_canonical ("1.25e-8", "1.25e-8");
  assert_canonical ("1e21", "1e+21");
  assert_canonical ("1e20", "100000000000000000000");
  assert_canonical ("123456789012.5", "123456789012.5");
  assert_canonical ("3.141592653589793", "3.141592653589793");
  assert_canonical ("0.30000000000000004", "0.30000000000000004");
  assert_canonical ("1.7976931348623157e308", "1.7976931348623157e+308");
  assert_canonical ("5e-324", "5e-324");
}

static void
test_strings_escaped_minimally (void)
{
  assert_canonical ("\"a\\u0041\\/b\"", "\"aA/b\"");
  assert_canonical ("\"q\\\"b\\\\s\"", "\"q\\\"b\\\\s\"");
  assert_canonical ("\"\\n\\t\\r\\b\\f\\u0001\"", "\"\\n\\t\\r\\b\\f\\u0001\"");
  assert_canonical ("\"\\u00e9\\u20ac\"", "\"é€\"");
  assert_canonical ("\"<&>\"", "\"<&>\"");
}

static void
test_equal_values_equal_bytes (void)
{
  g_autofree char *a = kv_json_canonicalize ("{\"n\":1.0,\"list\":[1e0,\"x\"]}", -1, NULL, NULL);
  g_autofree char *b = kv_json_canonicalize ("{ \"list\" : [ 1, \"\\u0078\" ], \"n\" : 1 }", -1,
                                             NULL, NULL);
  g_assert_cmpstr (a, ==, b);
}

static void
test_invalid (void)
{
  /* Including what json-glib 1.6 alone would accept. */
  static const char *const bad[] = {
    "", "{", "{\"a\":}", "[1,,2]", "'single'", "nul", "[1,]", "0x10", "01", ".5", "+1",
    "\"\\x41\"", "/*c*/1", "1 2", "\"tab\there\"", "\"\xff\"", "{\"a\" 1}", "[\"unterminated]",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *out = kv_json_canonicalize (bad[i], -1, NULL, &error);
      g_assert_null (out);
      g_assert_error (error, KV_ERROR, KV_ERROR_SERIALIZER);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *out = kv_json_canonicalize ("\"a\0b\"", 5, NULL, &error);
    g_assert_null (out);
    g_assert_error (error, KV_ERROR, KV_ERROR_SERIALIZER);
  }
}

static void
test_depth_limit (void)
{
  g_autoptr (GError) error = NULL;
  GString *deep = g_string_new (NULL);
  g_autofree char *ok_text = NULL;
  g_autofree char *out = NULL;

  for (int i = 0; i < 512; i++)
    g_string_append_c (deep, '[');
  for (int i = 0; i < 512; i++)
    g_string_append_c (deep, ']');
  ok_text = g_strdup (deep->str);
  out = kv_json_canonicalize (ok_text, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, ok_text);
  g_clear_pointer (&out, g_free);

  /* One level more, and a hostile 1M-deep document, fail cleanly. */
  g_string_prepend_c (deep, '[');
  g_string_append_c (deep, ']');
  out = kv_json_canonicalize (deep->str, -1, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, KV_ERROR, KV_ERROR_SERIALIZER);
  g_clear_error (&error);
  g_string_truncate (deep, 0);
  for (int i = 0; i < 1000000; i++)
    g_string_append_c (deep, '[');
  out = kv_json_canonicalize (deep->str, -1, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, KV_ERROR, KV_ERROR_SERIALIZER);
  g_string_free (deep, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/kv/json/objects-sorted", test_objects_sorted);
  g_test_add_func ("/kv/json/scalars", test_scalars);
  g_test_add_func ("/kv/json/numbers", test_numbers_like_javascript);
  g_test_add_func ("/kv/json/strings", test_strings_escaped_minimally);
  g_test_add_func ("/kv/json/equal-values", test_equal_values_equal_bytes);
  g_test_add_func ("/kv/json/invalid", test_invalid);
  g_test_add_func ("/kv/json/depth-limit", test_depth_limit);
  return g_test_run ();
}
