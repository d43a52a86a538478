/* test-key-heap.c — the bounded key heap behind untracked memory scans, against a full sort.
 *
 * The heap is private to libkv, so this program compiles libkv/kv-key-heap.c itself. */
#include "config.h"

#include <string.h>

#include "libkv/kv-key-heap-private.h"

/* Every item's data is a copy of its key, freed through here so that the test
 * can count what the heap dropped. */
static guint data_freed;

static void
count_free (gpointer data)
{
  data_freed++;
  g_free (data);
}

/* Bytewise order, written out so that the reference does not share strcmp with the heap. */
static gint
bytewise_cmp (gconstpointer a, gconstpointer b)
{
  const guchar *x = *(const guchar *const *) a, *y = *(const guchar *const *) b;

  while (*x && *x == *y)
    x++, y++;
  return (*x > *y) - (*x < *y);
}

/* @n distinct random keys, in random order: short strings over an alphabet
 * with bytes above 0x7f (so a signed comparison would misorder them), the
 * empty key, and keys that are prefixes of each other. */
static GPtrArray *
random_keys (guint n)
{
  static const char alphabet[] = "aAb0:\x7f\xc3\xa9\xff";
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  while (keys->len < n)
    {
      guint len = (guint) g_test_rand_int_range (0, 7);
      char *key = g_malloc (len + 1);
      for (guint i = 0; i < len; i++)
        key[i] = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
      key[len] = '\0';
      /* Not g_hash_table_add() alone: on a duplicate it stores the new key in
       * place of the old one. */
      if (g_hash_table_contains (seen, key))
        g_free (key);
      else
        {
          g_hash_table_add (seen, key);
          g_ptr_array_add (keys, key);
        }
    }
  g_hash_table_unref (seen);
  return keys;
}

/* Offers @keys in order to a heap of @capacity, checking after each offer
 * that the heap holds exactly the @capacity smallest keys offered so far, then
 * that it hands them back sorted with their data. */
static void
check_against_sort (GPtrArray *keys, gsize capacity)
{
  g_autoptr (KvKeyHeap) heap = _kv_key_heap_new (capacity, g_free, count_free);
  g_autoptr (GPtrArray) offered = g_ptr_array_new (); /* borrowed from @keys, kept sorted */
  g_autoptr (GArray) kept = NULL;
  guint inserted = 0, freed_before = data_freed;
  gsize want;

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = keys->pdata[i];
      gsize len = _kv_key_heap_length (heap);
      gboolean keep = _kv_key_heap_would_keep (heap, key);
      gboolean expected;

      /* Kept iff among the capacity smallest of those offered so far. */
      expected =
          capacity == 0 || len < capacity || bytewise_cmp (&key, &offered->pdata[capacity - 1]) < 0;
      g_assert_cmpint (keep, ==, expected);
      g_ptr_array_add (offered, (gpointer) key);
      g_ptr_array_sort (offered, bytewise_cmp);
      if (keep)
        {
          _kv_key_heap_insert (heap, g_strdup (key), g_strdup (key));
          inserted++;
        }
      want = capacity ? MIN (offered->len, capacity) : offered->len;
      g_assert_cmpuint (_kv_key_heap_length (heap), ==, want);
      /* What was dropped was freed, once each, right away. */
      g_assert_cmpuint (data_freed - freed_before, ==, inserted - want);
    }

  kept = _kv_key_heap_steal_sorted (heap);
  want = capacity ? MIN (keys->len, capacity) : keys->len;
  g_assert_cmpuint (kept->len, ==, want);
  g_assert_cmpuint (_kv_key_heap_length (heap), ==, 0);
  for (guint i = 0; i < kept->len; i++)
    {
      KvKeyHeapItem *item = &g_array_index (kept, KvKeyHeapItem, i);
      g_assert_cmpstr (item->key, ==, offered->pdata[i]);
      g_assert_cmpstr (item->data, ==, item->key); /* data travels with its key */
      if (i > 0)
        g_assert_cmpint (bytewise_cmp (&g_array_index (kept, KvKeyHeapItem, i - 1).key, &item->key),
                         <, 0);
    }
  for (guint i = 0; i < kept->len; i++)
    {
      g_free (g_array_index (kept, KvKeyHeapItem, i).key);
      g_free (g_array_index (kept, KvKeyHeapItem, i).data);
    }
  g_assert_cmpuint (data_freed - freed_before, ==, inserted - want);
}

static void
test_random_against_sort (void)
{
  guint rounds = g_test_slow () ? 3000 : 400;

  for (guint round = 0; round < rounds; round++)
    {
      guint n = (guint) g_test_rand_int_range (0, 120);
      g_autoptr (GPtrArray) keys = random_keys (n);
      gsize capacities[] = { 0, 1, 2, (gsize) g_test_rand_int_range (1, n + 2), n, n + 1, n + 100 };

      for (gsize c = 0; c < G_N_ELEMENTS (capacities); c++)
        check_against_sort (keys, capacities[c]); /* 0 (n may be 0 too): keep everything */
    }
}

/* Ascending and descending input: the best and worst case for a max-heap. */
static void
test_sorted_inputs (void)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < 500; i++)
    g_ptr_array_add (keys, g_strdup_printf ("k%05u", i));
  check_against_sort (keys, 10);
  check_against_sort (keys, 1);
  check_against_sort (keys, 0);
  for (guint i = 0; i < keys->len / 2; i++)
    {
      gpointer t = keys->pdata[i];
      keys->pdata[i] = keys->pdata[keys->len - 1 - i];
      keys->pdata[keys->len - 1 - i] = t;
    }
  check_against_sort (keys, 10);
  check_against_sort (keys, 1);
  check_against_sort (keys, 0);
}

/* Freeing a heap that still holds items frees their keys and data; a heap is
 * reusable after steal_sorted(); NULL data is fine with a data_free. */
static void
test_free_and_reuse (void)
{
  KvKeyHeap *heap = _kv_key_heap_new (3, g_free, count_free);
  GArray *kept;
  guint freed_before = data_freed;

  _kv_key_heap_insert (heap, g_strdup ("b"), g_strdup ("b"));
  _kv_key_heap_insert (heap, g_strdup ("a"), NULL);
  kept = _kv_key_heap_steal_sorted (heap);
  g_assert_cmpuint (kept->len, ==, 2);
  g_assert_cmpstr (g_array_index (kept, KvKeyHeapItem, 0).key, ==, "a");
  g_assert_null (g_array_index (kept, KvKeyHeapItem, 0).data);
  for (guint i = 0; i < kept->len; i++)
    {
      g_free (g_array_index (kept, KvKeyHeapItem, i).key);
      g_free (g_array_index (kept, KvKeyHeapItem, i).data);
    }
  g_array_unref (kept);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *key = g_strdup_printf ("%u", 9 - i); /* 9, 8, ...: each one kept */
      g_assert_true (_kv_key_heap_would_keep (heap, key));
      _kv_key_heap_insert (heap, g_strdup (key), g_strdup (key));
    }
  g_assert_false (_kv_key_heap_would_keep (heap, "7")); /* kept: 5 6 7; distinct keys only */
  g_assert_cmpuint (data_freed - freed_before, ==, 2);
  _kv_key_heap_free (heap);
  g_assert_cmpuint (data_freed - freed_before, ==, 5);
  _kv_key_heap_free (NULL);
}

/* Without a key_free, a key may live inside its data (as a KvEntry's does):
 * dropping the item frees the data only, once. */
static void
test_borrowed_keys (void)
{
  g_autoptr (KvKeyHeap) heap = _kv_key_heap_new (2, NULL, count_free);
  g_autoptr (GArray) kept = NULL;
  const char *keys[] = { "c", "a", "d", "b", "e" };
  guint freed_before = data_freed;

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if (_kv_key_heap_would_keep (heap, keys[i]))
      {
        char *data = g_strdup (keys[i]);
        _kv_key_heap_insert (heap, data, data);
      }
  g_assert_cmpuint (data_freed - freed_before, ==, 1); /* "c", pushed out by "b" */
  kept = _kv_key_heap_steal_sorted (heap);
  g_assert_cmpuint (kept->len, ==, 2);
  g_assert_cmpstr (g_array_index (kept, KvKeyHeapItem, 0).key, ==, "a");
  g_assert_cmpstr (g_array_index (kept, KvKeyHeapItem, 1).key, ==, "b");
  for (guint i = 0; i < kept->len; i++)
    g_free (g_array_index (kept, KvKeyHeapItem, i).data);
  /* Reused, then freed while holding a borrowed-key item. */
  {
    char *data = g_strdup ("x");
    _kv_key_heap_insert (heap, data, data);
  }
  g_clear_pointer (&heap, _kv_key_heap_free);
  g_assert_cmpuint (data_freed - freed_before, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kv/key-heap/random-against-sort", test_random_against_sort);
  g_test_add_func ("/kv/key-heap/sorted-inputs", test_sorted_inputs);
  g_test_add_func ("/kv/key-heap/free-and-reuse", test_free_and_reuse);
  g_test_add_func ("/kv/key-heap/borrowed-keys", test_borrowed_keys);
  return g_test_run ();
}
