/* kv-backend-memory-ordered.c — the memory backend's ordered reads: scan pages, prefix
 * counts and uniform random picks, over the shards of kv-backend-memory-private.h.
 *
 * With trackKeys a scan merges the shards' sorted indexes; without, a page
 * walks every key and keeps only the page's worth in a KvKeyHeap.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-backend-memory-private.h"
#include "kv-key-heap-private.h"
#include "kv-random-private.h"
#include "kv-value-private.h"

static inline gboolean
has_prefix (const char *key, const char *prefix, gsize prefix_len)
{
  return prefix_len == 0 || strncmp (key, prefix, prefix_len) == 0;
}

static void
emit (GPtrArray *out, MemShard *shard, const char *key, gboolean keys_only)
{
  if (keys_only)
    g_ptr_array_add (out, g_strdup (key));
  else
    {
      MemEntry *entry = g_hash_table_lookup (shard->table, key);
      g_ptr_array_add (out, _kv_entry_new (key, entry->value));
    }
}

/* Without an index: walk every shard, keeping the smallest limit + 1 matching
 * keys after @after in a bounded heap (the extra one only tells *out_more),
 * then sort just those: O(n log limit) per page instead of sorting all n.
 *
 * One shard is read-locked at a time, and what the page needs past that
 * shard's lock is copied into the heap: the key, and for entries a KvEntry
 * holding a copy of the key and a reference to the value (values are
 * immutable GBytes, so the reference is the value as it was). Writers to the
 * other shards go on meanwhile, so a page is not a point-in-time snapshot
 * across shards: it may hold a key that was deleted after its shard was
 * visited next to one added to a later shard afterwards, and of an
 * update_many() that moved a value from one key to another in another shard
 * it may see both keys or neither.
 *
 * That is all a scan promises (see kv_store_scan() in libkv(3); the memory
 * backend has no cross-key snapshot anyway): every key returned existed, with
 * that value, when its shard was visited; a key lives in exactly one shard and
 * each shard is visited once, so no key appears twice in a page; and a
 * matching key present during the whole call is seen, so it is either in the
 * page or after all of it, and never skipped. Pages are ordered by key and the
 * next one starts strictly after this one's last key, so across pages too a
 * key present throughout is returned exactly once. */
static void
scan_untracked (MemBackend *self, const char *prefix, gsize prefix_len, const char *after,
                guint64 limit, gboolean keys_only, GPtrArray *out, gboolean *out_more)
{
  /* limit 0 (or one too large to bound anything) keeps every key: a full sort. */
  gsize capacity = limit == 0 || limit >= G_MAXSIZE ? 0 : (gsize) limit + 1;
  /* Keys only: the heap owns a copy of each key. Entries: it owns a KvEntry
   * (the key copied, the value referenced) and borrows the entry's key. */
  g_autoptr (KvKeyHeap) heap =
      keys_only ? _kv_key_heap_new (capacity, g_free, NULL)
                : _kv_key_heap_new (capacity, NULL, (GDestroyNotify) kv_entry_free);
  g_autoptr (GArray) kept = NULL;
  guint n_out;

  for (guint i = 0; i < self->n_shards; i++)
    {
      MemShard *shard = &self->shards[i];
      GHashTableIter it;
      gpointer key, value;

      g_rw_lock_reader_lock (&shard->lock);
      g_hash_table_iter_init (&it, shard->table);
      while (g_hash_table_iter_next (&it, &key, &value))
        if (has_prefix (key, prefix, prefix_len) && (after == NULL || strcmp (key, after) > 0) &&
            _kv_key_heap_would_keep (heap, key))
          {
            if (keys_only)
              _kv_key_heap_insert (heap, g_strdup (key), NULL);
            else
              {
                KvEntry *entry = _kv_entry_new (key, ((MemEntry *) value)->value);
                _kv_key_heap_insert (heap, (char *) kv_entry_get_key (entry), entry);
              }
          }
      g_rw_lock_reader_unlock (&shard->lock);
    }

  kept = _kv_key_heap_steal_sorted (heap);
  *out_more = limit > 0 && kept->len > limit;
  n_out = *out_more ? (guint) limit : kept->len;
  for (guint i = 0; i < kept->len; i++)
    {
      KvKeyHeapItem *item = &g_array_index (kept, KvKeyHeapItem, i);
      if (i < n_out)
        g_ptr_array_add (out, keys_only ? item->key : item->data);
      else if (keys_only) /* the one past the page, kept only for *out_more */
        g_free (item->key);
      else
        kv_entry_free (item->data);
    }
}

/* With indexes: a k-way merge of each shard's sorted run, starting after @after. */
static void
scan_tracked (MemBackend *self, const char *prefix, gsize prefix_len, const char *after,
              guint64 limit, gboolean keys_only, GPtrArray *out, gboolean *out_more)
{
  g_autofree gint *next = g_new (gint, self->n_shards);
  g_autofree gint *end = g_new (gint, self->n_shards);
  guint64 emitted = 0;

  lock_all_read (self);
  for (guint i = 0; i < self->n_shards; i++)
    {
      KvKeyIndex *index = self->shards[i].index;
      gint begin;
      _kv_key_index_prefix_range (index, prefix, &begin, &end[i]);
      next[i] = begin;
      if (after)
        next[i] = MAX (next[i], _kv_key_index_upper_bound (index, after));
    }
  *out_more = FALSE;
  for (;;)
    {
      gint best = -1;
      const char *best_key = NULL;
      /* Linear in shards per key; shard counts are small next to page sizes. */
      for (guint i = 0; i < self->n_shards; i++)
        if (next[i] < end[i])
          {
            const char *k = _kv_key_index_get (self->shards[i].index, next[i]);
            if (best_key == NULL || strcmp (k, best_key) < 0)
              best = (gint) i, best_key = k;
          }
      if (best < 0)
        break;
      if (limit > 0 && emitted == limit)
        {
          *out_more = TRUE;
          break;
        }
      emit (out, &self->shards[best], best_key, keys_only);
      next[best]++;
      emitted++;
    }
  unlock_all_read (self);
}

gboolean
_kv_mem_scan (KvBackend *backend, const char *prefix, const char *after, guint64 limit,
              gboolean keys_only, GPtrArray *out, gboolean *out_more, GError **error)
{
  MemBackend *self = (MemBackend *) backend;
  gsize prefix_len = prefix ? strlen (prefix) : 0;

  if (self->track_keys)
    scan_tracked (self, prefix, prefix_len, after, limit, keys_only, out, out_more);
  else
    scan_untracked (self, prefix, prefix_len, after, limit, keys_only, out, out_more);
  return TRUE;
}

gboolean
_kv_mem_count_prefix (KvBackend *backend, const char *prefix, guint64 *out_count, GError **error)
{
  MemBackend *self = (MemBackend *) backend;
  gsize prefix_len = prefix ? strlen (prefix) : 0;
  guint64 total = 0;

  if (prefix_len == 0)
    return _kv_mem_count (backend, out_count, error);
  for (guint i = 0; i < self->n_shards; i++)
    {
      MemShard *shard = &self->shards[i];
      g_rw_lock_reader_lock (&shard->lock);
      if (shard->index)
        {
          gint begin, end;
          _kv_key_index_prefix_range (shard->index, prefix, &begin, &end);
          total += (guint64) (end - begin);
        }
      else
        {
          GHashTableIter it;
          gpointer key;
          g_hash_table_iter_init (&it, shard->table);
          while (g_hash_table_iter_next (&it, &key, NULL))
            total += has_prefix (key, prefix, prefix_len);
        }
      g_rw_lock_reader_unlock (&shard->lock);
    }
  *out_count = total;
  return TRUE;
}

/* Random keys by rank over the matching keys of all shards, under one
 * consistent read lock: the choice is uniform over the keys that existed at
 * that instant. */
gboolean
_kv_mem_random_keys (KvBackend *backend, const char *prefix, guint64 count, gboolean unique,
                     GPtrArray *out_keys, GError **error)
{
  MemBackend *self = (MemBackend *) backend;
  gsize prefix_len = prefix ? strlen (prefix) : 0;
  g_autoptr (GArray) ranks = NULL;

  if (!lock_all_read_or_fail (self, error))
    return FALSE;
  if (self->track_keys)
    {
      /* first[i]: rank of shard i's first matching key among all matching keys. */
      g_autofree guint64 *first = g_new (guint64, self->n_shards + 1);
      g_autofree gint *begin = g_new (gint, self->n_shards);
      first[0] = 0;
      for (guint i = 0; i < self->n_shards; i++)
        {
          gint end;
          _kv_key_index_prefix_range (self->shards[i].index, prefix, &begin[i], &end);
          first[i + 1] = first[i] + (guint64) (end - begin[i]);
        }
      ranks = _kv_random_ranks (first[self->n_shards], count, unique);
      for (guint r = 0; r < ranks->len; r++)
        {
          guint64 rank = g_array_index (ranks, guint64, r);
          guint lo = 0, hi = self->n_shards; /* binary search: first[lo] <= rank < first[lo+1] */
          while (hi - lo > 1)
            {
              guint mid = (lo + hi) / 2;
              if (first[mid] <= rank)
                lo = mid;
              else
                hi = mid;
            }
          g_ptr_array_add (out_keys,
                           g_strdup (_kv_key_index_get (self->shards[lo].index,
                                                        begin[lo] + (gint) (rank - first[lo]))));
        }
    }
  else
    {
      g_autoptr (GPtrArray) matching = g_ptr_array_new (); /* borrowed while locked */
      for (guint i = 0; i < self->n_shards; i++)
        {
          GHashTableIter it;
          gpointer key;
          g_hash_table_iter_init (&it, self->shards[i].table);
          while (g_hash_table_iter_next (&it, &key, NULL))
            if (has_prefix (key, prefix, prefix_len))
              g_ptr_array_add (matching, key);
        }
      ranks = _kv_random_ranks (matching->len, count, unique);
      for (guint r = 0; r < ranks->len; r++)
        g_ptr_array_add (out_keys, g_strdup (matching->pdata[g_array_index (ranks, guint64, r)]));
    }
  unlock_all_read (self);
  return TRUE;
}
