/* test-submit.c — submitted writes (kv-submit.h): each completes exactly once, with
 * what its blocking twin returns, on every backend; many at once keep exact counts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <pthread.h>
#include <string.h>

#include "store-fixture.h"

/* Collects completions: every callback adds its result here, once. */
typedef struct
{
  pthread_mutex_t lock;
  pthread_cond_t cond;
  GPtrArray *results; /* KvResult *, owned */
  GThread *last_thread;
  guint calls;
} Sink;

static void
sink_init (Sink *s)
{
  pthread_mutex_init (&s->lock, NULL);
  pthread_cond_init (&s->cond, NULL);
  s->results = g_ptr_array_new_with_free_func ((GDestroyNotify) kv_result_unref);
  s->calls = 0;
}

static void
sink_clear (Sink *s)
{
  g_ptr_array_unref (s->results);
  pthread_cond_destroy (&s->cond);
  pthread_mutex_destroy (&s->lock);
}

static void
on_result (KvResult *result, gpointer data)
{
  Sink *s = data;

  pthread_mutex_lock (&s->lock);
  g_ptr_array_add (s->results, result); /* takes the callback's reference */
  s->last_thread = g_thread_self ();
  s->calls++;
  pthread_cond_broadcast (&s->cond);
  pthread_mutex_unlock (&s->lock);
}

/* Waits for @n completions in all and returns the newest one (borrowed). */
static KvResult *
sink_wait (Sink *s, guint n)
{
  KvResult *r;

  pthread_mutex_lock (&s->lock);
  while (s->calls < n)
    pthread_cond_wait (&s->cond, &s->lock);
  g_assert_cmpuint (s->calls, ==, n);
  r = s->results->pdata[n - 1];
  pthread_mutex_unlock (&s->lock);
  return r;
}

static gboolean
is_disk (StoreFixture *f)
{
  return g_str_has_prefix (f->backend->name, "disk");
}

static void
test_each_operation (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  Sink s;
  KvResult *r;
  gint64 n = 0;
  gboolean flag = FALSE, existed = TRUE;
  guint i = 0;

  sink_init (&s);

  kv_store_set_submit (f->store, "a", "{ \"y\": 2, \"x\": 1 }", 18, on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_true (kv_store_set_finish (r, &error));
  g_assert_no_error (error);
  /* Visible to readers by the time the callback ran, canonical as with kv_store_set(). */
  bytes = kv_store_get (f->store, "a", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_bytes_get_data (bytes, NULL), ==, "{\"x\":1,\"y\":2}");
  g_clear_pointer (&bytes, g_bytes_unref);
  if (is_disk (f))
    g_assert_true (s.last_thread != g_thread_self ()); /* the writer thread reported it */

  kv_store_increment_by_submit (f->store, "n", 5, on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_true (kv_store_increment_by_finish (r, &n, &error));
  g_assert_cmpint (n, ==, 5);
  /* A result may be finished again: the same answer. */
  n = 0;
  g_assert_true (kv_store_increment_by_finish (r, &n, NULL));
  g_assert_cmpint (n, ==, 5);

  kv_store_get_or_set_submit (f->store, "g", "1", 1, on_result, &s);
  r = sink_wait (&s, ++i);
  bytes = kv_store_get_or_set_finish (r, &flag, &error);
  g_assert_no_error (error);
  g_assert_false (flag);
  g_assert_cmpstr (g_bytes_get_data (bytes, NULL), ==, "1");
  g_clear_pointer (&bytes, g_bytes_unref);
  kv_store_get_or_set_submit (f->store, "g", "2", 1, on_result, &s);
  r = sink_wait (&s, ++i);
  bytes = kv_store_get_or_set_finish (r, &flag, &error);
  g_assert_true (flag);
  g_assert_cmpstr (g_bytes_get_data (bytes, NULL), ==, "1");
  g_clear_pointer (&bytes, g_bytes_unref);

  kv_store_swap_submit (f->store, "g", "3", 1, on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_true (kv_store_swap_finish (r, &bytes, &error));
  g_assert_cmpstr (g_bytes_get_data (bytes, NULL), ==, "1");
  g_clear_pointer (&bytes, g_bytes_unref);

  kv_store_compare_and_swap_submit (f->store, "g", "9", 1, "4", 1, on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_true (kv_store_compare_and_swap_finish (r, &flag, &existed, &bytes, &error));
  g_assert_false (flag);
  g_assert_true (existed);
  g_assert_cmpstr (g_bytes_get_data (bytes, NULL), ==, "3");
  g_clear_pointer (&bytes, g_bytes_unref);
  kv_store_compare_and_swap_submit (f->store, "g", "3", 1, "4", 1, on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_true (kv_store_compare_and_swap_finish (r, &flag, &existed, &bytes, &error));
  g_assert_true (flag);
  g_assert_null (bytes);

  kv_store_set_if_absent_submit (f->store, "g", "5", 1, on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_true (kv_store_set_if_absent_finish (r, &flag, &error));
  g_assert_false (flag);
  kv_store_set_if_absent_submit (f->store, "h", "5", 1, on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_true (kv_store_set_if_absent_finish (r, &flag, &error));
  g_assert_true (flag);

  kv_store_compare_and_delete_submit (f->store, "h", "6", 1, on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_true (kv_store_compare_and_delete_finish (r, &flag, &existed, &bytes, &error));
  g_assert_false (flag);
  g_assert_true (existed);
  g_assert_cmpstr (g_bytes_get_data (bytes, NULL), ==, "5");
  g_clear_pointer (&bytes, g_bytes_unref);
  kv_store_compare_and_delete_submit (f->store, "h", "5", 1, on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_true (kv_store_compare_and_delete_finish (r, &flag, &existed, &bytes, &error));
  g_assert_true (flag);

  kv_store_delete_if_exists_submit (f->store, "h", on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_true (kv_store_delete_if_exists_finish (r, &flag, &error));
  g_assert_false (flag);

  kv_store_delete_submit (f->store, "g", on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_true (kv_store_delete_finish (r, &error));
  g_assert_true (kv_store_exists (f->store, "g", &flag, &error));
  g_assert_false (flag);

  /* Typed errors come back the same way. */
  kv_store_increment_by_submit (f->store, "a", 1, on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_false (kv_store_increment_by_finish (r, &n, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE);
  g_clear_error (&error);
  kv_store_set_submit (f->store, "bad", "{", 1, on_result, &s);
  r = sink_wait (&s, ++i);
  g_assert_false (kv_result_propagate_error (r, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_SERIALIZER);
  g_clear_error (&error);
  kv_store_set_submit (f->store, "", "1", 1, on_result, &s);
  g_assert_cmpuint (s.calls, ==, i + 1); /* argument errors complete before submit returns */
  r = sink_wait (&s, ++i);
  g_assert_false (kv_store_set_finish (r, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);

  sink_clear (&s);
}

static void
test_batches (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  const char *keys[] = { "m1", "m2", "m3" };
  const char *values[] = { "1", "{\"b\":2,\"a\":1}", "3" };
  const gsize lens[] = { 1, 13, 1 };
  const char *bad_keys[] = { "m4", "", "m5" };
  const char *bad_values[] = { "4", "5", "{" };
  const char *del[] = { "m1", "m3", "none" };
  guint64 deleted = 0, missing = 0, size = 0;
  Sink s;
  KvResult *r;

  sink_init (&s);
  kv_store_set_many_submit (f->store, keys, values, lens, 3, on_result, &s);
  r = sink_wait (&s, 1);
  g_assert_true (kv_store_set_many_finish (r, &items, &error));
  g_assert_no_error (error);
  g_assert_null (items);
  {
    g_autoptr (GBytes) v = kv_store_get (f->store, "m2", &error);
    g_assert_cmpstr (g_bytes_get_data (v, NULL), ==, "{\"a\":1,\"b\":2}");
  }

  /* Refused item by item: nothing written, the items come back through _finish. */
  kv_store_set_many_submit (f->store, bad_keys, bad_values, lens, 3, on_result, &s);
  r = sink_wait (&s, 2);
  g_assert_false (kv_store_set_many_finish (r, &items, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (((KvItemError *) items->pdata[0])->name, ==, "EmptyKey");
  g_assert_cmpstr (((KvItemError *) items->pdata[1])->name, ==, "SerializerError");
  g_clear_pointer (&items, g_ptr_array_unref);
  g_assert_true (kv_store_size (f->store, &size, &error));
  g_assert_cmpuint (size, ==, 3);

  kv_store_delete_many_submit (f->store, del, 3, on_result, &s);
  r = sink_wait (&s, 3);
  g_assert_true (kv_store_delete_many_finish (r, &deleted, &missing, &items, &error));
  g_assert_cmpuint (deleted, ==, 2);
  g_assert_cmpuint (missing, ==, 1);
  g_assert_true (kv_store_size (f->store, &size, &error));
  g_assert_cmpuint (size, ==, 1);

  kv_store_delete_many_submit (f->store, bad_keys, 3, on_result, &s);
  r = sink_wait (&s, 4);
  g_assert_false (kv_store_delete_many_finish (r, &deleted, &missing, &items, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_assert_cmpuint (items->len, ==, 1);
  sink_clear (&s);
}

static void
test_claim_refs (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvClaim) claim = NULL;
  KvClaimRef ref;
  gboolean done = FALSE, exists = TRUE;
  Sink s;
  KvResult *r;

  sink_init (&s);
  g_assert_true (kv_store_set (f->store, "job:1", "1", 1, &error));
  kv_store_claim_key_submit (f->store, "job:1", "w1", 0, on_result, &s);
  claim = kv_store_claim_key_finish (sink_wait (&s, 1), &error);
  g_assert_no_error (error);
  g_assert_nonnull (claim);
  g_assert_cmpstr (kv_claim_get_owner (claim), ==, "w1");
  /* Claimed now: a second claim finds it busy, which is no error. */
  kv_store_claim_key_submit (f->store, "job:1", NULL, 0, on_result, &s);
  g_assert_null (kv_store_claim_key_finish (sink_wait (&s, 2), &error));
  g_assert_no_error (error);
  kv_store_claim_key_submit (f->store, "job:1", NULL, -5, on_result, &s);
  g_assert_null (kv_store_claim_key_finish (sink_wait (&s, 3), &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  ref = (KvClaimRef){ .id = kv_claim_get_id (claim),
                      .key = kv_claim_get_key (claim),
                      .token = kv_claim_get_token (claim) };

  kv_store_renew_claim_submit (f->store, &ref, 60000, on_result, &s);
  r = sink_wait (&s, 4);
  g_assert_true (kv_store_renew_claim_finish (r, &done, &error));
  g_assert_true (done);

  kv_store_complete_claim_submit (f->store, &ref, TRUE, on_result, &s);
  r = sink_wait (&s, 5);
  g_assert_true (kv_store_complete_claim_finish (r, &done, &error));
  g_assert_true (done);
  g_assert_true (kv_store_exists (f->store, "job:1", &exists, &error));
  g_assert_false (exists);

  /* Not the live claim any more: completed FALSE, no error. */
  kv_store_release_claim_submit (f->store, &ref, on_result, &s);
  r = sink_wait (&s, 6);
  g_assert_true (kv_store_release_claim_finish (r, &done, &error));
  g_assert_false (done);

  ref.token = 0;
  kv_store_release_claim_submit (f->store, &ref, on_result, &s);
  r = sink_wait (&s, 7);
  g_assert_false (kv_store_release_claim_finish (r, &done, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  sink_clear (&s);
}

static void
test_closed (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  Sink s;
  KvResult *r;

  sink_init (&s);
  kv_store_close (f->store);
  kv_store_set_submit (f->store, "k", "1", 1, on_result, &s);
  g_assert_cmpuint (s.calls, ==, 1);
  r = sink_wait (&s, 1);
  g_assert_false (kv_store_set_finish (r, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_STORE_CLOSED);
  g_clear_error (&error);
  sink_clear (&s);
}

/* Threads submit increments without waiting; every callback comes once and
 * the counter ends exact. Results are dropped on the submitting side, and
 * the handle goes away with writes still in flight: they complete all the
 * same, and the store closes once the last result is gone. */
#define THREADS 4
#define PER_THREAD 2000

typedef struct
{
  KvStore *store;
  Sink *sink;
} Submitter;

static gpointer
submit_many (gpointer data)
{
  Submitter *sub = data;

  for (guint i = 0; i < PER_THREAD; i++)
    kv_store_increment_by_submit (sub->store, i % 2 ? "odd" : "even", 1, on_result, sub->sink);
  return NULL;
}

static void
test_many_in_flight (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GThread *threads[THREADS];
  Submitter sub = { f->store, NULL };
  g_autofree guint *times = g_new0 (guint, THREADS * PER_THREAD / 2 + 1);
  Sink s;

  sink_init (&s);
  sub.sink = &s;
  for (guint t = 0; t < THREADS; t++)
    threads[t] = g_thread_new ("submitter", submit_many, &sub);
  for (guint t = 0; t < THREADS; t++)
    g_thread_join (threads[t]);
  g_clear_object (&f->store); /* the last handle; writes may still be in flight */
  sink_wait (&s, THREADS * PER_THREAD);
  /* Two counters of N/2 increments each: every value 1..N/2 was returned
   * exactly twice (once per key), so none was lost, doubled or torn. */
  for (guint i = 0; i < s.results->len; i++)
    {
      gint64 v = 0;
      g_assert_true (kv_store_increment_by_finish (s.results->pdata[i], &v, &error));
      g_assert_no_error (error);
      g_assert_cmpint (v, >=, 1);
      g_assert_cmpint (v, <=, THREADS * PER_THREAD / 2);
      times[v]++;
    }
  for (guint v = 1; v <= THREADS * PER_THREAD / 2; v++)
    g_assert_cmpuint (times[v], ==, 2);
  sink_clear (&s); /* the last results: the store closes here */
}

/* kv_set_thread_nonblocking(): a memory backup pauses writers; a
 * nonblocking caller gets WOULD_BLOCK at once, and nothing changes. */
typedef struct
{
  pthread_mutex_t lock;
  pthread_cond_t cond;
  gboolean copying; /* the backup is inside its COPYING stage, writers paused */
  gboolean checked; /* the main thread is done probing */
} Pause;

static gboolean
pause_in_copying (const KvProgress *progress, gpointer data)
{
  Pause *p = data;

  /* Past the stage's first report: that one comes before the copy locks anything. */
  if (progress->stage != KV_PROGRESS_STAGE_COPYING || progress->records == 0 || p->checked)
    return TRUE;
  pthread_mutex_lock (&p->lock);
  p->copying = TRUE;
  pthread_cond_broadcast (&p->cond);
  while (!p->checked)
    pthread_cond_wait (&p->cond, &p->lock);
  pthread_mutex_unlock (&p->lock);
  return TRUE;
}

typedef struct
{
  KvStore *store;
  char *file;
  Pause *pause;
} BackupJob;

static gpointer
run_backup (gpointer data)
{
  BackupJob *job = data;
  g_autoptr (GError) error = NULL;

  g_assert_true (kv_store_backup_full (job->store, job->file, FALSE, 0, 0, pause_in_copying,
                                       job->pause, NULL, &error));
  g_assert_no_error (error);
  return NULL;
}

static void
test_nonblocking (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) value = NULL;
  g_autofree char *file = g_build_filename (f->dir, "backup.kv", NULL);
  Pause pause = { .copying = FALSE };
  BackupJob job = { f->store, file, &pause };
  const char *keys[] = { "a", "b", "c", "d", "e", "f" };
  const char *values[] = { "1", "1", "1", "1", "1", "1" };
  const gsize lens[] = { 1, 1, 1, 1, 1, 1 };
  gint64 n = 0;
  gboolean exists = FALSE;
  GThread *backup;

  g_assert_true (kv_store_set (f->store, "a", "0", 1, &error));
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *key = g_strdup_printf ("fill:%u", i);
      g_assert_true (kv_store_set (f->store, key, "0", 1, &error));
    }
  g_assert_false (kv_set_thread_nonblocking (TRUE));

  if (is_disk (f))
    {
      /* A blocking write would wait for the commit: refused up front... */
      g_assert_false (kv_store_set (f->store, "b", "1", 1, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
      g_clear_error (&error);
      g_assert_true (kv_store_exists (f->store, "b", &exists, &error));
      g_assert_false (exists);
      /* ...reads never wait, and submitting is what such a caller does. */
      value = kv_store_get (f->store, "a", &error);
      g_assert_no_error (error);
      g_assert_true (kv_set_thread_nonblocking (FALSE));
      return;
    }

  pthread_mutex_init (&pause.lock, NULL);
  pthread_cond_init (&pause.cond, NULL);
  backup = g_thread_new ("backup", run_backup, &job);
  pthread_mutex_lock (&pause.lock);
  while (!pause.copying)
    pthread_cond_wait (&pause.cond, &pause.lock);
  pthread_mutex_unlock (&pause.lock);

  /* Writers are paused: each write fails at once and changes nothing. */
  g_assert_false (kv_store_set (f->store, "a", "1", 1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);
  g_assert_false (kv_store_increment_by (f->store, "a", 1, &n, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);
  g_assert_false (
      kv_store_set_many (f->store, keys, values, lens, G_N_ELEMENTS (keys), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);
  /* Readers share the backup's read locks. */
  value = kv_store_get (f->store, "a", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_bytes_get_data (value, NULL), ==, "0");
  {
    g_autofree char *key = NULL;
    g_assert_true (kv_store_random_key (f->store, "fill:", &key, &error));
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (key, "fill:"));
  }

  pthread_mutex_lock (&pause.lock);
  pause.checked = TRUE;
  pthread_cond_broadcast (&pause.cond);
  pthread_mutex_unlock (&pause.lock);
  g_thread_join (backup);

  /* Nothing of the refused writes happened; once free, writes go through. */
  for (gsize i = 1; i < G_N_ELEMENTS (keys); i++)
    {
      g_assert_true (kv_store_exists (f->store, keys[i], &exists, &error));
      g_assert_false (exists);
    }
  g_assert_true (kv_store_increment_by (f->store, "a", 1, &n, &error));
  g_assert_cmpint (n, ==, 1);
  g_assert_true (kv_set_thread_nonblocking (FALSE));
  pthread_cond_destroy (&pause.cond);
  pthread_mutex_destroy (&pause.lock);
}

/* claimRandom(Many) / popRandom(Many) submitted: what the blocking calls return,
 * each key granted once, nothing granted past what there is. */
static void
test_random (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) granted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) many = NULL;
  g_autoptr (KvClaim) claim = NULL;
  g_autoptr (KvEntry) entry = NULL;
  Sink s;
  KvResult *r;
  guint calls = 0;

  for (int i = 0; i < 10; i++)
    {
      g_autofree char *key = g_strdup_printf ("job:%d", i);
      g_assert_true (kv_store_set (f->store, key, "1", 1, &error));
    }
  g_assert_true (kv_store_set (f->store, "other", "1", 1, &error));
  sink_init (&s);

  kv_store_claim_random_submit (f->store, "job:", "me", 60000, on_result, &s);
  r = sink_wait (&s, ++calls);
  claim = kv_store_claim_random_finish (r, &error);
  g_assert_no_error (error);
  g_assert_nonnull (claim);
  g_assert_true (g_str_has_prefix (kv_claim_get_key (claim), "job:"));
  g_assert_cmpstr (kv_claim_get_owner (claim), ==, "me");
  g_hash_table_add (granted, g_strdup (kv_claim_get_key (claim)));
  /* A result may be finished again: the same claim, a new copy. */
  {
    g_autoptr (KvClaim) again = kv_store_claim_random_finish (r, &error);
    g_assert_cmpstr (kv_claim_get_id (again), ==, kv_claim_get_id (claim));
  }

  /* Asking for more than is left grants exactly what is left, once each. */
  kv_store_claim_random_many_submit (f->store, "job:", 20, NULL, 0, on_result, &s);
  r = sink_wait (&s, ++calls);
  many = kv_store_claim_random_many_finish (r, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (many->len, ==, 9);
  for (guint i = 0; i < many->len; i++)
    {
      const char *key = kv_claim_get_key (many->pdata[i]);
      g_assert_true (g_str_has_prefix (key, "job:"));
      g_assert_true (g_hash_table_add (granted, g_strdup (key)));
    }
  g_assert_cmpuint (g_hash_table_size (granted), ==, 10);
  kv_store_claim_random_submit (f->store, "job:", NULL, 0, on_result, &s);
  r = sink_wait (&s, ++calls);
  g_assert_null (kv_store_claim_random_finish (r, &error));
  g_assert_no_error (error);

  /* Claimed keys are not popped; the unclaimed one is, and is gone. */
  kv_store_pop_random_submit (f->store, "job:", on_result, &s);
  r = sink_wait (&s, ++calls);
  g_assert_null (kv_store_pop_random_finish (r, &error));
  g_assert_no_error (error);
  kv_store_pop_random_many_submit (f->store, NULL, 5, on_result, &s);
  r = sink_wait (&s, ++calls);
  g_clear_pointer (&many, g_ptr_array_unref);
  many = kv_store_pop_random_many_finish (r, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (many->len, ==, 1);
  g_assert_cmpstr (kv_entry_get_key (many->pdata[0]), ==, "other");
  {
    gboolean exists = TRUE;
    g_assert_true (kv_store_exists (f->store, "other", &exists, &error));
    g_assert_false (exists);
  }

  /* Bad arguments complete at once with the blocking call's error. */
  kv_store_pop_random_many_submit (f->store, NULL, 0, on_result, &s);
  r = sink_wait (&s, ++calls);
  g_assert_null (kv_store_pop_random_many_finish (r, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  kv_store_claim_random_submit (f->store, "job:", NULL, -1, on_result, &s);
  r = sink_wait (&s, ++calls);
  g_assert_null (kv_store_claim_random_finish (r, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  sink_clear (&s);
}

/* Many claimRandom and popRandom in flight on few keys: every key is granted
 * to exactly one of them, and the rest get nothing. */
static void
test_random_in_flight (StoreFixture *f, gconstpointer data)
{
  enum
  {
    KEYS = 200,
    CALLS = 600
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) granted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint empty = 0;
  Sink claims, pops, many;

  for (int i = 0; i < KEYS; i++)
    {
      g_autofree char *key = g_strdup_printf ("q:%04d", i);
      g_assert_true (kv_store_set (f->store, key, "{}", 2, &error));
    }
  sink_init (&claims);
  sink_init (&pops);
  sink_init (&many);
  for (int i = 0; i < CALLS; i++)
    switch (i % 3)
      {
      case 0:
        kv_store_claim_random_submit (f->store, "q:", NULL, 0, on_result, &claims);
        break;
      case 1:
        kv_store_pop_random_submit (f->store, "q:", on_result, &pops);
        break;
      default:
        kv_store_claim_random_many_submit (f->store, "q:", 3, NULL, 0, on_result, &many);
      }
  sink_wait (&claims, CALLS / 3);
  sink_wait (&pops, CALLS / 3);
  sink_wait (&many, CALLS / 3);
  for (guint i = 0; i < CALLS / 3; i++)
    {
      g_autoptr (KvClaim) claim = kv_store_claim_random_finish (claims.results->pdata[i], &error);
      g_autoptr (KvEntry) popped = kv_store_pop_random_finish (pops.results->pdata[i], &error);
      g_autoptr (GPtrArray) got =
          kv_store_claim_random_many_finish (many.results->pdata[i], &error);
      g_assert_no_error (error);
      empty += (claim == NULL) + (popped == NULL) + (got->len == 0);
      if (claim)
        g_assert_true (g_hash_table_add (granted, g_strdup (kv_claim_get_key (claim))));
      if (popped)
        g_assert_true (g_hash_table_add (granted, g_strdup (kv_entry_get_key (popped))));
      for (guint j = 0; j < got->len; j++)
        g_assert_true (g_hash_table_add (granted, g_strdup (kv_claim_get_key (got->pdata[j]))));
    }
  /* Each key went to exactly one call, and the calls outnumber the keys. */
  g_assert_cmpuint (g_hash_table_size (granted), ==, KEYS);
  g_assert_cmpuint (empty, >, 0);
  sink_clear (&claims);
  sink_clear (&pops);
  sink_clear (&many);
}

/* The disk store's last transaction id, from its stats; 0 on other backends. */
static gint64
last_txn_id (KvStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *stats = kv_store_dup_stats_json (store, &error);
  const char *at;

  g_assert_no_error (error);
  at = strstr (stats, "\"lastTxnId\":");
  return at ? g_ascii_strtoll (at + strlen ("\"lastTxnId\":"), NULL, 10) : 0;
}

/* claimKeys and the claim batches submitted: what the blocking calls return,
 * each key and ref on its own, and on disk all of them in one commit. */
static void
test_claim_batches (StoreFixture *f, gconstpointer data)
{
  enum
  {
    N = 50
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claimed = NULL, busy = NULL, missing = NULL, items = NULL;
  g_autoptr (GPtrArray) failed = NULL;
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  KvClaimRef refs[N + 1];
  guint64 done = 0;
  gint64 txn;
  Sink s;
  KvResult *r;

  for (int i = 0; i < N; i++)
    {
      char *key = g_strdup_printf ("c:%02d", i);
      if (i > 0) /* c:00 is missing */
        g_assert_true (kv_store_set (f->store, key, "1", 1, &error));
      g_ptr_array_add (keys, key);
    }
  {
    g_autoptr (KvClaim) held = kv_store_claim_key (f->store, "c:01", NULL, 0, &error);
    g_assert_nonnull (held);
  }
  sink_init (&s);
  txn = last_txn_id (f->store);
  kv_store_claim_keys_submit (f->store, (const char *const *) keys->pdata, N, "w", 0, FALSE,
                              on_result, &s);
  r = sink_wait (&s, 1);
  g_assert_true (kv_store_claim_keys_finish (r, &claimed, &busy, &missing, &items, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, N - 2);
  g_assert_cmpuint (busy->len, ==, 1);
  g_assert_cmpstr (busy->pdata[0], ==, "c:01");
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (missing->pdata[0], ==, "c:00");
  if (is_disk (f))
    g_assert_cmpint (last_txn_id (f->store), ==, txn + 1);

  /* Each ref on its own: the second ref of a key sees the first one's release. */
  for (guint i = 0; i < claimed->len; i++)
    {
      const KvClaim *c = claimed->pdata[i];
      refs[i] = (KvClaimRef){ kv_claim_get_id (c), kv_claim_get_key (c), kv_claim_get_token (c) };
    }
  refs[claimed->len] = refs[0];
  txn = last_txn_id (f->store);
  kv_store_release_claims_submit (f->store, refs, claimed->len + 1, on_result, &s);
  r = sink_wait (&s, 2);
  g_assert_true (kv_store_release_claims_finish (r, &done, &failed, &error));
  g_assert_cmpuint (done, ==, claimed->len);
  g_assert_cmpuint (failed->len, ==, 1);
  g_assert_cmpuint (((KvItemError *) failed->pdata[0])->index, ==, claimed->len);
  g_assert_cmpstr (((KvItemError *) failed->pdata[0])->name, ==, "ClaimNotUpdated");
  if (is_disk (f))
    g_assert_cmpint (last_txn_id (f->store), ==, txn + 1);
  g_clear_pointer (&failed, g_ptr_array_unref);

  /* Released refs are not live any more: renewing them fails item by item. */
  kv_store_renew_claims_submit (f->store, refs, 2, 1000, on_result, &s);
  r = sink_wait (&s, 3);
  g_assert_true (kv_store_renew_claims_finish (r, &done, &failed, &error));
  g_assert_cmpuint (done, ==, 0);
  g_assert_cmpuint (failed->len, ==, 2);
  g_clear_pointer (&failed, g_ptr_array_unref);

  /* allOrNothing: busy keys veto the batch, and nothing is claimed. */
  g_clear_pointer (&claimed, g_ptr_array_unref);
  g_clear_pointer (&busy, g_ptr_array_unref);
  g_clear_pointer (&missing, g_ptr_array_unref);
  {
    g_autoptr (KvClaim) held = kv_store_claim_key (f->store, "c:03", NULL, 0, &error);
    g_assert_nonnull (held);
  }
  kv_store_claim_keys_submit (f->store, (const char *const *) keys->pdata + 1, 10, NULL, 0, TRUE,
                              on_result, &s);
  r = sink_wait (&s, 4);
  g_assert_true (kv_store_claim_keys_finish (r, &claimed, &busy, &missing, &items, &error));
  g_assert_cmpuint (claimed->len, ==, 0);
  g_assert_cmpuint (busy->len, ==, 2); /* c:01, still held, and c:03 */

  /* Refused batches complete at once, with their items. */
  {
    const char *dup[] = { "c:05", "c:05" };
    g_clear_pointer (&claimed, g_ptr_array_unref);
    g_clear_pointer (&busy, g_ptr_array_unref);
    g_clear_pointer (&missing, g_ptr_array_unref);
    kv_store_claim_keys_submit (f->store, dup, 2, NULL, 0, FALSE, on_result, &s);
    r = sink_wait (&s, 5);
    g_assert_false (kv_store_claim_keys_finish (r, &claimed, &busy, &missing, &items, &error));
    g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
    g_clear_error (&error);
    g_assert_cmpuint (items->len, ==, 1);
    g_assert_cmpuint (((KvItemError *) items->pdata[0])->index, ==, 1);
  }
  {
    KvClaimRef bad = { "", "c:05", 1 };
    kv_store_complete_claims_submit (f->store, &bad, 1, TRUE, on_result, &s);
    r = sink_wait (&s, 6);
    g_assert_false (kv_store_complete_claims_finish (r, &done, &failed, &error));
    g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
    g_assert_cmpuint (failed->len, ==, 1);
  }
  sink_clear (&s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  STORE_TEST_ADD ("submit/each-operation", test_each_operation);
  STORE_TEST_ADD ("submit/batches", test_batches);
  STORE_TEST_ADD ("submit/claim-refs", test_claim_refs);
  STORE_TEST_ADD ("submit/closed", test_closed);
  STORE_TEST_ADD ("submit/nonblocking", test_nonblocking);
  STORE_TEST_ADD ("submit/random", test_random);
  STORE_TEST_ADD ("submit/claim-batches", test_claim_batches);
  STRESS_TEST_ADD ("submit/many-in-flight", test_many_in_flight);
  STRESS_TEST_ADD ("submit/random-in-flight", test_random_in_flight);
  return g_test_run ();
}
