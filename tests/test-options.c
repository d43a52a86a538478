/* test-options.c — openKv() option parsing, defaults, validation and equality. */
#include "config.h"

#include <libkv/kv.h>

static KvOptions *
parse_ok (const char *json)
{
  g_autoptr (GError) error = NULL;
  KvOptions *o = kv_options_new_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (o);
  return o;
}

static void
assert_parse_fails (const char *json, KvError code, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvOptions) o = kv_options_new_from_json (json, &error);

  g_assert_null (o);
  g_assert_error (error, KV_ERROR, (gint) code);
  if (needle)
    g_assert_nonnull (strstr (error->message, needle));
}

static void
test_defaults (void)
{
  g_autoptr (KvOptions) o = kv_options_new ();
  g_autoptr (KvOptions) from_null = parse_ok (NULL);
  g_autoptr (KvOptions) from_empty = parse_ok ("{}");
  g_autoptr (KvOptions) from_json_null = parse_ok ("null");
  g_auto (GStrv) ignored = kv_options_get_disk_ignored (o);

  g_assert_cmpint (kv_options_get_backend (o), ==, KV_BACKEND_DISK);
  g_assert_cmpstr (kv_options_get_path (o), ==, "./.k6.kv");
  g_assert_cmpint (kv_options_get_serialization (o), ==, KV_SERIALIZATION_JSON);
  g_assert_false (kv_options_get_track_keys (o));
  g_assert_cmpuint (kv_options_get_shard_count (o), ==, g_get_num_processors ());
  g_assert_cmpuint (kv_options_get_disk_timeout_ms (o), ==, 1000);
  g_assert_false (kv_options_get_disk_read_only (o));
  g_assert_false (kv_options_get_metrics_operations (o));
  g_assert_cmpuint (g_strv_length (ignored), ==, 0);
  g_assert_true (kv_options_equal (o, from_null));
  g_assert_true (kv_options_equal (o, from_empty));
  g_assert_true (kv_options_equal (o, from_json_null));
}

static void
test_full_object (void)
{
  g_autoptr (KvOptions) o = parse_ok (
      "{\"backend\":\"memory\",\"path\":\"/tmp/x.kv\",\"serialization\":\"string\","
      "\"trackKeys\":true,\"memory\":{\"shardCount\":8},"
      "\"disk\":{\"timeout\":\"1m30s\",\"noSync\":true,\"noGrowSync\":true,\"noFreelistSync\":true,"
      "\"preLoadFreelist\":true,\"freelistType\":\"map\",\"readOnly\":true,"
      "\"initialMmapSize\":\"64MB\",\"mlock\":true,\"mapSize\":\"1GiB\",\"maxReaders\":500,"
      "\"writeMap\":true,\"noReadAhead\":true},"
      "\"metrics\":{\"operations\":true},\"someFutureOption\":[1,2,3]}");
  g_auto (GStrv) ignored = kv_options_get_disk_ignored (o);
  g_autofree char *json = kv_options_to_json (o);
  g_autoptr (KvOptions) again = parse_ok (json);

  g_assert_cmpint (kv_options_get_backend (o), ==, KV_BACKEND_MEMORY);
  g_assert_cmpstr (kv_options_get_path (o), ==, "/tmp/x.kv");
  g_assert_cmpint (kv_options_get_serialization (o), ==, KV_SERIALIZATION_STRING);
  g_assert_true (kv_options_get_track_keys (o));
  g_assert_cmpuint (kv_options_get_shard_count (o), ==, 8);
  g_assert_cmpuint (kv_options_get_disk_timeout_ms (o), ==, 90000);
  g_assert_true (kv_options_get_disk_no_sync (o));
  g_assert_true (kv_options_get_disk_no_grow_sync (o));
  g_assert_true (kv_options_get_disk_read_only (o));
  g_assert_cmpuint (kv_options_get_disk_initial_mmap_size (o), ==, 64000000);
  g_assert_true (kv_options_get_disk_mlock (o));
  g_assert_cmpuint (kv_options_get_disk_map_size (o), ==, 1073741824);
  g_assert_cmpuint (kv_options_get_disk_max_readers (o), ==, 500);
  g_assert_true (kv_options_get_disk_write_map (o));
  g_assert_true (kv_options_get_disk_no_read_ahead (o));
  g_assert_true (kv_options_get_metrics_operations (o));
  g_assert_cmpuint (g_strv_length (ignored), ==, 3);
  g_assert_true (g_strv_contains ((const char *const *) ignored, "freelistType"));
  /* to_json → from_json is the identity. */
  g_assert_true (kv_options_equal (o, again));
}

static void
test_shard_count_normalised (void)
{
  g_autoptr (KvOptions) zero = parse_ok ("{\"memory\":{\"shardCount\":0}}");
  g_autoptr (KvOptions) negative = parse_ok ("{\"memory\":{\"shardCount\":-5}}");
  g_autoptr (KvOptions) huge = parse_ok ("{\"memory\":{\"shardCount\":1000000}}");
  g_autoptr (KvOptions) omitted = parse_ok ("{\"memory\":{}}");

  g_assert_cmpuint (kv_options_get_shard_count (zero), ==, g_get_num_processors ());
  g_assert_cmpuint (kv_options_get_shard_count (negative), ==, g_get_num_processors ());
  g_assert_cmpuint (kv_options_get_shard_count (huge), ==, KV_MAX_SHARDS);
  /* 0 and "the number of processors" are the same configuration. */
  g_assert_true (kv_options_equal (zero, omitted));
}

static void
test_invalid (void)
{
  assert_parse_fails ("{\"backend\":\"redis\"}", KV_ERROR_INVALID_BACKEND, "redis");
  assert_parse_fails ("{\"backend\":1}", KV_ERROR_INVALID_BACKEND, NULL);
  assert_parse_fails ("{\"serialization\":\"yaml\"}", KV_ERROR_INVALID_SERIALIZATION, "yaml");
  assert_parse_fails ("{\"trackKeys\":\"yes\"}", KV_ERROR_INVALID_OPTIONS, "trackKeys");
  assert_parse_fails ("{\"path\":42}", KV_ERROR_INVALID_OPTIONS, "path");
  assert_parse_fails ("{\"memory\":{\"shardCount\":1.5}}", KV_ERROR_INVALID_OPTIONS, "shardCount");
  assert_parse_fails ("{\"memory\":[]}", KV_ERROR_INVALID_OPTIONS, "memory");
  assert_parse_fails ("{\"disk\":{\"timeout\":\"soon\"}}", KV_ERROR_INVALID_OPTIONS, "timeout");
  assert_parse_fails ("{\"disk\":{\"timeout\":-1}}", KV_ERROR_INVALID_OPTIONS, "timeout");
  assert_parse_fails ("{\"disk\":{\"freelistType\":\"tree\"}}", KV_ERROR_INVALID_OPTIONS,
                      "freelistType");
  assert_parse_fails ("{\"disk\":{\"initialMmapSize\":\"64 parsecs\"}}", KV_ERROR_INVALID_OPTIONS,
                      "initialMmapSize");
  assert_parse_fails ("{\"disk\":{\"maxReaders\":0}}", KV_ERROR_INVALID_OPTIONS, "maxReaders");
  assert_parse_fails ("{\"metrics\":{\"operations\":1}}", KV_ERROR_INVALID_OPTIONS, "operations");
  assert_parse_fails ("[1]", KV_ERROR_INVALID_OPTIONS, "object");
  assert_parse_fails ("{not json", KV_ERROR_INVALID_OPTIONS, "JSON");
}

static void
test_equal_sees_every_difference (void)
{
  static const char *const variants[] = {
    "{\"backend\":\"memory\"}",        "{\"path\":\"other.kv\"}",
    "{\"serialization\":\"string\"}",  "{\"trackKeys\":true}",
    "{\"memory\":{\"shardCount\":3}}", "{\"metrics\":{\"operations\":true}}",
    "{\"disk\":{\"timeout\":5}}",      "{\"disk\":{\"noSync\":true}}",
    "{\"disk\":{\"readOnly\":true}}",  "{\"disk\":{\"freelistType\":\"map\"}}",
    "{\"disk\":{\"mapSize\":4096}}",
  };
  g_autoptr (KvOptions) base = kv_options_new ();

  kv_options_set_shard_count (base, 2);
  for (gsize i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr (KvOptions) v = parse_ok (variants[i]);
      kv_options_set_shard_count (v, i == 4 ? 3 : 2);
      g_assert_false (kv_options_equal (base, v));
    }
}

/* The parsers behind disk.timeout and disk.mapSize, through the options:
 * @text as the string value of disk.@member, read back with @get. */
static gboolean
parse_disk_string (const char *member, guint64 (*get) (const KvOptions *), const char *text,
                   guint64 *out, GError **error)
{
  g_autofree char *json = g_strdup_printf ("{\"disk\":{\"%s\":\"%s\"}}", member, text);
  g_autoptr (KvOptions) o = kv_options_new_from_json (json, error);

  if (o != NULL)
    *out = get (o);
  return o != NULL;
}

static gboolean
parse_duration (const char *text, guint64 *out_ms, GError **error)
{
  return parse_disk_string ("timeout", kv_options_get_disk_timeout_ms, text, out_ms, error);
}

static gboolean
parse_size (const char *text, guint64 *out_bytes, GError **error)
{
  return parse_disk_string ("mapSize", kv_options_get_disk_map_size, text, out_bytes, error);
}

static void
test_duration (void)
{
  static const struct
  {
    const char *text;
    guint64 ms;
  } good[] = {
    { "0", 0 },         { "250", 250 },      { "1s", 1000 },        { "500ms", 500 },
    { "1m30s", 90000 }, { "1.5h", 5400000 }, { "2000000us", 2000 }, { "+3s", 3000 },
  };
  static const char *const bad[] = { "", "-1s", "1x", "s", "1s2", "1.2.3s", "ms" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      guint64 ms = 1;
      g_autoptr (GError) error = NULL;
      g_assert_true (parse_duration (good[i].text, &ms, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (ms, ==, good[i].ms);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint64 ms = 0;
      g_autoptr (GError) error = NULL;
      g_assert_false (parse_duration (bad[i], &ms, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
    }
}

static void
test_size (void)
{
  static const struct
  {
    const char *text;
    guint64 bytes;
  } good[] = {
    { "0", 0 },
    { "4096", 4096 },
    { "64MB", 64000000 },
    { "64MiB", 67108864 },
    { "1GiB", 1073741824 },
    { "1 gb", 1000000000 },
    { "10kB", 10000 },
    { "2KiB", 2048 },
    { "512B", 512 },
    { "1.5MiB", 1572864 },
  };
  static const char *const bad[] = { "", "MB", "-1", "12 parsecs", "1e999" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      guint64 bytes = 1;
      g_assert_true (parse_size (good[i].text, &bytes, NULL));
      g_assert_cmpuint (bytes, ==, good[i].bytes);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint64 bytes = 0;
      g_autoptr (GError) error = NULL;
      g_assert_false (parse_size (bad[i], &bytes, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
    }
}

/* D12: what kv_options_to_json() writes, kv_options_new_from_json() reads
 * back as the same options: the defaults, each option changed alone, all at once. */
static void
assert_round_trip (const KvOptions *o)
{
  g_autofree char *json = kv_options_to_json (o);
  g_autoptr (GError) error = NULL;
  g_autoptr (KvOptions) back = kv_options_new_from_json (json, &error);
  g_autofree char *again = NULL;

  g_test_message ("%s", json);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_true (kv_options_equal (o, back));
  again = kv_options_to_json (back);
  g_assert_cmpstr (again, ==, json);
}

static void
test_to_json_round_trip (void)
{
  static const char *const variants[] = {
    "{\"backend\":\"memory\"}",
    "{\"path\":\"other \\\"dir\\\"/caf\\u00e9.kv\"}",
    "{\"serialization\":\"string\"}",
    "{\"trackKeys\":true}",
    "{\"memory\":{\"shardCount\":3}}",
    "{\"metrics\":{\"operations\":true}}",
    "{\"disk\":{\"timeout\":\"1m30s\"}}",
    "{\"disk\":{\"timeout\":0}}",
    "{\"disk\":{\"noSync\":true}}",
    "{\"disk\":{\"noGrowSync\":true}}",
    "{\"disk\":{\"noFreelistSync\":true}}",
    "{\"disk\":{\"preLoadFreelist\":true}}",
    "{\"disk\":{\"freelistType\":\"map\"}}",
    "{\"disk\":{\"freelistType\":\"array\"}}",
    "{\"disk\":{\"readOnly\":true}}",
    "{\"disk\":{\"initialMmapSize\":\"8MB\"}}",
    "{\"disk\":{\"mlock\":true}}",
    "{\"disk\":{\"mapSize\":\"2MiB\"}}",
    "{\"disk\":{\"maxReaders\":200}}",
    "{\"disk\":{\"maxReaders\":1}}",
    "{\"disk\":{\"writeMap\":true}}",
    "{\"disk\":{\"noReadAhead\":true}}",
    "{\"backend\":\"memory\",\"path\":\"x.kv\",\"serialization\":\"string\",\"trackKeys\":true,"
    "\"memory\":{\"shardCount\":7},\"metrics\":{\"operations\":true},\"disk\":{\"timeout\":5,"
    "\"noSync\":true,\"noGrowSync\":true,\"noFreelistSync\":true,\"preLoadFreelist\":true,"
    "\"freelistType\":\"map\",\"readOnly\":true,\"initialMmapSize\":123456,\"mlock\":true,"
    "\"mapSize\":\"1GiB\",\"maxReaders\":500,\"writeMap\":true,\"noReadAhead\":true}}",
  };
  g_autoptr (KvOptions) defaults = kv_options_new ();

  assert_round_trip (defaults);
  /* D11: path "" is the default path, as in xk6-kv (documented in libkv-k6(7)). */
  {
    g_autoptr (KvOptions) empty_path = parse_ok ("{\"path\":\"\"}");
    g_assert_cmpstr (kv_options_get_path (empty_path), ==, "./.k6.kv");
    g_assert_true (kv_options_equal (empty_path, defaults));
  }
  for (gsize i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr (KvOptions) o = parse_ok (variants[i]);
      g_assert_false (kv_options_equal (o, defaults));
      assert_round_trip (o);
    }
}

/* D22: options are strict JSON, as values are; the message says where. */
static void
test_strict_json (void)
{
  static const char *const not_json[] = {
    "{'backend':'memory'}",
    "{\"backend\":\"memory\" /* c */}",
    "{\"backend\":\"memory\"} // c",
    "{\"memory\":{\"shardCount\":0x10}}",
    "{\"backend\":\"memory\",}",
    "{\"disk\":{\"timeout\":[1,]}}",
    "{\"memory\":{\"shardCount\":+1}}",
    "{\"memory\":{\"shardCount\":01}}",
    "{\"backend\":\"memory\"} x",
    "{backend:\"memory\"}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (not_json); i++)
    {
      g_test_message ("%s", not_json[i]);
      assert_parse_fails (not_json[i], KV_ERROR_INVALID_OPTIONS, "options are not valid JSON");
      assert_parse_fails (not_json[i], KV_ERROR_INVALID_OPTIONS, " at byte ");
    }
  /* Bytes that are not UTF-8 are never quoted raw. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (KvOptions) o = kv_options_new_from_json ("{\"path\":\"\xff\xfe.kv\"}", &error);
    g_assert_null (o);
    g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
    g_assert_nonnull (strstr (error->message, "UTF-8"));
  }
  /* Strict still means JSON: white space anywhere, and nothing at all. */
  {
    g_autoptr (KvOptions) a = parse_ok (" \n{ \"backend\" :\t\"memory\" }\r\n");
    g_autoptr (KvOptions) b = parse_ok (" \n ");
    g_assert_cmpint (kv_options_get_backend (a), ==, KV_BACKEND_MEMORY);
    g_assert_cmpint (kv_options_get_backend (b), ==, KV_BACKEND_DISK);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/kv/options/defaults", test_defaults);
  g_test_add_func ("/kv/options/full-object", test_full_object);
  g_test_add_func ("/kv/options/shard-count", test_shard_count_normalised);
  g_test_add_func ("/kv/options/invalid", test_invalid);
  g_test_add_func ("/kv/options/equal", test_equal_sees_every_difference);
  g_test_add_func ("/kv/options/duration", test_duration);
  g_test_add_func ("/kv/options/size", test_size);
  g_test_add_func ("/kv/options/to-json-round-trip", test_to_json_round_trip);
  g_test_add_func ("/kv/options/strict-json", test_strict_json);
  return g_test_run ();
}
