/* test-json.c — canonical JSON: byte equality must mean value equality. */
#include "config.h"

#include <math.h>
#include <string.h>

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
  assert_canonical ("-0.0", "-0");
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
  g_autofree char *b =
      kv_json_canonicalize ("{ \"list\" : [ 1, \"\\u0078\" ], \"n\" : 1 }", -1, NULL, NULL);
  g_assert_cmpstr (a, ==, b);
}

static void
test_invalid (void)
{
  /* Including what json-glib 1.6 alone would accept. */
  static const char *const bad[] = {
    "",         "{",         "{\"a\":}",
    "[1,,2]",   "'single'",  "nul",
    "[1,]",     "0x10",      "01",
    ".5",       "+1",        "\"\\x41\"",
    "/*c*/1",   "1 2",       "\"tab\there\"",
    "\"\xff\"", "{\"a\" 1}", "[\"unterminated]",
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
assert_rejected (const char *in, gssize len, const char *problem, gsize at)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = kv_json_canonicalize (in, len, NULL, &error);
  g_autofree char *where = g_strdup_printf ("at byte %" G_GSIZE_FORMAT, at);

  g_assert_null (out);
  g_assert_error (error, KV_ERROR, KV_ERROR_SERIALIZER);
  g_assert_nonnull (strstr (error->message, problem));
  g_assert_true (g_str_has_suffix (error->message, where));
  /* Messages never carry the input's bytes (issue 10, D16). */
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
assert_fixed_point (const char *canonical)
{
  assert_canonical (canonical, canonical);
}

/* D1: integer literals beyond 64 bits were read as wrapped gint64s. Within
 * int64 they stay exact; beyond, they are the double JSON.parse reads. */
static void
test_d1_integers_beyond_int64 (void)
{
  assert_canonical ("9223372036854775807", "9223372036854775807");
  assert_canonical ("-9223372036854775808", "-9223372036854775808");
  assert_canonical ("9223372036854775808", "9223372036854776000");
  assert_canonical ("-9223372036854775809", "-9223372036854776000");
  assert_canonical ("18446744073709551615", "18446744073709552000");
  assert_canonical ("18446744073709551616", "18446744073709552000");
  assert_canonical ("123456789012345678901234567890", "1.2345678901234568e+29");
  assert_canonical ("100000000000000000000.5", "100000000000000000000");
  assert_canonical ("-10000000000000000000", "-10000000000000000000");
  assert_canonical ("{\"n\":9300000000000000000}", "{\"n\":9300000000000000000}");
  assert_canonical ("[1e20, 9.3e18, -1e19]",
                    "[100000000000000000000,9300000000000000000,-10000000000000000000]");
  /* The canonical form of 1e20 canonicalizes to itself (it came back as -1). */
  assert_fixed_point ("100000000000000000000");
  assert_fixed_point ("18446744073709552000");
  assert_fixed_point ("-100000000000000000000");
  assert_fixed_point ("590295810358705700000");
  assert_canonical ("-0", "-0"); /* a JavaScript -0 comes back as -0 */
  assert_canonical ("-0.0", "-0");
  assert_canonical ("-0e3", "-0");
  assert_canonical ("0.0", "0");
  assert_canonical ("1e-400", "0");
  /* A literal of 400 digits: a double, not a wrapped integer. */
  {
    g_autofree char *digits = g_strnfill (300, '9');
    assert_canonical (digits, "1e+300");
  }
}

/* D1: 1e400 has no double; it was stored as null. */
static void
test_d1_beyond_double_rejected (void)
{
  assert_rejected ("1e400", -1, "beyond the range of a double", 0);
  assert_rejected ("[1, -1e400]", -1, "beyond the range of a double", 4);
  assert_rejected ("{\"v\":1.8e308}", -1, "beyond the range of a double", 5);
  {
    g_autofree char *digits = g_strnfill (400, '7');
    assert_rejected (digits, -1, "beyond the range of a double", 0);
  }
}

/* D2: a NUL in a string or member name was cut off (C strings). */
static void
test_d2_nul_kept (void)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  g_autofree char *out = kv_json_canonicalize ("\"a\\u0000b\"", -1, &len, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, 10);
  g_assert_cmpmem (out, len, "\"a\\u0000b\"", 10);
  assert_canonical ("\"\\u0000\"", "\"\\u0000\"");
  assert_canonical ("{\"a\\u0000b\":1,\"a\":2}", "{\"a\":2,\"a\\u0000b\":1}");
  assert_canonical ("{\"m\\u0000n\":1,\"m\":2}", "{\"m\":2,\"m\\u0000n\":1}");
  assert_canonical ("{\"a\\u0000c\":2,\"a\\u0000b\":1}", "{\"a\\u0000b\":1,\"a\\u0000c\":2}");
  /* NUL sorts first, as in code point order. */
  assert_canonical ("{\"\\u0001\":1,\"\\u0000\":2,\"\":3}", "{\"\":3,\"\\u0000\":2,\"\\u0001\":1}");
}

/* Repeated names keep the last value, as JSON.parse does; other names keep their order. */
static void
test_duplicate_members (void)
{
  assert_canonical ("{\"a\":1,\"a\":2}", "{\"a\":2}");
  assert_canonical ("{\"b\":0,\"a\":1,\"b\":{\"x\":1,\"x\":[2]},\"a\":3}",
                    "{\"a\":3,\"b\":{\"x\":[2]}}");
  /* Escaped and raw spellings are one name. */
  assert_canonical ("{\"\\u0061\":1,\"a\":2}", "{\"a\":2}");
}

/* D16, D24: every unpaired surrogate escape is refused by libkv's own parser,
 * with its offset; none becomes WTF-8 bytes or a json-glib message. */
static void
test_d16_d24_unpaired_surrogates (void)
{
  assert_rejected ("\"\\udc00\"", -1, "unpaired surrogate \\udc00", 1);
  assert_rejected ("\"\\ud800\"", -1, "unpaired surrogate \\ud800", 1);
  assert_rejected ("\"\\ud80A0\"", -1, "unpaired surrogate \\ud80a", 1);
  assert_rejected ("\"x\\ud800y\"", -1, "unpaired surrogate \\ud800", 2);
  assert_rejected ("\"x\\ude00\"", -1, "unpaired surrogate \\ude00", 2);
  assert_rejected ("\"\\ud800\\u0041\"", -1, "unpaired surrogate \\ud800", 1);
  assert_rejected ("\"\\ud800\\ud800\"", -1, "unpaired surrogate \\ud800", 1);
  assert_rejected ("\"\\udc00\\ud800\"", -1, "unpaired surrogate \\udc00", 1);
  assert_rejected ("{\"\\udfff\":1}", -1, "unpaired surrogate \\udfff", 2);
  assert_rejected ("{\"key\":\"\\ud800\",\"value\":1}", -1, "unpaired surrogate \\ud800", 8);
  assert_rejected ("[\"ok\",\"\\ud800\\n\"]", -1, "unpaired surrogate", 7);
  /* A pair is one character. */
  assert_canonical ("\"\\ud83d\\ude00\"", "\"😀\"");
  assert_canonical ("\"\\uD83D\\uDE00x\"", "\"😀x\"");
  assert_canonical ("\"\\ud7ff\\ue000\"", "\"\xed\x9f\xbf\xee\x80\x80\"");
}

/* Messages say where, never quote bytes that may not be UTF-8 (D16). */
static void
test_d16_messages_are_utf8 (void)
{
  assert_rejected ("\"ab\xed\xa0\x80\"", -1, "not valid UTF-8", 3);
  assert_rejected ("[1,\xff]", -1, "not valid UTF-8", 3);
  assert_rejected ("[1,\"a\0\"]", 7, "NUL", 5);
}

/* Next to powers of two the shortest digits are not the correctly rounded
 * ones of that length (Number#toString writes 2^-1017 in 16 digits). */
static void
test_shortest_digits_next_to_powers_of_two (void)
{
  assert_canonical ("7.1202363472230444e-307", "7.120236347223045e-307");
  assert_fixed_point ("7.120236347223045e-307");
  /* Every power of two reads back (the Go differential test checks the digits are Go's). */
  for (int e = -1074; e <= 1023; e++)
    {
      char text[64];
      double d = ldexp (1, e);
      g_autofree char *out = NULL;
      g_ascii_formatd (text, sizeof text, "%.17g", d);
      out = kv_json_canonicalize (text, -1, NULL, NULL);
      g_assert_nonnull (out);
      g_assert_cmpfloat (g_ascii_strtod (out, NULL), ==, d);
    }
}

/* Objects inside objects inside arrays, each out of order; a repeated name
 * whose first value held an out-of-order object. */
static void
test_nested_reordering (void)
{
  assert_canonical (
      "{\"b\":{\"d\":1,\"c\":[{\"f\":1,\"e\":2}]},\"a\":[{\"z\":1,\"y\":{\"q\":1,\"p\":2}}]}",
      "{\"a\":[{\"y\":{\"p\":2,\"q\":1},\"z\":1}],\"b\":{\"c\":[{\"e\":2,\"f\":1}],\"d\":1}}");
  assert_canonical ("{\"a\":{\"y\":1,\"x\":2},\"a\":{\"q\":1,\"p\":2}}",
                    "{\"a\":{\"p\":2,\"q\":1}}");
  assert_canonical ("[{\"b\":1,\"a\":2},{\"a\":1},{\"d\":{\"f\":0,\"e\":0},\"c\":0}]",
                    "[{\"a\":2,\"b\":1},{\"a\":1},{\"c\":0,\"d\":{\"e\":0,\"f\":0}}]");
}

/* 511 nested objects, each with its members out of order, around an 8 MiB
 * string: each byte is moved once, not once per level (which was 4 GiB of
 * copying). Checks the result; the time goes to the log. */
static void
test_deep_reordering_linear (void)
{
  const int depth = 511;
  const gsize big = 8u * 1024u * 1024u;
  g_autoptr (GString) in = g_string_new (NULL);
  g_autoptr (GString) want = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *payload = g_strnfill (big, 'x');
  gsize len = 0;
  gint64 start;

  for (int i = 0; i < depth; i++)
    {
      g_string_append (in, "{\"b\":");
      g_string_append (want, "{\"a\":1,\"b\":");
    }
  g_string_append_printf (in, "\"%s\"", payload);
  g_string_append_printf (want, "\"%s\"", payload);
  for (int i = 0; i < depth; i++)
    {
      g_string_append (in, ",\"a\":1}");
      g_string_append_c (want, '}');
    }
  start = g_get_monotonic_time ();
  out = kv_json_canonicalize (in->str, (gssize) in->len, &len, &error);
  g_test_message ("%d nested out-of-order objects around %zu bytes: %.3f s", depth, big,
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, want->len);
  g_assert_true (memcmp (out, want->str, len) == 0);
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
  g_test_add_func ("/kv/json/d1-integers-beyond-int64", test_d1_integers_beyond_int64);
  g_test_add_func ("/kv/json/d1-beyond-double-rejected", test_d1_beyond_double_rejected);
  g_test_add_func ("/kv/json/d2-nul-kept", test_d2_nul_kept);
  g_test_add_func ("/kv/json/duplicate-members", test_duplicate_members);
  g_test_add_func ("/kv/json/d16-d24-unpaired-surrogates", test_d16_d24_unpaired_surrogates);
  g_test_add_func ("/kv/json/d16-messages-are-utf8", test_d16_messages_are_utf8);
  g_test_add_func ("/kv/json/shortest-digits", test_shortest_digits_next_to_powers_of_two);
  g_test_add_func ("/kv/json/nested-reordering", test_nested_reordering);
  g_test_add_func ("/kv/json/deep-reordering-linear", test_deep_reordering_linear);
  return g_test_run ();
}
