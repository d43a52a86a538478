/* test-values-canonical.c — kv_store_set_values_canonical(): a binding's canonical JSON is
 * stored as given on its own handle only, and LIBKV_CHECK_CANONICAL=1 refuses what is not.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "store-fixture.h"

static char *
stored (KvStore *store, const char *key)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) value = kv_store_get (store, key, &error);

  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (value, NULL), g_bytes_get_size (value));
}

/* Two handles on one store: only the marked one skips canonicalization. */
static void
test_trusted_handle_only (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvOptions) options = kv_options_new_from_json ("{\"backend\":\"memory\"}", &error);
  g_autoptr (KvStore) trusted = kv_store_open_shared (options, &error);
  g_autoptr (KvStore) other = kv_store_open_shared (options, &error);
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  gboolean swapped = FALSE;

  g_assert_no_error (error);
  kv_store_set_values_canonical (trusted, TRUE);

  /* What the marked handle is given is what is stored (no parse, no rewrite)... */
  g_assert_true (kv_store_set (trusted, "a", "{\"y\":2,\"x\":1}", 13, &error));
  a = stored (other, "a");
  g_assert_cmpstr (a, ==, "{\"y\":2,\"x\":1}");
  /* ...and still size-checked. */
  g_assert_false (kv_store_set (trusted, "big", "1", KV_MAX_VALUE_SIZE + 1, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);

  /* The other handle keeps the checked path. */
  g_assert_true (kv_store_set (other, "b", "{\"y\":2,\"x\":1}", 13, &error));
  b = stored (trusted, "b");
  g_assert_cmpstr (b, ==, "{\"x\":1,\"y\":2}");
  g_assert_false (kv_store_set (other, "bad", "{", 1, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_SERIALIZER);
  g_clear_error (&error);

  /* Canonical input compares equal whichever handle wrote it. */
  g_assert_true (kv_store_compare_and_swap (trusted, "b", "{\"x\":1,\"y\":2}", 13, "3", 1, &swapped,
                                            NULL, NULL, &error));
  g_assert_true (swapped);
  c = stored (other, "b");
  g_assert_cmpstr (c, ==, "3");

  /* Turned off again: checked as usual. */
  kv_store_set_values_canonical (trusted, FALSE);
  g_assert_false (kv_store_set (trusted, "bad", "{", 1, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_SERIALIZER);
}

/* With LIBKV_CHECK_CANONICAL=1 (set for a subprocess: libkv reads it once per
 * process) a marked handle refuses text that is not its own canonical form. */
static void
test_checked (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvOptions) options = NULL;
  g_autoptr (KvStore) store = NULL;
  const char *const values[] = { "{\"y\":2,\"x\":1}", "[1, 2]", "1.0", "{", "" };

  if (!g_test_subprocess ())
    {
      g_setenv ("LIBKV_CHECK_CANONICAL", "1", TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_unsetenv ("LIBKV_CHECK_CANONICAL");
      g_test_trap_assert_passed ();
      return;
    }
  options = kv_options_new_from_json ("{\"backend\":\"memory\"}", &error);
  store = kv_store_open (options, &error);
  g_assert_no_error (error);
  kv_store_set_values_canonical (store, TRUE);
  g_assert_true (kv_store_set (store, "ok", "{\"x\":1,\"y\":[2,\"z\"]}", 19, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_assert_false (kv_store_set (store, "k", values[i], strlen (values[i]), &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_SERIALIZER);
      g_clear_error (&error);
    }
}

/* String mode stores bytes as given anyway: the mark changes nothing there. */
static void
test_string_mode (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvOptions) options =
      kv_options_new_from_json ("{\"backend\":\"memory\",\"serialization\":\"string\"}", &error);
  g_autoptr (KvStore) store = kv_store_open (options, &error);
  g_autofree char *v = NULL;

  g_assert_no_error (error);
  kv_store_set_values_canonical (store, TRUE);
  g_assert_true (kv_store_set (store, "s", "not json {", 10, &error));
  v = stored (store, "s");
  g_assert_cmpstr (v, ==, "not json {");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* The unchecked cases need it unset (make check-k6 exports it); the checked subprocess sets it. */
  if (!g_test_subprocess ())
    g_unsetenv ("LIBKV_CHECK_CANONICAL");
  g_test_add_func ("/kv/values-canonical/trusted-handle-only", test_trusted_handle_only);
  g_test_add_func ("/kv/values-canonical/checked", test_checked);
  g_test_add_func ("/kv/values-canonical/string-mode", test_string_mode);
  return g_test_run ();
}
