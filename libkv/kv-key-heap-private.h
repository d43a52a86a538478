/* kv-key-heap-private.h — the k smallest keys of a stream, for paging without an index.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _KvKeyHeap KvKeyHeap;

/* One kept key and what the caller attached to it, owned by the heap (as its
 * free functions say) until stolen. */
typedef struct
{
  char *key;
  gpointer data;
} KvKeyHeapItem;

/* A heap that keeps the @capacity smallest keys (bytewise, as strcmp) offered
 * to it; 0 keeps every key. @key_free and @data_free (nullable) free an item's
 * key and data when the heap drops the item or is freed with it; a NULL
 * @key_free lets a key point into its own data (say, a KvEntry's key).
 * Not thread-safe. */
KvKeyHeap *_kv_key_heap_new (gsize capacity, GDestroyNotify key_free, GDestroyNotify data_free);
void _kv_key_heap_free (KvKeyHeap *heap);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvKeyHeap, _kv_key_heap_free)

/* Whether _kv_key_heap_insert() would keep @key: the heap has room, or @key
 * sorts before the largest key kept. Cheap (one comparison), so callers test
 * before copying anything. Keys must be distinct. */
gboolean _kv_key_heap_would_keep (const KvKeyHeap *heap, const char *key);
/* Keeps @key and @data (taken over as the free functions say), dropping the
 * largest key when full.
 * Only call it when _kv_key_heap_would_keep() said TRUE for @key. */
void _kv_key_heap_insert (KvKeyHeap *heap, char *key, gpointer data);
gsize _kv_key_heap_length (const KvKeyHeap *heap);
/* Every kept item (KvKeyHeapItem) in ascending key order; the caller owns the
 * array and its keys and data. The heap is empty afterwards. */
GArray *_kv_key_heap_steal_sorted (KvKeyHeap *heap);

G_END_DECLS
