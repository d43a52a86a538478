/* store-fixture.h — runs each store-semantics test once per backend configuration.
 *
 * The conformance suite is written once; backends are rows of store_backends[].
 */
#pragma once

#include <glib/gstdio.h>
#include <string.h>

#include <libkv/kv.h>

typedef struct
{
  const char *name;         /* test path component */
  const char *options_json; /* openKv() options; "%s" is replaced by a per-test path */
} StoreBackend;

typedef struct
{
  KvStore *store;
  const StoreBackend *backend;
  char *dir;
} StoreFixture;

static const StoreBackend store_backends[] = {
  { "memory", "{\"backend\":\"memory\",\"memory\":{\"shardCount\":4}}" },
  { "memory-1-shard", "{\"backend\":\"memory\",\"memory\":{\"shardCount\":1}}" },
  { "memory-tracked", "{\"backend\":\"memory\",\"trackKeys\":true,\"memory\":{\"shardCount\":4}}" },
  { "disk", "{\"backend\":\"disk\"}" },
  { "disk-tracked", "{\"backend\":\"disk\",\"trackKeys\":true}" },
  /* writeMap: LMDB has no nested transactions then, so the writer takes its other path. */
  { "disk-writemap", "{\"backend\":\"disk\",\"disk\":{\"writeMap\":true,\"noReadAhead\":true}}" },
};

/* Stress tests check concurrency invariants, not durability (the crash test
 * does that): their disk rows skip fsync, which leaves the group-commit path
 * the same and keeps the suite fast. */
static const StoreBackend stress_backends[] = {
  { "memory", "{\"backend\":\"memory\",\"memory\":{\"shardCount\":4}}" },
  { "memory-tracked", "{\"backend\":\"memory\",\"trackKeys\":true,\"memory\":{\"shardCount\":4}}" },
  { "disk-nosync", "{\"backend\":\"disk\",\"disk\":{\"noSync\":true}}" },
  { "disk-tracked-nosync", "{\"backend\":\"disk\",\"trackKeys\":true,\"disk\":{\"noSync\":true}}" },
};

static inline KvStore *
store_fixture_open_with (const StoreBackend *backend, const char *dir, const char *extra_json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvOptions) options = NULL;
  /* A file per store: a disk store is opened once per process. */
  static gint counter;
  g_autofree char *name = g_strdup_printf ("store-%d.kv", g_atomic_int_add (&counter, 1));
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *json = NULL;
  KvStore *store;

  /* Merge: backend options, then the test's extras, as one JSON object. */
  json = g_strdup_printf ("%.*s,\"path\":\"%s\"%s%s}", (int) strlen (backend->options_json) - 1,
                          backend->options_json, path, extra_json ? "," : "",
                          extra_json ? extra_json : "");
  options = kv_options_new_from_json (json, &error);
  g_assert_no_error (error);
  store = kv_store_open (options, &error);
  g_assert_no_error (error);
  return store;
}

static inline void
store_fixture_setup (StoreFixture *f, gconstpointer data)
{
  /* GLib allocates its static error-domain lock on the first GError of the
   * process, publishing it with its own (uninstrumented) atomics: when two
   * worker threads make the first GErrors at once, ThreadSanitizer reports
   * that allocation as a race. Make the first one here, before any thread. */
  g_error_free (g_error_new_literal (KV_ERROR, KV_ERROR_UNKNOWN, "first error"));
  f->backend = data;
  f->dir = g_dir_make_tmp ("kv-test-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->store = store_fixture_open_with (f->backend, f->dir, NULL);
}

static inline void
store_fixture_teardown (StoreFixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  if (f->dir)
    {
      g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
      const char *name;
      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *p = g_build_filename (f->dir, name, NULL);
          g_remove (p);
        }
      g_rmdir (f->dir);
      g_free (f->dir);
    }
}

/* Registers @test_func once per row of @table as /kv/store/<row>/<test_name>. */
#define STORE_TEST_ADD_FOR(table, test_name, test_func)                                            \
  G_STMT_START                                                                                     \
  {                                                                                                \
    for (gsize _i = 0; _i < G_N_ELEMENTS (table); _i++)                                            \
      {                                                                                            \
        g_autofree char *_path = g_strdup_printf ("/kv/store/%s/%s", table[_i].name, test_name);   \
        g_test_add (_path, StoreFixture, &table[_i], store_fixture_setup, test_func,               \
                    store_fixture_teardown);                                                       \
      }                                                                                            \
  }                                                                                                \
  G_STMT_END
#define STORE_TEST_ADD(test_name, test_func)                                                       \
  STORE_TEST_ADD_FOR (store_backends, test_name, test_func)
#define STRESS_TEST_ADD(test_name, test_func)                                                      \
  STORE_TEST_ADD_FOR (stress_backends, test_name, test_func)
