/* test-scan.c — order, paging, counting and sampling, on every backend. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "store-fixture.h"

static void
put (KvStore *store, const char *key)
{
  g_autofree char *value = g_strdup_printf ("\"%s\"", key);
  g_autoptr (GError) error = NULL;
  g_assert_true (kv_store_set (store, key, value, strlen (value), &error));
  g_assert_no_error (error);
}

static void
put_numbered (KvStore *store, const char *prefix, int n)
{
  for (int i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s%05d", prefix, i);
      put (store, key);
    }
}

static void
test_list_bytewise_order (StoreFixture *f, gconstpointer data)
{
  /* Bytewise: uppercase < lowercase, a key before its extensions, UTF-8 after ASCII. */
  const char *keys[] = { "b", "a\xc3\xa9", "ab", "B", "a", "a0" };
  const char *expected[] = { "B", "a", "a0", "ab", "a\xc3\xa9", "b" };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) names = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    put (f->store, keys[i]);
  entries = kv_store_list (f->store, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, G_N_ELEMENTS (expected));
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *value = g_strdup_printf ("\"%s\"", expected[i]);
      g_assert_cmpstr (kv_entry_get_key (entries->pdata[i]), ==, expected[i]);
      g_assert_cmpstr (g_bytes_get_data (kv_entry_get_value (entries->pdata[i]), NULL), ==, value);
    }
  names = kv_store_list_keys (f->store, "a", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_cmpstr (names->pdata[0], ==, "a");
  g_assert_cmpstr (names->pdata[1], ==, "a0");
}

static void
test_list_limits (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) got = NULL;

  put_numbered (f->store, "k", 30);
  got = kv_store_list (f->store, "k", 10, &error);
  g_assert_cmpuint (got->len, ==, 10);
  g_assert_cmpstr (kv_entry_get_key (got->pdata[9]), ==, "k00009");
  g_clear_pointer (&got, g_ptr_array_unref);
  got = kv_store_list (f->store, "k", -1, &error); /* <= 0: everything */
  g_assert_cmpuint (got->len, ==, 30);
  g_clear_pointer (&got, g_ptr_array_unref);

  g_assert_null (kv_store_list (f->store, NULL, KV_LIST_LIMIT_MAX + 1, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  got = kv_store_list_keys (f->store, NULL, KV_LIST_LIMIT_MAX, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 30);
  g_clear_pointer (&got, g_ptr_array_unref);
  got = kv_store_list_keys (f->store, "nothing", 0, &error);
  g_assert_cmpuint (got->len, ==, 0);
}

/* Pages through @prefix with @page_size; returns every key seen, in order. */
static GPtrArray *
scan_all (KvStore *store, const char *prefix, gint64 page_size, gboolean keys_only, guint *pages)
{
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cursor = g_strdup ("");
  gboolean done = FALSE;

  *pages = 0;
  while (!done)
    {
      g_autoptr (GPtrArray) page = NULL;
      g_autoptr (GError) error = NULL;
      char *next = NULL;
      gboolean ok =
          keys_only
              ? kv_store_scan_keys (store, prefix, cursor, page_size, &page, &next, &done, &error)
              : kv_store_scan (store, prefix, cursor, page_size, &page, &next, &done, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (page->len, <=, (guint) page_size);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (seen,
                         g_strdup (keys_only ? page->pdata[i] : kv_entry_get_key (page->pdata[i])));
      g_free (cursor);
      cursor = next;
      (*pages)++;
      g_assert_cmpuint (*pages, <, 10000);
    }
  return seen;
}

static void
test_scan_pages (StoreFixture *f, gconstpointer data)
{
  guint pages = 0;
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  put_numbered (f->store, "user:", 250);
  put_numbered (f->store, "other:", 40);
  keys = scan_all (f->store, "user:", 7, TRUE, &pages);
  g_assert_cmpuint (keys->len, ==, 250);
  g_assert_cmpuint (pages, ==, 36); /* 35 full pages + the last 5; done on that one */
  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *want = g_strdup_printf ("user:%05u", i);
      g_assert_cmpstr (keys->pdata[i], ==, want);
    }
  entries = scan_all (f->store, NULL, 100, FALSE, &pages);
  g_assert_cmpuint (entries->len, ==, 290);
  g_assert_cmpuint (pages, ==, 3);
}

static void
test_scan_exact_page_boundary (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) page = NULL;
  g_autofree char *cursor = NULL;
  gboolean done = TRUE;

  put_numbered (f->store, "p", 10);
  g_assert_true (kv_store_scan_keys (f->store, "p", NULL, 10, &page, &cursor, &done, NULL));
  g_assert_cmpuint (page->len, ==, 10);
  g_assert_true (done); /* nothing follows: no empty extra page needed */
  g_clear_pointer (&page, g_ptr_array_unref);
  /* The last page's cursor is "", as in xk6-kv: `while (cursor !== "")` ends. */
  g_assert_cmpstr (cursor, ==, "");
}

/* Pages until the cursor is "" (xk6-kv's loop), never more than @max_pages. */
static guint
scan_until_empty_cursor (KvStore *store, const char *prefix, gint64 limit, gboolean keys_only,
                         guint max_pages)
{
  g_autofree char *cursor = g_strdup ("");
  guint items = 0, pages = 0;

  do
    {
      g_autoptr (GPtrArray) page = NULL;
      g_autoptr (GError) error = NULL;
      char *next = NULL;
      gboolean done = FALSE;
      gboolean ok =
          keys_only ? kv_store_scan_keys (store, prefix, cursor, limit, &page, &next, &done, &error)
                    : kv_store_scan (store, prefix, cursor, limit, &page, &next, &done, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      /* done and an empty cursor go together. */
      g_assert_cmpint (done, ==, *next == '\0');
      items += page->len;
      g_free (cursor);
      cursor = next;
      g_assert_cmpuint (++pages, <=, max_pages);
    }
  while (*cursor != '\0');
  return items;
}

static void
test_scan_last_cursor_empty (StoreFixture *f, gconstpointer data)
{
  /* An empty store, then 25 keys under "p:" and 7 elsewhere; page sizes that
   * end on, before and past the last key. */
  for (int keys_only = 0; keys_only <= 1; keys_only++)
    {
      g_assert_cmpuint (scan_until_empty_cursor (f->store, NULL, 10, keys_only, 1), ==, 0);
      g_assert_cmpuint (scan_until_empty_cursor (f->store, "p:", 10, keys_only, 1), ==, 0);
    }
  put_numbered (f->store, "p:", 25);
  put_numbered (f->store, "q:", 7);
  for (int keys_only = 0; keys_only <= 1; keys_only++)
    {
      const gint64 limits[] = { 1, 5, 7, 25, 32, 100, 0 };
      for (gsize i = 0; i < G_N_ELEMENTS (limits); i++)
        {
          g_assert_cmpuint (scan_until_empty_cursor (f->store, "p:", limits[i], keys_only, 26), ==,
                            25);
          g_assert_cmpuint (scan_until_empty_cursor (f->store, NULL, limits[i], keys_only, 33), ==,
                            32);
        }
    }
}

/* A cursor as kv-cursor.c encodes it, for any last key (even one the encoder never writes). */
static char *
forge_cursor (const char *prefix, const char *last)
{
  gsize plen = strlen (prefix), klen = strlen (last), len = 5 + plen + klen;
  g_autofree guint8 *buf = g_malloc (len + 4);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  buf[0] = 1;
  buf[1] = (guint8) (plen >> 24), buf[2] = (guint8) (plen >> 16);
  buf[3] = (guint8) (plen >> 8), buf[4] = (guint8) plen;
  memcpy (buf + 5, prefix, plen);
  memcpy (buf + 5 + plen, last, klen);
  g_checksum_update (sum, buf, (gssize) len);
  g_checksum_get_digest (sum, digest, &digest_len);
  memcpy (buf + len, digest, 4);
  return g_base64_encode (buf, len + 4);
}

/* D25: a forged cursor with an empty last key is InvalidCursor on every backend. */
static void
test_scan_forged_empty_last_key (StoreFixture *f, gconstpointer data)
{
  const char *prefixes[] = { "user:", "" };

  put_numbered (f->store, "user:", 5);
  for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
    for (int keys_only = 0; keys_only <= 1; keys_only++)
      {
        g_autofree char *good = forge_cursor (prefixes[i], "user:00001");
        g_autofree char *forged = forge_cursor (prefixes[i], "");
        const char *prefix = *prefixes[i] ? prefixes[i] : NULL;
        g_autoptr (GPtrArray) page = NULL;
        g_autoptr (GError) error = NULL;
        g_autofree char *next = NULL;
        gboolean done, ok;

        /* The forger is right: a cursor for a real key is accepted. */
        ok = kv_store_scan_keys (f->store, prefix, good, 10, &page, &next, &done, &error);
        g_assert_no_error (error);
        g_assert_true (ok);
        g_assert_cmpuint (page->len, ==, 3);
        g_clear_pointer (&page, g_ptr_array_unref);
        g_clear_pointer (&next, g_free);

        ok = keys_only
                 ? kv_store_scan_keys (f->store, prefix, forged, 10, &page, &next, &done, &error)
                 : kv_store_scan (f->store, prefix, forged, 10, &page, &next, &done, &error);
        g_assert_false (ok);
        g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_CURSOR);
      }
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Random UTF-8 keys (multi-byte characters sort after ASCII, bytewise),
 * random prefixes and random page sizes, 1 and past the end included: paging
 * returns exactly the matching keys, each once, in order, with their values,
 * every page as full as the limit allows, and done on the last page only. */
static void
test_scan_random_paging (StoreFixture *f, gconstpointer data)
{
  static const char *const pieces[] = { "a", "b", "A", "0", ":", "\xc3\xa9", "\xe2\x82\xac" };
  guint n = (guint) g_test_rand_int_range (0, 600);
  g_autoptr (GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GPtrArray) sorted = g_ptr_array_new (); /* borrowed from @values */
  g_autoptr (GError) error = NULL;
  GHashTableIter it;
  gpointer key, value;

  while (g_hash_table_size (values) < n)
    {
      g_autoptr (GString) k = g_string_new (NULL);
      guint len = (guint) g_test_rand_int_range (1, 7);
      for (guint i = 0; i < len; i++)
        g_string_append (k, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);
      if (!g_hash_table_contains (values, k->str))
        g_hash_table_insert (values, g_strdup (k->str),
                             g_strdup_printf ("%u", g_hash_table_size (values)));
    }
  g_hash_table_iter_init (&it, values);
  while (g_hash_table_iter_next (&it, &key, &value))
    g_ptr_array_add (sorted, key);
  if (n > 0)
    {
      g_autofree const char **keys = g_new (const char *, n);
      g_autofree const char **vals = g_new (const char *, n);
      g_autofree gsize *lens = g_new (gsize, n);
      for (guint i = 0; i < n; i++)
        {
          keys[i] = sorted->pdata[i];
          vals[i] = g_hash_table_lookup (values, keys[i]);
          lens[i] = strlen (vals[i]);
        }
      g_assert_true (kv_store_set_many (f->store, keys, vals, lens, n, NULL, &error));
      g_assert_no_error (error);
    }
  g_ptr_array_sort (sorted, compare_strings);

  for (guint round = 0; round < 40; round++)
    {
      g_autoptr (GString) prefix = g_string_new (NULL);
      g_autoptr (GPtrArray) expected = g_ptr_array_new ();
      g_autofree char *cursor = NULL;
      gint64 limits[] = { 1, 2, 7, g_test_rand_int_range (1, n + 2), n, n + 1, n + 50, 0 };
      gint64 limit = limits[g_test_rand_int_range (0, G_N_ELEMENTS (limits))];
      gboolean keys_only = g_test_rand_bit ();
      gboolean done = FALSE;
      guint pos = 0, pages = 0;

      /* Mostly short prefixes that match some keys, sometimes none, or "zz" (no key). */
      switch (g_test_rand_int_range (0, 4))
        {
        case 0:
          break;
        case 1:
          g_string_append (prefix, "zz");
          break;
        default:
          for (gint i = g_test_rand_int_range (1, 3); i > 0; i--)
            g_string_append (prefix, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);
        }
      for (guint i = 0; i < sorted->len; i++)
        if (g_str_has_prefix (sorted->pdata[i], prefix->str))
          g_ptr_array_add (expected, sorted->pdata[i]);

      while (!done)
        {
          g_autoptr (GPtrArray) page = NULL;
          char *next = NULL;
          guint remaining = expected->len - pos;
          gboolean ok = keys_only ? kv_store_scan_keys (f->store, prefix->str, cursor, limit, &page,
                                                        &next, &done, &error)
                                  : kv_store_scan (f->store, prefix->str, cursor, limit, &page,
                                                   &next, &done, &error);
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpuint (page->len, ==, limit > 0 ? MIN ((guint) limit, remaining) : remaining);
          for (guint i = 0; i < page->len; i++, pos++)
            {
              const char *got = keys_only ? page->pdata[i] : kv_entry_get_key (page->pdata[i]);
              g_assert_cmpstr (got, ==, expected->pdata[pos]);
              if (!keys_only)
                g_assert_cmpstr (g_bytes_get_data (kv_entry_get_value (page->pdata[i]), NULL), ==,
                                 g_hash_table_lookup (values, got));
            }
          /* Done exactly when no matching key follows: never one empty page too many. */
          g_assert_cmpint (done, ==, pos == expected->len);
          g_free (cursor);
          cursor = next;
          pages++;
          g_assert_cmpuint (pages, <=, expected->len + 1);
        }
      g_assert_cmpuint (pos, ==, expected->len);
    }
}

static void
test_scan_bad_cursors (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) page = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *tampered = NULL;
  char *next = NULL;
  gboolean done;
  g_autoptr (GError) error = NULL;
  /* The last three are well formed, for "user:", but forged: an empty last key
   * (D25) and last keys "aaa" and "zzz" outside the prefix. The encoder never
   * writes them, and the backends used to disagree on them: disk refused the
   * empty key and gave an empty page for "aaa", memory restarted the scan. */
  const char *garbage[] = { "not a cursor",
                            "AAAA",
                            "!!!!",
                            "dXNlcjo=",
                            "AQAAAAV1c2VyOtQ4BWs=",
                            "AQAAAAV1c2VyOmFhYU5Ct7k=",
                            "AQAAAAV1c2VyOnp6etAtLuQ=" };

  put_numbered (f->store, "user:", 20);
  g_assert_true (kv_store_scan (f->store, "user:", "", 5, &page, &cursor, &done, &error));
  g_clear_pointer (&page, g_ptr_array_unref);

  /* Another prefix. */
  g_assert_false (kv_store_scan (f->store, "other:", cursor, 5, &page, &next, &done, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_CURSOR);
  g_clear_error (&error);
  g_assert_false (kv_store_scan_keys (f->store, NULL, cursor, 5, &page, &next, &done, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_CURSOR);
  g_clear_error (&error);

  /* One character changed. */
  tampered = g_strdup (cursor);
  tampered[4] = tampered[4] == 'A' ? 'B' : 'A';
  g_assert_false (kv_store_scan (f->store, "user:", tampered, 5, &page, &next, &done, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_CURSOR);
  g_clear_error (&error);

  for (gsize i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_assert_false (
          kv_store_scan (f->store, "user:", garbage[i], 5, &page, &next, &done, &error));
      g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_CURSOR);
      g_clear_error (&error);
    }
  g_assert_false (
      kv_store_scan (f->store, NULL, NULL, KV_SCAN_LIMIT_MAX + 1, &page, &next, &done, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
}

static void
test_count (StoreFixture *f, gconstpointer data)
{
  guint64 n = 0;
  g_autoptr (GError) error = NULL;

  put_numbered (f->store, "a:", 12);
  put_numbered (f->store, "ab:", 5);
  put (f->store, "a");
  g_assert_true (kv_store_count (f->store, NULL, &n, &error));
  g_assert_cmpuint (n, ==, 18);
  g_assert_true (kv_store_count (f->store, "a", &n, &error));
  g_assert_cmpuint (n, ==, 18);
  g_assert_true (kv_store_count (f->store, "a:", &n, &error));
  g_assert_cmpuint (n, ==, 12);
  g_assert_true (kv_store_count (f->store, "ab:0000", &n, &error));
  g_assert_cmpuint (n, ==, 5);
  g_assert_true (kv_store_count (f->store, "zzz", &n, &error));
  g_assert_cmpuint (n, ==, 0);
}

static void
test_delete_by_prefix (StoreFixture *f, gconstpointer data)
{
  guint64 deleted = 0, n = 0;
  gboolean done = TRUE;
  g_autoptr (GError) error = NULL;

  put_numbered (f->store, "tmp:", 25);
  put_numbered (f->store, "keep:", 3);
  g_assert_true (kv_store_delete_by_prefix (f->store, "tmp:", 10, &deleted, &done, &error));
  g_assert_cmpuint (deleted, ==, 10);
  g_assert_false (done);
  g_assert_true (kv_store_delete_by_prefix (f->store, "tmp:", 15, &deleted, &done, &error));
  g_assert_cmpuint (deleted, ==, 15);
  g_assert_true (done);
  g_assert_true (kv_store_count (f->store, NULL, &n, &error));
  g_assert_cmpuint (n, ==, 3);

  g_assert_false (kv_store_delete_by_prefix (f->store, "", 10, &deleted, &done, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  g_assert_false (kv_store_delete_by_prefix (f->store, "keep:", 0, &deleted, &done, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  g_assert_false (kv_store_delete_by_prefix (f->store, "keep:", KV_DELETE_BY_PREFIX_LIMIT_MAX + 1,
                                             &deleted, &done, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_assert_true (kv_store_count (f->store, NULL, &n, NULL));
  g_assert_cmpuint (n, ==, 3);
}

/* Uniformity: 20 keys, 20 000 draws, Pearson's chi-square against the uniform
 * distribution. 19 degrees of freedom: 43.82 is the 0.999 quantile. The seed
 * is fixed so the test is repeatable; a biased picker fails for almost any seed. */
static void
test_random_key_uniform (StoreFixture *f, gconstpointer data)
{
  const int n_keys = 20, draws = 20000;
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  double chi2 = 0, expected = (double) draws / n_keys;
  char *key = NULL;

  put_numbered (f->store, "pool:", n_keys);
  put_numbered (f->store, "noise:", 50);
  g_random_set_seed (12345);
  for (int i = 0; i < draws; i++)
    {
      g_assert_true (kv_store_random_key (f->store, "pool:", &key, NULL));
      g_assert_true (g_str_has_prefix (key, "pool:"));
      g_hash_table_replace (
          counts, key, GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (counts, key)) + 1));
    }
  g_assert_cmpuint (g_hash_table_size (counts), ==, n_keys);
  {
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init (&it, counts);
    while (g_hash_table_iter_next (&it, &k, &v))
      chi2 += pow (GPOINTER_TO_INT (v) - expected, 2) / expected;
  }
  g_test_message ("chi-square over %d draws: %.2f (critical 43.82)", draws, chi2);
  g_assert_cmpfloat (chi2, <, 43.82);

  g_assert_true (kv_store_random_key (f->store, "missing:", &key, NULL));
  g_assert_null (key);
}

static void
test_random_keys (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  put_numbered (f->store, "u:", 30);
  put_numbered (f->store, "x:", 5);

  keys = kv_store_random_keys (f->store, "u:", 10, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 10);
  for (guint i = 0; i < keys->len; i++)
    {
      g_assert_true (g_str_has_prefix (keys->pdata[i], "u:"));
      g_assert_false (g_hash_table_contains (seen, keys->pdata[i]));
      g_hash_table_add (seen, keys->pdata[i]);
    }
  g_clear_pointer (&keys, g_ptr_array_unref);

  /* More than exist, unique: every matching key once. */
  keys = kv_store_random_keys (f->store, "x:", 100, TRUE, &error);
  g_assert_cmpuint (keys->len, ==, 5);
  g_clear_pointer (&keys, g_ptr_array_unref);

  /* Not unique: exactly count keys, repeats allowed. */
  keys = kv_store_random_keys (f->store, "x:", 100, FALSE, &error);
  g_assert_cmpuint (keys->len, ==, 100);
  g_clear_pointer (&keys, g_ptr_array_unref);

  keys = kv_store_random_keys (f->store, "none:", 3, FALSE, &error);
  g_assert_cmpuint (keys->len, ==, 0);
  g_clear_pointer (&keys, g_ptr_array_unref);

  g_assert_null (kv_store_random_keys (f->store, NULL, 0, TRUE, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
  g_clear_error (&error);
  g_assert_null (kv_store_random_keys (f->store, NULL, KV_RANDOM_KEYS_COUNT_MAX + 1, TRUE, &error));
  g_assert_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS);
}

static void
test_index_follows_mutations (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *stats = NULL;
  guint64 n = 0;
  gboolean b;
  const char *del[] = { "k00001", "k00002" };

  put_numbered (f->store, "k", 10);
  g_assert_true (kv_store_delete (f->store, "k00000", NULL));
  g_assert_true (kv_store_delete_many (f->store, del, 2, NULL, NULL, NULL, NULL));
  g_assert_true (kv_store_delete_if_exists (f->store, "k00003", &b, NULL));
  g_assert_true (
      kv_store_compare_and_delete (f->store, "k00004", "\"k00004\"", 8, &b, NULL, NULL, NULL));
  g_assert_true (b);
  g_assert_true (
      kv_store_increment_by (f->store, "k00010", 1, NULL, NULL)); /* new key via update */
  put (f->store, "k00005"); /* overwrite keeps one index entry */
  g_assert_true (kv_store_count (f->store, "k", &n, NULL));
  g_assert_cmpuint (n, ==, 6);
  g_assert_true (kv_store_rebuild_key_list (f->store, &error));
  g_assert_no_error (error);
  g_assert_true (kv_store_count (f->store, "k0000", &n, NULL));
  g_assert_cmpuint (n, ==, 5);

  stats = kv_store_dup_stats_json (f->store, &error);
  if (kv_options_get_track_keys (kv_store_get_options (f->store)))
    g_assert_nonnull (strstr (stats, "\"index\":{\"consistent\":true,\"enabled\":true,\"ost\":6}"));
  else
    g_assert_nonnull (strstr (stats, "\"index\":null"));
  g_assert_true (kv_store_clear (f->store, NULL));
  g_assert_true (kv_store_count (f->store, "k", &n, NULL));
  g_assert_cmpuint (n, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  STORE_TEST_ADD ("list-order", test_list_bytewise_order);
  STORE_TEST_ADD ("list-limits", test_list_limits);
  STORE_TEST_ADD ("scan-pages", test_scan_pages);
  STORE_TEST_ADD ("scan-page-boundary", test_scan_exact_page_boundary);
  STORE_TEST_ADD ("scan-random-paging", test_scan_random_paging);
  STORE_TEST_ADD ("scan-bad-cursors", test_scan_bad_cursors);
  STORE_TEST_ADD ("scan-last-cursor-empty", test_scan_last_cursor_empty);
  STORE_TEST_ADD ("scan-forged-empty-last-key", test_scan_forged_empty_last_key);
  STORE_TEST_ADD ("count", test_count);
  STORE_TEST_ADD ("delete-by-prefix", test_delete_by_prefix);
  STORE_TEST_ADD ("random-key-uniform", test_random_key_uniform);
  STORE_TEST_ADD ("random-keys", test_random_keys);
  STORE_TEST_ADD ("index-follows-mutations", test_index_follows_mutations);
  return g_test_run ();
}
