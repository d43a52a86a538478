/* bench-store.c — throughput and latency of libkv operations under concurrency.
 *
 * Prints one line per run: operation, backend, threads, ops/s, and latency
 * percentiles measured per call with the monotonic clock. Numbers, not
 * verdicts: nothing here asserts a speed.
 *
 *   bench/bench-store --op=set --threads=8 --seconds=2
 *   bench/bench-store --matrix          (the standard set, as `make bench` runs it)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libkv/kv.h>

typedef enum
{
  OP_SET,
  OP_GET,
  OP_INCREMENT,
  OP_CAS,
  OP_MIXED,
  OP_GET_MANY
} BenchOp;
static const char *const op_names[] = { "set", "get", "increment", "cas", "mixed", "get-many" };

typedef struct
{
  KvStore *store;
  BenchOp op;
  guint index;
  guint n_keys;
  gsize value_size;
  gint64 deadline;
  /* results */
  guint64 ops;
  GArray *latencies_ns; /* guint32, sampled */
} Worker;

static char **keys;
static char *value_json;

static inline gint64
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
record (Worker *w, gint64 start_ns)
{
  guint32 ns = (guint32) MIN (now_ns () - start_ns, G_MAXUINT32);
  /* Keep every 4th sample: enough for p99.9 at these rates, bounded memory. */
  if ((w->ops & 3) == 0)
    g_array_append_val (w->latencies_ns, ns);
  w->ops++;
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  guint32 seed = w->index * 2654435761u + 1;
  const char *batch[16];

  while (g_get_monotonic_time () < w->deadline)
    for (int burst = 0; burst < 64; burst++)
      {
        gint64 start = now_ns ();
        const char *key;
        gboolean ok = TRUE;

        seed = seed * 1103515245u + 12345u;
        key = keys[(seed >> 8) % w->n_keys];
        switch (w->op)
          {
          case OP_SET:
            ok = kv_store_set (w->store, key, value_json, w->value_size, NULL);
            break;
          case OP_GET:
            g_bytes_unref (kv_store_get (w->store, key, NULL));
            break;
          case OP_INCREMENT:
            ok = kv_store_increment_by (w->store, key, 1, NULL, NULL);
            break;
          case OP_CAS:
            {
              gboolean swapped;
              ok = kv_store_compare_and_swap (w->store, key, value_json, w->value_size, value_json,
                                              w->value_size, &swapped, NULL, NULL, NULL);
              break;
            }
          case OP_MIXED: /* 80 % reads, 20 % writes */
            if ((seed & 0xff) < 205)
              g_bytes_unref (kv_store_get (w->store, key, NULL));
            else
              ok = kv_store_set (w->store, key, value_json, w->value_size, NULL);
            break;
          case OP_GET_MANY:
            for (int i = 0; i < 16; i++)
              batch[i] = keys[(seed + (guint) i * 7919u) % w->n_keys];
            g_ptr_array_unref (kv_store_get_many (w->store, batch, 16, NULL, NULL));
            break;
          }
        if (!ok)
          g_error ("operation failed");
        record (w, start);
      }
  return NULL;
}

static int
compare_u32 (const void *a, const void *b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  return (x > y) - (x < y);
}

static double
percentile_us (GArray *all, double p)
{
  gsize i = (gsize) (p * (all->len - 1));
  return all->len ? g_array_index (all, guint32, i) / 1000.0 : 0;
}

static void
run (const char *backend_json, BenchOp op, guint threads, double seconds, guint n_keys,
     gsize value_size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvOptions) options = kv_options_new_from_json (backend_json, &error);
  g_autoptr (KvStore) store = NULL;
  g_autofree Worker *workers = g_new0 (Worker, threads);
  g_autofree GThread **handles = g_new0 (GThread *, threads);
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint64 total = 0;
  gint64 start, elapsed_us;

  if (options)
    store = kv_store_open (options, &error);
  if (store == NULL)
    {
      fprintf (stderr, "bench-store: %s\n", error->message);
      exit (1);
    }
  /* Values are a JSON string of value_size bytes; every key starts out set. */
  g_free (value_json);
  value_json = g_malloc (value_size + 1);
  memset (value_json, 'v', value_size);
  value_json[0] = value_json[value_size - 1] = '"';
  value_json[value_size] = '\0';
  for (guint i = 0; i < n_keys; i++)
    if (op == OP_INCREMENT ? !kv_store_set (store, keys[i], "0", 1, &error)
                           : !kv_store_set (store, keys[i], value_json, value_size, &error))
      g_error ("prefill: %s", error->message);

  start = g_get_monotonic_time ();
  for (guint t = 0; t < threads; t++)
    {
      workers[t] = (Worker){ .store = store,
                             .op = op,
                             .index = t,
                             .n_keys = n_keys,
                             .value_size = value_size,
                             .deadline = start + (gint64) (seconds * G_USEC_PER_SEC),
                             .latencies_ns = g_array_new (FALSE, FALSE, sizeof (guint32)) };
      handles[t] = g_thread_new ("bench", worker_main, &workers[t]);
    }
  for (guint t = 0; t < threads; t++)
    {
      g_thread_join (handles[t]);
      total += workers[t].ops;
      g_array_append_vals (all, workers[t].latencies_ns->data, workers[t].latencies_ns->len);
      g_array_unref (workers[t].latencies_ns);
    }
  elapsed_us = g_get_monotonic_time () - start;
  g_array_sort (all, compare_u32);

  printf ("%-10s %-8s threads=%-3u keys=%-7u value=%-5zuB %12.0f ops/s   p50=%7.2fus "
          "p90=%7.2fus p99=%8.2fus p99.9=%8.2fus\n",
          op_names[op], kv_options_get_backend (options) == KV_BACKEND_MEMORY ? "memory" : "disk",
          threads, n_keys, value_size, total / (elapsed_us / 1e6), percentile_us (all, 0.50),
          percentile_us (all, 0.90), percentile_us (all, 0.99), percentile_us (all, 0.999));
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  g_autofree char *op_name = g_strdup ("mixed");
  g_autofree char *backend = g_strdup ("{\"backend\":\"memory\"}");
  int threads = 4, n_keys = 100000, value_size = 64;
  double seconds = 2;
  gboolean matrix = FALSE;
  BenchOp op = OP_MIXED;
  GOptionEntry entries[] = {
    { "op", 0, 0, G_OPTION_ARG_STRING, &op_name, "set, get, increment, cas, mixed, get-many",
      "OP" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "concurrent callers (default 4)", "N" },
    { "seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "duration per run (default 2)", "S" },
    { "keys", 'k', 0, G_OPTION_ARG_INT, &n_keys, "distinct keys (default 100000)", "N" },
    { "value-size", 0, 0, G_OPTION_ARG_INT, &value_size, "value bytes (default 64)", "B" },
    { "options", 0, 0, G_OPTION_ARG_STRING, &backend, "openKv() options as JSON", "JSON" },
    { "matrix", 0, 0, G_OPTION_ARG_NONE, &matrix, "run the standard matrix", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— benchmark libkv operations");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-store: %s\n", error->message);
      return 2;
    }
  for (op = 0; op < G_N_ELEMENTS (op_names) && !g_str_equal (op_names[op], op_name); op++)
    ;
  if (op == G_N_ELEMENTS (op_names) || threads < 1 || n_keys < 1 || value_size < 2)
    {
      fprintf (stderr, "bench-store: bad --op, --threads, --keys or --value-size\n");
      return 2;
    }

  keys = g_new0 (char *, MAX (n_keys, 100000) + 1);
  for (int i = 0; i < MAX (n_keys, 100000); i++)
    keys[i] = g_strdup_printf ("user:%08d", i);

  printf ("libkv bench: %u CPUs; latency per call (1 in 4 sampled); ops/s over all threads; "
          "more threads than CPUs shows preemption in the tail\n",
          g_get_num_processors ());
  if (matrix)
    {
      static const BenchOp ops[] = { OP_GET, OP_SET, OP_MIXED, OP_INCREMENT, OP_CAS, OP_GET_MANY };
      static const guint thread_counts[] = { 1, 8, 64 };
      for (gsize i = 0; i < G_N_ELEMENTS (ops); i++)
        for (gsize t = 0; t < G_N_ELEMENTS (thread_counts); t++)
          run (backend, ops[i], thread_counts[t], seconds, (guint) n_keys, (gsize) value_size);
      /* Contention: every thread on 16 hot keys. */
      run (backend, OP_INCREMENT, 8, seconds, 16, (gsize) value_size);
    }
  else
    run (backend, op, (guint) threads, seconds, (guint) n_keys, (gsize) value_size);
  g_strfreev (keys);
  g_free (value_json);
  return 0;
}
