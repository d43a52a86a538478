/* test-version.c — the generated kv-version.h, the version macros and the public enums' GTypes. */
#include "config.h"

#include <string.h>

#include <libkv/kv.h>

static void
test_version_numbers (void)
{
  g_autofree char *s =
      g_strdup_printf ("%d.%d.%d", KV_MAJOR_VERSION, KV_MINOR_VERSION, KV_MICRO_VERSION);

  /* configure's version, split into the three numbers and put back together. */
  g_assert_cmpstr (s, ==, PACKAGE_VERSION);
  g_assert_cmpstr (KV_VERSION_S, ==, PACKAGE_VERSION);
  g_assert_cmpuint (
      KV_VERSION_HEX, ==,
      (guint) (KV_MAJOR_VERSION << 24 | KV_MINOR_VERSION << 16 | KV_MICRO_VERSION << 8));
}

static void
test_check_version (void)
{
  g_assert_true (KV_CHECK_VERSION (KV_MAJOR_VERSION, KV_MINOR_VERSION, KV_MICRO_VERSION));
  g_assert_true (KV_CHECK_VERSION (KV_MAJOR_VERSION, 0, 0));
  g_assert_true (KV_CHECK_VERSION (KV_MAJOR_VERSION - 1, 99, 99));
  g_assert_false (KV_CHECK_VERSION (KV_MAJOR_VERSION, KV_MINOR_VERSION, KV_MICRO_VERSION + 1));
  g_assert_false (KV_CHECK_VERSION (KV_MAJOR_VERSION, KV_MINOR_VERSION + 1, 0));
  g_assert_false (KV_CHECK_VERSION (KV_MAJOR_VERSION + 1, 0, 0));
#if !KV_CHECK_VERSION(1, 0, 0)
  g_assert_not_reached ();
#endif
}

/* With the defaults (min required = max allowed = these headers), what was
 * deprecated in 1.0 warns and what 1.0 added does not. The expansions are
 * compared as text: a compile-time warning is not something a test can catch. */
static void
test_availability_macros (void)
{
  const char *deprecated = G_STRINGIFY (KV_DEPRECATED_IN_1_0);
  const char *deprecated_for = G_STRINGIFY (KV_DEPRECATED_IN_1_0_FOR (kv_store_open));
  const char *available = G_STRINGIFY (KV_AVAILABLE_IN_1_0);

  g_assert_cmpint (KV_VERSION_MIN_REQUIRED, ==, KV_VERSION_CUR_STABLE);
  g_assert_cmpint (KV_VERSION_MAX_ALLOWED, ==, KV_VERSION_CUR_STABLE);
  g_assert_cmpint (KV_VERSION_1_0, ==, G_ENCODE_VERSION (1, 0));
  g_assert_nonnull (strstr (deprecated, "deprecated"));
  g_assert_nonnull (strstr (deprecated_for, "kv_store_open"));
  g_assert_null (strstr (available, "deprecated"));
  g_assert_null (strstr (available, "unavailable"));
  g_assert_nonnull (strstr (available, "extern"));
}

static void
assert_enum_nick (GType type, int value, const char *nick)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  g_assert_nonnull (v);
  g_assert_cmpstr (v->value_nick, ==, nick);
}

/* Every public enum has a GType from glib-mkenums; the nicks of the option
 * enums are the option values of the JavaScript API. */
static void
test_enum_types (void)
{
  g_assert_true (G_TYPE_IS_ENUM (KV_TYPE_ERROR));
  g_assert_true (G_TYPE_IS_ENUM (KV_TYPE_BACKEND_KIND));
  g_assert_true (G_TYPE_IS_ENUM (KV_TYPE_SERIALIZATION));
  g_assert_true (G_TYPE_IS_ENUM (KV_TYPE_PROGRESS_STAGE));
  g_assert_cmpstr (g_type_name (KV_TYPE_BACKEND_KIND), ==, "KvBackendKind");
  assert_enum_nick (KV_TYPE_BACKEND_KIND, KV_BACKEND_DISK, "disk");
  assert_enum_nick (KV_TYPE_BACKEND_KIND, KV_BACKEND_MEMORY, "memory");
  assert_enum_nick (KV_TYPE_SERIALIZATION, KV_SERIALIZATION_JSON, "json");
  assert_enum_nick (KV_TYPE_SERIALIZATION, KV_SERIALIZATION_STRING, "string");
  assert_enum_nick (KV_TYPE_PROGRESS_STAGE, KV_PROGRESS_STAGE_CHECKSUM, "checksum");
  assert_enum_nick (KV_TYPE_PROGRESS_STAGE, KV_PROGRESS_STAGE_COMMITTING, "committing");
  assert_enum_nick (KV_TYPE_ERROR, KV_ERROR_SNAPSHOT_IO, "snapshot-io");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/kv/version/numbers", test_version_numbers);
  g_test_add_func ("/kv/version/check-version", test_check_version);
  g_test_add_func ("/kv/version/availability-macros", test_availability_macros);
  g_test_add_func ("/kv/version/enum-types", test_enum_types);
  return g_test_run ();
}
