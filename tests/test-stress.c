/* test-stress.c — many threads on one store; every test checks an exact invariant.
 *
 * Sized to finish in seconds under ThreadSanitizer; `-m slow` (make check-long)
 * multiplies the work by ten. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "store-fixture.h"

#define N_THREADS 16

static guint rounds_scale = 1;

typedef struct
{
  KvStore *store;
  guint index;
  gpointer shared;
} Worker;

static void
run_workers (KvStore *store, GThreadFunc func, gpointer shared)
{
  GThread *threads[N_THREADS];
  Worker workers[N_THREADS];

  for (guint i = 0; i < N_THREADS; i++)
    {
      workers[i] = (Worker){ store, i, shared };
      threads[i] = g_thread_new ("kv-stress", func, &workers[i]);
    }
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
}

static gint64
get_int (KvStore *store, const char *key)
{
  g_autoptr (GBytes) v = kv_store_get (store, key, NULL);
  g_assert_nonnull (v);
  return g_ascii_strtoll (g_bytes_get_data (v, NULL), NULL, 10);
}

/* incrementBy: 16 threads × N increments spread over 8 counters; totals exact. */
#define INCREMENTS 2000
static gpointer
increment_worker (gpointer data)
{
  Worker *w = data;

  for (guint i = 0; i < INCREMENTS * rounds_scale; i++)
    {
      char key[16];
      g_snprintf (key, sizeof key, "ctr%u", (i + w->index) % 8);
      g_assert_true (kv_store_increment_by (w->store, key, 1 + (i % 3), NULL, NULL));
    }
  return NULL;
}

static void
test_increment_totals (StoreFixture *f, gconstpointer data)
{
  gint64 total = 0, expected = 0;

  run_workers (f->store, increment_worker, NULL);
  for (guint i = 0; i < INCREMENTS * rounds_scale; i++)
    expected += 1 + (i % 3);
  expected *= N_THREADS;
  for (guint c = 0; c < 8; c++)
    {
      char key[16];
      g_snprintf (key, sizeof key, "ctr%u", c);
      total += get_int (f->store, key);
    }
  g_assert_cmpint (total, ==, expected);
}

/* A counter kept with get + compareAndSwap retries loses no update. */
#define CAS_INCREMENTS 300
static gpointer
cas_worker (gpointer data)
{
  Worker *w = data;
  guint *retries = w->shared;

  for (guint i = 0; i < CAS_INCREMENTS * rounds_scale; i++)
    for (;;)
      {
        g_autoptr (GBytes) current = kv_store_get (w->store, "cas", NULL);
        gint64 n = g_ascii_strtoll (g_bytes_get_data (current, NULL), NULL, 10);
        char next[32];
        gboolean swapped = FALSE;
        g_snprintf (next, sizeof next, "%" G_GINT64_FORMAT, n + 1);
        g_assert_true (kv_store_compare_and_swap (w->store, "cas", g_bytes_get_data (current, NULL),
                                                  g_bytes_get_size (current), next, strlen (next),
                                                  &swapped, NULL, NULL, NULL));
        if (swapped)
          break;
        g_atomic_int_inc ((gint *) retries);
      }
  return NULL;
}

static void
test_cas_counter (StoreFixture *f, gconstpointer data)
{
  guint retries = 0;

  g_assert_true (kv_store_set (f->store, "cas", "0", 1, NULL));
  run_workers (f->store, cas_worker, &retries);
  g_assert_cmpint (get_int (f->store, "cas"), ==, N_THREADS * CAS_INCREMENTS * rounds_scale);
  g_test_message ("CAS retries under contention: %u", retries);
}

/* setIfAbsent: for every round key exactly one thread wins. */
#define ROUNDS 300
static gpointer
first_writer_worker (gpointer data)
{
  Worker *w = data;
  gint *wins = w->shared;

  for (guint r = 0; r < ROUNDS * rounds_scale; r++)
    {
      char key[32], value[16];
      gboolean set = FALSE;
      g_snprintf (key, sizeof key, "round:%u", r);
      g_snprintf (value, sizeof value, "%u", w->index);
      g_assert_true (kv_store_set_if_absent (w->store, key, value, strlen (value), &set, NULL));
      if (set)
        g_atomic_int_inc (&wins[r]);
    }
  return NULL;
}

static void
test_first_writer_wins (StoreFixture *f, gconstpointer data)
{
  g_autofree gint *wins = g_new0 (gint, ROUNDS * rounds_scale);

  run_workers (f->store, first_writer_worker, wins);
  for (guint r = 0; r < ROUNDS * rounds_scale; r++)
    g_assert_cmpint (wins[r], ==, 1);
}

/* deleteIfExists / compareAndDelete: each item is taken by exactly one thread. */
#define ITEMS 2000
static gpointer
take_worker (gpointer data)
{
  Worker *w = data;
  gint *taken = w->shared;

  for (guint i = 0; i < ITEMS * rounds_scale; i++)
    {
      guint item = (i * 7 + w->index * 13) % (ITEMS * rounds_scale);
      char key[32];
      gboolean deleted = FALSE;
      g_snprintf (key, sizeof key, "item:%u", item);
      if (w->index % 2)
        g_assert_true (kv_store_delete_if_exists (w->store, key, &deleted, NULL));
      else
        g_assert_true (
            kv_store_compare_and_delete (w->store, key, "true", 4, &deleted, NULL, NULL, NULL));
      if (deleted)
        g_atomic_int_inc (&taken[item]);
    }
  return NULL;
}

static void
test_exclusive_take (StoreFixture *f, gconstpointer data)
{
  guint n = ITEMS * rounds_scale;
  g_autofree gint *taken = g_new0 (gint, n);
  guint64 size = 1;

  for (guint i = 0; i < n; i++)
    {
      char key[32];
      g_snprintf (key, sizeof key, "item:%u", i);
      g_assert_true (kv_store_set (f->store, key, "true", 4, NULL));
    }
  run_workers (f->store, take_worker, taken);
  for (guint i = 0; i < n; i++)
    if (taken[i] != 1)
      g_error ("item %u taken %d times", i, taken[i]);
  g_assert_true (kv_store_size (f->store, &size, NULL));
  g_assert_cmpuint (size, ==, 0);
}

/* Mixed set/delete/swap/getMany/clear on a few hot keys: no crash, and every
 * value read is one some thread wrote whole. */
#define MIXED_OPS 3000
static gboolean
value_is_well_formed (GBytes *v)
{
  const char *s = g_bytes_get_data (v, NULL);
  guint t, n;
  return sscanf (s, "{\"n\":%u,\"t\":%u}", &n, &t) == 2 && t < N_THREADS;
}

static gpointer
mixed_worker (gpointer data)
{
  Worker *w = data;
  GRand *rand = g_rand_new_with_seed (w->index);

  for (guint i = 0; i < MIXED_OPS * rounds_scale; i++)
    {
      char key[16], value[64];
      const char *many[3];
      guint op = g_rand_int_range (rand, 0, 100);
      g_snprintf (key, sizeof key, "hot%d", g_rand_int_range (rand, 0, 6));
      g_snprintf (value, sizeof value, "{\"t\":%u,\"n\":%u}", w->index, i);
      if (op < 35)
        g_assert_true (kv_store_set (w->store, key, value, strlen (value), NULL));
      else if (op < 50)
        g_assert_true (kv_store_delete (w->store, key, NULL));
      else if (op < 60)
        {
          g_autoptr (GBytes) prev = NULL;
          g_assert_true (kv_store_swap (w->store, key, value, strlen (value), &prev, NULL));
          g_assert_true (prev == NULL || value_is_well_formed (prev));
        }
      else if (op < 70)
        {
          g_autoptr (GPtrArray) got = NULL;
          many[0] = "hot0", many[1] = key, many[2] = "hot5";
          got = kv_store_get_many (w->store, many, 3, NULL, NULL);
          for (guint j = 0; j < 3; j++)
            g_assert_true (got->pdata[j] == NULL || value_is_well_formed (got->pdata[j]));
        }
      else if (op < 71)
        g_assert_true (kv_store_clear (w->store, NULL));
      else
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (GBytes) v = kv_store_get (w->store, key, &error);
          g_assert_true (v == NULL ? g_error_matches (error, KV_ERROR, KV_ERROR_KEY_NOT_FOUND)
                                   : value_is_well_formed (v));
        }
    }
  g_rand_free (rand);
  return NULL;
}

static void
test_mixed_races (StoreFixture *f, gconstpointer data)
{
  guint64 size = 0;

  run_workers (f->store, mixed_worker, NULL);
  g_assert_true (kv_store_size (f->store, &size, NULL));
  g_assert_cmpuint (size, <=, 6);
}

/* Closing a handle while other threads use it: calls either complete or fail
 * with StoreClosedError; nothing crashes, nothing leaks (ASan checks). */
static gpointer
use_until_closed_worker (gpointer data)
{
  Worker *w = data;
  gint *closed_seen = w->shared;

  for (guint i = 0;; i++)
    {
      g_autoptr (GError) error = NULL;
      char key[16];
      g_snprintf (key, sizeof key, "k%u", i % 50);
      if (!kv_store_increment_by (w->store, key, 1, NULL, &error))
        {
          g_assert_error (error, KV_ERROR, KV_ERROR_STORE_CLOSED);
          g_atomic_int_inc (closed_seen);
          return NULL;
        }
    }
}

static gpointer
closer_thread (gpointer data)
{
  g_usleep (20 * 1000);
  kv_store_close (data);
  return NULL;
}

static void
test_close_while_busy (StoreFixture *f, gconstpointer data)
{
  gint closed_seen = 0;
  GThread *closer = g_thread_new ("closer", closer_thread, f->store);

  run_workers (f->store, use_until_closed_worker, &closed_seen);
  g_thread_join (closer);
  g_assert_cmpint (closed_seen, ==, N_THREADS);
}

/* Paging while other threads insert and delete: every key that exists for
 * the whole scan comes back exactly once, pages are in strictly increasing
 * order, and the churned keys never break either rule. */
#define STABLE_KEYS 1500
typedef struct
{
  gint stop;
  gint scans;
} ChurnState;

static gpointer
churn_worker (gpointer data)
{
  Worker *w = data;
  ChurnState *state = w->shared;
  GRand *rand = g_rand_new_with_seed (w->index);

  while (!g_atomic_int_get (&state->stop))
    {
      char key[32];
      /* Keys that sort between the stable ones, and before and after them. */
      g_snprintf (key, sizeof key, "s:%05d-churn%u", g_rand_int_range (rand, -1, STABLE_KEYS + 1),
                  w->index);
      if (g_rand_boolean (rand))
        g_assert_true (kv_store_set (w->store, key, "1", 1, NULL));
      else
        g_assert_true (kv_store_delete (w->store, key, NULL));
    }
  g_rand_free (rand);
  return NULL;
}

static gpointer
scanner_worker (gpointer data)
{
  Worker *w = data;
  ChurnState *state = w->shared;

  for (guint round = 0; round < 3 * rounds_scale; round++)
    {
      g_autofree char *cursor = NULL;
      g_autofree char *previous = NULL;
      gboolean done = FALSE;
      guint stable_seen = 0;

      while (!done)
        {
          g_autoptr (GPtrArray) page = NULL;
          char *next = NULL;
          g_assert_true (
              kv_store_scan_keys (w->store, "s:", cursor, 37, &page, &next, &done, NULL));
          for (guint i = 0; i < page->len; i++)
            {
              const char *key = page->pdata[i];
              g_assert_true (previous == NULL || strcmp (previous, key) < 0);
              g_free (previous);
              previous = g_strdup (key);
              if (strchr (key, '-') == NULL)
                {
                  g_autofree char *want = g_strdup_printf ("s:%05u", stable_seen);
                  g_assert_cmpstr (key, ==, want); /* each stable key once, none skipped */
                  stable_seen++;
                }
            }
          g_free (cursor);
          cursor = next;
        }
      g_assert_cmpuint (stable_seen, ==, STABLE_KEYS);
      g_atomic_int_inc (&state->scans);
    }
  return NULL;
}

static gpointer
scan_churn_worker (gpointer data)
{
  Worker *w = data;
  return w->index < N_THREADS / 2 ? churn_worker (data) : scanner_worker (data);
}

static gpointer
scan_churn_stopper (gpointer data)
{
  ChurnState *state = data;
  /* Writers run until every scanner has finished its rounds. */
  while (g_atomic_int_get (&state->scans) < (gint) (N_THREADS / 2 * 3 * rounds_scale))
    g_usleep (1000);
  g_atomic_int_set (&state->stop, 1);
  return NULL;
}

static void
test_scan_under_churn (StoreFixture *f, gconstpointer data)
{
  ChurnState state = { 0 };
  GThread *stopper;
  g_autoptr (GPtrArray) all = NULL;
  g_autofree char *stats = NULL;
  guint64 counted = 0;

  for (guint i = 0; i < STABLE_KEYS; i++)
    {
      char key[32];
      g_snprintf (key, sizeof key, "s:%05u", i);
      g_assert_true (kv_store_set (f->store, key, "0", 1, NULL));
    }
  stopper = g_thread_new ("stopper", scan_churn_stopper, &state);
  run_workers (f->store, scan_churn_worker, &state);
  g_thread_join (stopper);

  /* Quiet again: the index (when tracking) agrees exactly with the data. */
  all = kv_store_list_keys (f->store, "s:", 0, NULL);
  g_assert_true (kv_store_count (f->store, "s:", &counted, NULL));
  g_assert_cmpuint (counted, ==, all->len);
  stats = kv_store_dup_stats_json (f->store, NULL);
  g_assert_null (strstr (stats, "\"consistent\":false"));
}

/* Claims: 16 threads claim, hold, then release or complete. Holding is marked
 * with an atomic flag per key: if libkv ever handed one key to two live
 * holders, the second would find the flag set. Every key is completed exactly
 * once and the pool ends empty. */
#define POOL 400
typedef struct
{
  gint in_use[POOL];
  gint completed[POOL];
} ClaimState;

static gpointer
claim_worker (gpointer data)
{
  Worker *w = data;
  ClaimState *st = w->shared;
  GRand *rand = g_rand_new_with_seed (w->index + 100);

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (KvClaim) claim = kv_store_claim_random (w->store, "pool:", "w", 60000, &error);
      KvClaimRef ref;
      gboolean done = FALSE;
      guint k;

      g_assert_no_error (error);
      if (claim == NULL)
        break; /* drained (or every remaining key is held by someone else) */
      k = (guint) g_ascii_strtoull (kv_claim_get_key (claim) + 5, NULL, 10);
      if (!g_atomic_int_compare_and_exchange (&st->in_use[k], 0, 1))
        g_error ("key %u handed to two live holders", k);
      if (g_rand_int_range (rand, 0, 4) == 0)
        g_thread_yield ();
      g_atomic_int_set (&st->in_use[k], 0);
      ref = (KvClaimRef){ kv_claim_get_id (claim), kv_claim_get_key (claim),
                          kv_claim_get_token (claim) };
      if (g_rand_int_range (rand, 0, 3) == 0)
        g_assert_true (kv_store_release_claim (w->store, &ref, &done, NULL));
      else
        {
          g_assert_true (kv_store_complete_claim (w->store, &ref, TRUE, &done, NULL));
          if (done)
            g_atomic_int_inc (&st->completed[k]);
        }
      g_assert_true (done); /* our claim was live: nobody else could end it */
    }
  g_rand_free (rand);
  return NULL;
}

static void
test_claims_exclusive (StoreFixture *f, gconstpointer data)
{
  g_autofree ClaimState *st = g_new0 (ClaimState, 1);
  guint64 left = 1;

  for (guint round = 0; round < rounds_scale; round++)
    {
      memset (st, 0, sizeof *st);
      for (guint i = 0; i < POOL; i++)
        {
          char key[16];
          g_snprintf (key, sizeof key, "pool:%u", i);
          g_assert_true (kv_store_set (f->store, key, "1", 1, NULL));
        }
      /* Workers stop when they see nothing claimable; repeat until drained. */
      do
        {
          run_workers (f->store, claim_worker, st);
          g_assert_true (kv_store_count (f->store, "pool:", &left, NULL));
        }
      while (left > 0);
      for (guint i = 0; i < POOL; i++)
        g_assert_cmpint (st->completed[i], ==, 1);
    }
}

/* Leases that expire: threads claim with a 2 ms lease and never release. For
 * every key, sorted by token, each grant starts no earlier than the previous
 * lease on that key ended: leases never overlap. */
typedef struct
{
  guint64 token;
  guint key;
  gint64 start, end;
} Grant;

static gpointer
lease_worker (gpointer data)
{
  Worker *w = data;
  GArray *grants = g_array_new (FALSE, FALSE, sizeof (Grant));
  gint64 stop = g_get_monotonic_time () + 300 * 1000;

  while (g_get_monotonic_time () < stop)
    {
      g_autoptr (KvClaim) claim = kv_store_claim_random (w->store, "lease:", NULL, 2, NULL);
      if (claim)
        {
          Grant g = { kv_claim_get_token (claim),
                      (guint) g_ascii_strtoull (kv_claim_get_key (claim) + 6, NULL, 10),
                      kv_claim_get_expires_at (claim) - 2, kv_claim_get_expires_at (claim) };
          g_array_append_val (grants, g);
        }
    }
  return grants;
}

static gint
compare_grants (gconstpointer a, gconstpointer b)
{
  const Grant *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->token < y->token ? -1 : x->token > y->token;
}

static void
test_leases_never_overlap (StoreFixture *f, gconstpointer data)
{
  GThread *threads[N_THREADS];
  Worker workers[N_THREADS];
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (Grant));

  for (guint i = 0; i < 8; i++)
    {
      char key[16];
      g_snprintf (key, sizeof key, "lease:%u", i);
      g_assert_true (kv_store_set (f->store, key, "1", 1, NULL));
    }
  for (guint i = 0; i < N_THREADS; i++)
    {
      workers[i] = (Worker){ f->store, i, NULL };
      threads[i] = g_thread_new ("lease", lease_worker, &workers[i]);
    }
  for (guint i = 0; i < N_THREADS; i++)
    {
      GArray *grants = g_thread_join (threads[i]);
      g_array_append_vals (all, grants->data, grants->len);
      g_array_unref (grants);
    }
  g_array_sort (all, compare_grants);
  g_assert_cmpuint (all->len, >, 8); /* leases did expire and get re-granted */
  for (guint i = 1; i < all->len; i++)
    {
      Grant *prev = &g_array_index (all, Grant, i - 1), *cur = &g_array_index (all, Grant, i);
      g_assert_cmpuint (cur->token, !=, prev->token);
      if (cur->key == prev->key)
        g_assert_cmpint (cur->start, >=, prev->end);
    }
  g_test_message ("%u grants over 8 keys", all->len);
}

/* popRandom drains a pool exactly once across 16 threads. */
static gpointer
pop_worker (gpointer data)
{
  Worker *w = data;
  gint *popped = w->shared;
  KvEntry *entry;

  while ((entry = kv_store_pop_random (w->store, "drain:", NULL)) != NULL)
    {
      guint k = (guint) g_ascii_strtoull (kv_entry_get_key (entry) + 6, NULL, 10);
      g_atomic_int_inc (&popped[k]);
      kv_entry_unref (entry);
    }
  return NULL;
}

static void
test_pop_drains_once (StoreFixture *f, gconstpointer data)
{
  guint n = 2000 * rounds_scale;
  g_autofree gint *popped = g_new0 (gint, n);

  for (guint i = 0; i < n; i++)
    {
      char key[24];
      g_snprintf (key, sizeof key, "drain:%u", i);
      g_assert_true (kv_store_set (f->store, key, "1", 1, NULL));
    }
  run_workers (f->store, pop_worker, popped);
  for (guint i = 0; i < n; i++)
    if (popped[i] != 1)
      g_error ("key %u popped %d times", i, popped[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (g_test_slow ())
    rounds_scale = 10;

  STRESS_TEST_ADD ("stress/increment-totals", test_increment_totals);
  STRESS_TEST_ADD ("stress/cas-counter", test_cas_counter);
  STRESS_TEST_ADD ("stress/first-writer-wins", test_first_writer_wins);
  STRESS_TEST_ADD ("stress/exclusive-take", test_exclusive_take);
  STRESS_TEST_ADD ("stress/mixed-races", test_mixed_races);
  STRESS_TEST_ADD ("stress/close-while-busy", test_close_while_busy);
  STRESS_TEST_ADD ("stress/scan-under-churn", test_scan_under_churn);
  STRESS_TEST_ADD ("stress/claims-exclusive", test_claims_exclusive);
  STRESS_TEST_ADD ("stress/leases-never-overlap", test_leases_never_overlap);
  STRESS_TEST_ADD ("stress/pop-drains-once", test_pop_drains_once);
  return g_test_run ();
}
