/* test-shared.c — the process-wide store of openKv(): configuration lock-in and
 * reference-counted close. Each scenario runs in a fresh subprocess because the
 * lock-in lasts for the life of a process. */
#include "config.h"

#include <string.h>

#include <libkv/kv.h>

static KvOptions *
memory_options (const char *extra)
{
  g_autofree char *json =
      g_strdup_printf ("{\"backend\":\"memory\"%s%s}", extra ? "," : "", extra ? extra : "");
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
  g_autoptr (KvOptions) disk = kv_options_new_from_json (
      "{\"backend\":\"disk\",\"path\":\"/nonexistent/dir/x.kv\",\"disk\":{\"readOnly\":true}}",
      NULL);
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

/* 16 threads open, use and close handles on the shared store while the main
 * thread keeps one open: the store never closes under them, and the counter
 * they share comes out exact. */
#define RACE_THREADS 16
#define RACE_ROUNDS 200

static gpointer
open_use_close_worker (gpointer data)
{
  const KvOptions *o = data;

  for (int i = 0; i < RACE_ROUNDS; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (KvStore) h = kv_store_open_shared (o, &error);
      g_assert_no_error (error);
      g_assert_true (kv_store_increment_by (h, "total", 1, NULL, &error));
      if (i % 2)
        kv_store_close (h); /* explicit close half the time, finalize the other half */
    }
  return NULL;
}

static void
scenario_concurrent_open_close (void)
{
  g_autoptr (KvOptions) o = memory_options (NULL);
  g_autoptr (KvStore) keeper = kv_store_open_shared (o, NULL);
  GThread *threads[RACE_THREADS];
  g_autoptr (GBytes) total = NULL;

  for (int i = 0; i < RACE_THREADS; i++)
    threads[i] = g_thread_new ("open-close", open_use_close_worker, o);
  for (int i = 0; i < RACE_THREADS; i++)
    g_thread_join (threads[i]);
  total = kv_store_get (keeper, "total", NULL);
  g_assert_cmpint (g_ascii_strtoll (g_bytes_get_data (total, NULL), NULL, 10), ==,
                   RACE_THREADS * RACE_ROUNDS);
}

/* With no keeper the store opens and closes many times over: every handle
 * works while it is open and nothing leaks or crashes. */
static void
scenario_last_close_races_open (void)
{
  g_autoptr (KvOptions) o = memory_options (NULL);
  GThread *threads[RACE_THREADS];

  for (int i = 0; i < RACE_THREADS; i++)
    threads[i] = g_thread_new ("open-close", open_use_close_worker, o);
  for (int i = 0; i < RACE_THREADS; i++)
    g_thread_join (threads[i]);
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
  g_test_add_data_func ("/kv/shared/failed-open-no-lock-in", scenario_failed_open_does_not_lock_in,
                        run_in_subprocess);
  g_test_add_data_func ("/kv/shared/private-independent", scenario_private_stores_are_independent,
                        run_in_subprocess);
  g_test_add_data_func ("/kv/shared/concurrent-open-close", scenario_concurrent_open_close,
                        run_in_subprocess);
  g_test_add_data_func ("/kv/shared/last-close-races-open", scenario_last_close_races_open,
                        run_in_subprocess);
  return g_test_run ();
}
