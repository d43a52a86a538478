/* test-shared.c — the process-wide store of openKv(): configuration lock-in and
 * reference-counted close. Each scenario runs in a fresh subprocess because the
 * lock-in lasts for the life of a process. */
#include "config.h"

#include <string.h>

#include <libkv/kv.h>

static KvOptions *
memory_options (const char *extra)
{
  g_autofree char *json = g_strdup_printf ("{\"backend\":\"memory\"%s%s}", extra ? "," : "",
                                           extra ? extra : "");
  return kv_options_new_from_json (json, NULL);
}

static void
scenario_handles_share_data (void)
{
  g_autoptr (KvOptions) o = memory_options (NULL);
  g_autoptr (KvStore) a = kv_store_open_shared (o, NULL);
  g_autoptr (KvStore) b = kv_store_open_shared (o, NULL);
  g_autoptr (GBytes) v = NULL;

  g_assert_true (kv_store_set (a, "k", "1", 1, NULL));
  v = kv_store_get (b, "k", NULL);
  g_assert_cmpstr (g_bytes_get_data (v, NULL), ==, "1");
}

static void
scenario_close_is_per_handle (void)
{
  g_autoptr (KvOptions) o = memory_options (NULL);
  g_autoptr (KvStore) a = kv_store_open_shared (o, NULL);
  g_autoptr (KvStore) b = kv_store_open_shared (o, NULL);
  g_autoptr (KvStore) c = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) v = NULL;
  guint64 n = 1;

  g_assert_true (kv_store_set (a, "k", "1", 1, NULL));
  kv_store_close (a);
  g_assert_null (kv_store_get (a, "k", &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_STORE_CLOSED);
  g_clear_error (&error);
  v = kv_store_get (b, "k", &error); /* the other handle still works */
  g_assert_no_error (error);

  /* Last handle closed: the memory store is gone; the next open starts empty. */
  kv_store_close (b);
  c = kv_store_open_shared (o, &error);
  g_assert_no_error (error);
  g_assert_true (kv_store_size (c, &n, NULL));
  g_assert_cmpuint (n, ==, 0);
}

static void
scenario_conflict (void)
{
  g_autoptr (KvOptions) first = memory_options (NULL);
  g_autoptr (KvOptions) other = memory_options ("\"trackKeys\":true");
  g_autoptr (KvOptions) same = memory_options (NULL);
  g_autoptr (KvStore) a = kv_store_open_shared (first, NULL);
  g_autoptr (KvStore) b = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (a);
  b = kv_store_open_shared (other, &error);
  g_assert_null (b);
  g_assert_error (error, KV_ERROR, KV_ERROR_KV_OPTIONS_CONFLICT);
  g_clear_error (&error);

  /* close() does not reset the lock-in. */
  kv_store_close (a);
  b = kv_store_open_shared (other, &error);
  g_assert_null (b);
  g_assert_error (error, KV_ERROR, KV_ERROR_KV_OPTIONS_CONFLICT);
  g_clear_error (&error);
  b = kv_store_open_shared (same, &error);
  g_assert_no_error (error);
  g_assert_nonnull (b);
}

static void
scenario_failed_open_does_not_lock_in (void)
{
  g_autoptr (KvOptions) disk = kv_options_new_from_json ("{\"backend\":\"disk\",\"path\":\"/nonexistent/dir/x.kv\",\"disk\":{\"readOnly\":true}}", NULL);
  g_autoptr (KvOptions) mem = memory_options (NULL);
  g_autoptr (KvStore) a = kv_store_open_shared (disk, NULL);
  g_autoptr (KvStore) b = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_null (a);
  b = kv_store_open_shared (mem, &error);
  g_assert_no_error (error);
  g_assert_nonnull (b);
}

static void
scenario_private_stores_are_independent (void)
{
  g_autoptr (KvOptions) o = memory_options (NULL);
  g_autoptr (KvOptions) other = memory_options ("\"serialization\":\"string\"");
  g_autoptr (KvStore) shared = kv_store_open_shared (o, NULL);
  g_autoptr (KvStore) priv = kv_store_open (other, NULL); /* no lock-in for private stores */
  guint64 n = 1;

  g_assert_nonnull (priv);
  g_assert_true (kv_store_set (shared, "k", "1", 1, NULL));
  g_assert_true (kv_store_size (priv, &n, NULL));
  g_assert_cmpuint (n, ==, 0);
}

static void
run_in_subprocess (gconstpointer data)
{
  if (g_test_subprocess ())
    {
      ((GTestFunc) data) ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_data_func ("/kv/shared/handles-share-data", scenario_handles_share_data,
                        run_in_subprocess);
  g_test_add_data_func ("/kv/shared/close-is-per-handle", scenario_close_is_per_handle,
                        run_in_subprocess);
  g_test_add_data_func ("/kv/shared/conflict", scenario_conflict, run_in_subprocess);
  g_test_add_data_func ("/kv/shared/failed-open-no-lock-in",
                        scenario_failed_open_does_not_lock_in, run_in_subprocess);
  g_test_add_data_func ("/kv/shared/private-independent", scenario_private_stores_are_independent,
                        run_in_subprocess);
  return g_test_run ();
}
