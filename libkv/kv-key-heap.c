/* kv-key-heap.c — the k smallest keys of a stream, for paging without an index.
 *
 * An untracked memory store has no order to seek in, so a scan page has to
 * look at every matching key after the cursor. Sorting them all costs
 * O(n log n) and memory for n keys per page; a page needs only the smallest
 * limit + 1 of them (the extra one says whether more follow). A bounded
 * max-heap keeps exactly those in O(n log k): its root is the largest key kept,
 * so once the heap is full almost every further key is turned away by one
 * comparison with the root, before the caller copies anything.
 *
 * It lives in its own file so that tests can check it against a full sort
 * directly. GLib has no binary heap; GTree or GSequence would work but cost a
 * node allocation per key kept and a tree walk per key offered, where this is
 * a flat GArray.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-key-heap-private.h"

struct _KvKeyHeap
{
  GArray *items;  /* KvKeyHeapItem; a max-heap by key when capacity > 0, else unordered */
  gsize capacity; /* 0: keep everything */
  GDestroyNotify key_free;
  GDestroyNotify data_free;
};

#define ITEM(heap, i) (&g_array_index ((heap)->items, KvKeyHeapItem, (i)))

KvKeyHeap *
_kv_key_heap_new (gsize capacity, GDestroyNotify key_free, GDestroyNotify data_free)
{
  KvKeyHeap *heap = g_new0 (KvKeyHeap, 1);

  /* Reserve a page's worth up front, not the whole capacity: a large limit
   * over a small store would otherwise allocate for keys that do not exist. */
  heap->items = g_array_sized_new (FALSE, FALSE, sizeof (KvKeyHeapItem),
                                   (guint) MIN (capacity ? capacity : 64, 1024));
  heap->capacity = capacity;
  heap->key_free = key_free;
  heap->data_free = data_free;
  return heap;
}

static void
item_clear (KvKeyHeap *heap, KvKeyHeapItem *item)
{
  if (heap->key_free && item->key)
    heap->key_free (item->key);
  if (heap->data_free && item->data)
    heap->data_free (item->data);
  item->key = NULL;
  item->data = NULL;
}

void
_kv_key_heap_free (KvKeyHeap *heap)
{
  if (heap == NULL)
    return;
  for (guint i = 0; i < heap->items->len; i++)
    item_clear (heap, ITEM (heap, i));
  g_array_unref (heap->items);
  g_free (heap);
}

gboolean
_kv_key_heap_would_keep (const KvKeyHeap *heap, const char *key)
{
  return heap->capacity == 0 || heap->items->len < heap->capacity ||
         strcmp (key, ITEM (heap, 0)->key) < 0;
}

static inline void
swap_items (KvKeyHeapItem *a, KvKeyHeapItem *b)
{
  KvKeyHeapItem t = *a;
  *a = *b;
  *b = t;
}

static void
sift_up (KvKeyHeap *heap, gsize i)
{
  while (i > 0)
    {
      gsize parent = (i - 1) / 2;
      if (strcmp (ITEM (heap, parent)->key, ITEM (heap, i)->key) >= 0)
        break;
      swap_items (ITEM (heap, parent), ITEM (heap, i));
      i = parent;
    }
}

static void
sift_down (KvKeyHeap *heap, gsize i)
{
  gsize n = heap->items->len;

  for (;;)
    {
      gsize largest = i, left = 2 * i + 1, right = left + 1;
      if (left < n && strcmp (ITEM (heap, left)->key, ITEM (heap, largest)->key) > 0)
        largest = left;
      if (right < n && strcmp (ITEM (heap, right)->key, ITEM (heap, largest)->key) > 0)
        largest = right;
      if (largest == i)
        break;
      swap_items (ITEM (heap, largest), ITEM (heap, i));
      i = largest;
    }
}

void
_kv_key_heap_insert (KvKeyHeap *heap, char *key, gpointer data)
{
  KvKeyHeapItem item = { key, data };

  g_return_if_fail (_kv_key_heap_would_keep (heap, key));
  if (heap->capacity == 0)
    g_array_append_val (heap->items, item); /* sorted once at the end */
  else if (heap->items->len < heap->capacity)
    {
      g_array_append_val (heap->items, item);
      sift_up (heap, heap->items->len - 1);
    }
  else
    {
      /* Full: the new key replaces the largest one kept. */
      item_clear (heap, ITEM (heap, 0));
      *ITEM (heap, 0) = item;
      sift_down (heap, 0);
    }
}

gsize
_kv_key_heap_length (const KvKeyHeap *heap)
{
  return heap->items->len;
}

static gint
compare_items (gconstpointer a, gconstpointer b)
{
  return strcmp (((const KvKeyHeapItem *) a)->key, ((const KvKeyHeapItem *) b)->key);
}

GArray *
_kv_key_heap_steal_sorted (KvKeyHeap *heap)
{
  GArray *sorted = g_steal_pointer (&heap->items);

  heap->items = g_array_new (FALSE, FALSE, sizeof (KvKeyHeapItem));
  /* At most capacity items: O(k log k), whatever the number of keys offered. */
  g_array_sort (sorted, compare_items);
  return sorted;
}
