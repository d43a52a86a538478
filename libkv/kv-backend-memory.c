/* kv-backend-memory.c — the memory backend: GHashTable shards, each behind its own lock.
 *
 * With trackKeys every shard also keeps its keys in a KvKeyIndex (a GSequence),
 * so ordered scans merge sorted runs and prefix counts and random picks cost
 * O(shards · log n) instead of a walk over every key. Without it a scan page
 * walks every key and keeps only the page's worth in a KvKeyHeap.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kv-backend-private.h"
#include "kv-claim-private.h"
#include "kv-key-heap-private.h"
#include "kv-key-index-private.h"

typedef struct
{
  GBytes *value;
  GSequenceIter *pos;   /* in the shard's index, when tracking */
  KvClaimRecord *claim; /* the key's claim record, if any (live or expired) */
} MemEntry;

/* Padded to a cache line so that two busy shards never share one. */
typedef struct
{
  GRWLock lock;
  GHashTable *table;  /* char *key (owned) -> MemEntry * (owned) */
  KvKeyIndex *index;  /* borrows the table's keys; NULL without trackKeys */
  char padding[64 - sizeof (GRWLock) - sizeof (GHashTable *) - sizeof (KvKeyIndex *)];
} MemShard;

G_STATIC_ASSERT (sizeof (MemShard) == 64);

typedef struct
{
  KvBackend parent;
  guint n_shards;
  gboolean track_keys;
  MemShard *shards;
  guint64 claim_tokens; /* atomic: the last claim token handed out */
} MemBackend;

static void
mem_entry_free (MemEntry *entry)
{
  g_bytes_unref (entry->value);
  _kv_claim_record_free (entry->claim);
  g_free (entry);
}

/* FNV-1a, then a multiplicative mix: GHashTable hashes keys with g_str_hash
 * inside a shard, so the shard choice must not correlate with it. */
static inline guint
shard_index (const MemBackend *self, const char *key)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const unsigned char *p = (const unsigned char *) key; *p; p++)
    {
      h ^= *p;
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  h ^= h >> 32;
  return (guint) (h % self->n_shards);
}

static inline MemShard *
shard_for (MemBackend *self, const char *key)
{
  return &self->shards[shard_index (self, key)];
}

/* Every shard, in index order: one consistent view for multi-shard reads;
 * the fixed order means two such readers and clear() never deadlock. */
static void
lock_all_read (MemBackend *self)
{
  for (guint i = 0; i < self->n_shards; i++)
    g_rw_lock_reader_lock (&self->shards[i].lock);
}

static void
unlock_all_read (MemBackend *self)
{
  for (guint i = self->n_shards; i-- > 0;)
    g_rw_lock_reader_unlock (&self->shards[i].lock);
}

/* lock_all_read() for callers that may be nonblocking (see shard_lock()):
 * every shard or, with @error set, none. */
static gboolean
lock_all_read_or_fail (MemBackend *self, GError **error)
{
  if (!_kv_thread_nonblocking ())
    {
      lock_all_read (self);
      return TRUE;
    }
  for (guint i = 0; i < self->n_shards; i++)
    if (!g_rw_lock_reader_trylock (&self->shards[i].lock))
      {
        while (i-- > 0)
          g_rw_lock_reader_unlock (&self->shards[i].lock);
        _kv_set_would_block (error);
        return FALSE;
      }
  return TRUE;
}

/* Locks one shard; on a nonblocking thread (kv_set_thread_nonblocking())
 * only if nobody holds it, else G_IO_ERROR_WOULD_BLOCK. */
static gboolean
shard_lock (MemShard *shard, gboolean write, GError **error)
{
  if (!_kv_thread_nonblocking ())
    {
      if (write)
        g_rw_lock_writer_lock (&shard->lock);
      else
        g_rw_lock_reader_lock (&shard->lock);
      return TRUE;
    }
  if (write ? g_rw_lock_writer_trylock (&shard->lock) : g_rw_lock_reader_trylock (&shard->lock))
    return TRUE;
  _kv_set_would_block (error);
  return FALSE;
}

static gint
compare_uint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return (x > y) - (x < y);
}

/* Write-locks every shard @keys fall in, in ascending order (the order all
 * multi-shard lockers use), each once; @order (n + 1 slots) receives the
 * locked shard indexes. Returns how many were locked, or -1 with @error set
 * (and nothing held) when a nonblocking thread would have waited. */
static gssize
lock_shards_of (MemBackend *self, const char *const *keys, gsize n, guint *order, GError **error)
{
  gsize n_locked = 0;

  for (gsize i = 0; i < n; i++)
    order[i] = shard_index (self, keys[i]);
  qsort (order, n, sizeof *order, compare_uint);
  for (gsize i = 0; i < n; i++)
    if (i == 0 || order[i] != order[n_locked - 1])
      {
        if (!shard_lock (&self->shards[order[i]], TRUE, error))
          {
            for (gsize j = n_locked; j-- > 0;)
              g_rw_lock_writer_unlock (&self->shards[order[j]].lock);
            return -1;
          }
        order[n_locked++] = order[i];
      }
  return (gssize) n_locked;
}

static void
unlock_shards (MemBackend *self, const guint *order, gsize n_locked)
{
  for (gsize i = n_locked; i-- > 0;)
    g_rw_lock_writer_unlock (&self->shards[order[i]].lock);
}

/* ---- Single-shard primitives, called with the shard write-locked --------------------------- */

/* Stores @value (reference taken over) at @key, adding the key to the index if new. */
static void
shard_put_locked (MemShard *shard, const char *key, GBytes *value)
{
  MemEntry *entry = g_hash_table_lookup (shard->table, key);
  char *owned_key;

  if (entry)
    {
      g_bytes_unref (entry->value);
      entry->value = value;
      return;
    }
  entry = g_new0 (MemEntry, 1);
  entry->value = value;
  owned_key = g_strdup (key);
  if (shard->index)
    entry->pos = _kv_key_index_insert (shard->index, owned_key);
  g_hash_table_insert (shard->table, owned_key, entry);
}

static gboolean
shard_remove_locked (MemShard *shard, const char *key)
{
  MemEntry *entry = g_hash_table_lookup (shard->table, key);

  if (entry == NULL)
    return FALSE;
  /* Out of the index first: it borrows the key the table is about to free. */
  if (entry->pos)
    _kv_key_index_remove (entry->pos);
  g_hash_table_remove (shard->table, key);
  return TRUE;
}

/* ---- Plain operations ---------------------------------------------------------------------- */

static void
mem_free (KvBackend *backend)
{
  MemBackend *self = (MemBackend *) backend;

  for (guint i = 0; i < self->n_shards; i++)
    {
      _kv_key_index_free (self->shards[i].index);
      g_hash_table_unref (self->shards[i].table);
      g_rw_lock_clear (&self->shards[i].lock);
    }
  g_free (self->shards);
  g_free (self);
}

static GBytes *
mem_get (KvBackend *backend, const char *key, GError **error)
{
  MemShard *shard = shard_for ((MemBackend *) backend, key);
  MemEntry *entry;
  GBytes *value = NULL;

  if (!shard_lock (shard, FALSE, error))
    return NULL;
  entry = g_hash_table_lookup (shard->table, key);
  if (entry)
    value = g_bytes_ref (entry->value);
  g_rw_lock_reader_unlock (&shard->lock);
  return value;
}

static gboolean
mem_get_many (KvBackend *backend, const char *const *keys, gsize n, GBytes **values,
              GError **error)
{
  for (gsize i = 0; i < n; i++)
    {
      GError *local = NULL;
      values[i] = keys[i] ? mem_get (backend, keys[i], &local) : NULL;
      if (local)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
mem_put (KvBackend *backend, const char *key, GBytes *value, GError **error)
{
  MemShard *shard = shard_for ((MemBackend *) backend, key);

  if (!shard_lock (shard, TRUE, error))
    return FALSE;
  shard_put_locked (shard, key, g_bytes_ref (value));
  g_rw_lock_writer_unlock (&shard->lock);
  return TRUE;
}

static gboolean
mem_put_many (KvBackend *backend, const char *const *keys, GBytes *const *values, gsize n,
              GError **error)
{
  MemBackend *self = (MemBackend *) backend;
  g_autofree guint *order = NULL;
  gssize n_locked;

  /* No cross-key atomicity is promised on this backend (as in xk6-kv), and
   * validation already happened for the whole batch, so each put succeeds;
   * a nonblocking caller locks every shard first so that it either writes
   * all or, when it would wait, nothing. */
  if (!_kv_thread_nonblocking ())
    {
      for (gsize i = 0; i < n; i++)
        mem_put (backend, keys[i], values[i], NULL);
      return TRUE;
    }
  order = g_new (guint, n + 1);
  if ((n_locked = lock_shards_of (self, keys, n, order, error)) < 0)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    shard_put_locked (shard_for (self, keys[i]), keys[i], g_bytes_ref (values[i]));
  unlock_shards (self, order, (gsize) n_locked);
  return TRUE;
}

static gboolean
mem_remove (KvBackend *backend, const char *key, gboolean *out_existed, GError **error)
{
  MemShard *shard = shard_for ((MemBackend *) backend, key);
  gboolean existed;

  if (!shard_lock (shard, TRUE, error))
    return FALSE;
  existed = shard_remove_locked (shard, key);
  g_rw_lock_writer_unlock (&shard->lock);
  if (out_existed)
    *out_existed = existed;
  return TRUE;
}

static gboolean
mem_remove_many (KvBackend *backend, const char *const *keys, gsize n, guint64 *out_deleted,
                 GError **error)
{
  MemBackend *self = (MemBackend *) backend;
  g_autofree guint *order = NULL;
  guint64 deleted = 0;
  gssize n_locked;

  if (!_kv_thread_nonblocking ())
    {
      for (gsize i = 0; i < n; i++)
        {
          gboolean existed = FALSE;
          mem_remove (backend, keys[i], &existed, NULL);
          deleted += existed;
        }
      *out_deleted = deleted;
      return TRUE;
    }
  /* As in mem_put_many: all shards first, so a nonblocking caller deletes all or nothing. */
  order = g_new (guint, n + 1);
  if ((n_locked = lock_shards_of (self, keys, n, order, error)) < 0)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    deleted += shard_remove_locked (shard_for (self, keys[i]), keys[i]);
  unlock_shards (self, order, (gsize) n_locked);
  *out_deleted = deleted;
  return TRUE;
}

/* Applies a finished update to its (write-locked) shard. */
static void
apply_update_locked (MemShard *shard, KvUpdate *u)
{
  MemEntry *entry;

  if (u->action == KV_UPDATE_PUT)
    shard_put_locked (shard, u->key, g_steal_pointer (&u->replacement));
  else if (u->action == KV_UPDATE_DELETE)
    shard_remove_locked (shard, u->key);
  /* A claim record lives on its key's entry: no key, no claim. */
  entry = g_hash_table_lookup (shard->table, u->key);
  if (u->set_claim && entry)
    {
      _kv_claim_record_free (entry->claim);
      entry->claim = g_steal_pointer (&u->new_claim);
    }
}

static void
prepare_update_locked (MemShard *shard, KvBackend *backend, const char *key, gsize index,
                       KvUpdate *u)
{
  MemEntry *entry = g_hash_table_lookup (shard->table, key);

  *u = (KvUpdate){ .key = key, .index = index, .backend = backend, .action = KV_UPDATE_KEEP };
  u->current = entry ? entry->value : NULL;
  u->claim = entry ? entry->claim : NULL;
}

static void
update_clear (KvUpdate *u)
{
  g_clear_pointer (&u->replacement, g_bytes_unref);
  g_clear_pointer (&u->new_claim, _kv_claim_record_free);
}

static gboolean
mem_update (KvBackend *backend, const char *key, KvUpdateFunc func, gpointer user_data,
            GError **error)
{
  MemShard *shard = shard_for ((MemBackend *) backend, key);
  KvUpdate u;
  gboolean ok;

  if (!shard_lock (shard, TRUE, error))
    return FALSE;
  prepare_update_locked (shard, backend, key, 0, &u);
  ok = func (&u, user_data, error);
  if (ok)
    apply_update_locked (shard, &u);
  g_rw_lock_writer_unlock (&shard->lock);
  update_clear (&u);
  return ok;
}

static gboolean
mem_update_many (KvBackend *backend, const char *const *keys, gsize n, KvUpdateFunc func,
                 gboolean (*decide) (gpointer user_data), gpointer user_data, GError **error)
{
  MemBackend *self = (MemBackend *) backend;
  g_autofree guint *order = g_new (guint, n + 1);
  g_autofree KvUpdate *updates = NULL;
  gssize n_locked;
  gboolean ok = TRUE;

  if ((n_locked = lock_shards_of (self, keys, n, order, error)) < 0)
    return FALSE;
  updates = g_new0 (KvUpdate, n + 1);

  for (gsize i = 0; i < n && ok; i++)
    {
      MemShard *shard = shard_for (self, keys[i]);
      prepare_update_locked (shard, backend, keys[i], i, &updates[i]);
      ok = func (&updates[i], user_data, error);
    }
  if (ok && (decide == NULL || decide (user_data)))
    for (gsize i = 0; i < n; i++)
      apply_update_locked (shard_for (self, keys[i]), &updates[i]);

  unlock_shards (self, order, (gsize) n_locked);
  for (gsize i = 0; i < n; i++)
    update_clear (&updates[i]);
  return ok;
}

static gboolean
mem_list_claims (KvBackend *backend, const char *prefix, GPtrArray *out, GError **error)
{
  MemBackend *self = (MemBackend *) backend;
  gsize prefix_len = prefix ? strlen (prefix) : 0;

  for (guint i = 0; i < self->n_shards; i++)
    {
      GHashTableIter it;
      gpointer key, value;

      g_rw_lock_reader_lock (&self->shards[i].lock);
      g_hash_table_iter_init (&it, self->shards[i].table);
      while (g_hash_table_iter_next (&it, &key, &value))
        if (((MemEntry *) value)->claim && (prefix_len == 0 || strncmp (key, prefix, prefix_len) == 0))
          g_ptr_array_add (out, _kv_claim_new (key, ((MemEntry *) value)->claim, NULL));
      g_rw_lock_reader_unlock (&self->shards[i].lock);
    }
  return TRUE;
}

static guint64
mem_next_claim_token (KvBackend *backend)
{
  MemBackend *self = (MemBackend *) backend;
  /* g_atomic_pointer_add works on gsize, which is 64 bits on every target we build for. */
  G_STATIC_ASSERT (sizeof (gsize) == sizeof (guint64));
  return (guint64) g_atomic_pointer_add ((gsize *) &self->claim_tokens, 1) + 1;
}

static gboolean
mem_claim_scan (KvBackend *backend, const char *prefix, gint64 now_ms, GPtrArray *claimable,
                KvClaimCounts *out, GError **error)
{
  MemBackend *self = (MemBackend *) backend;
  gsize prefix_len = prefix ? strlen (prefix) : 0;
  KvClaimCounts counts = { 0 };

  for (guint i = 0; i < self->n_shards; i++)
    {
      MemShard *shard = &self->shards[i];
      GHashTableIter it;
      gpointer key, value;

      g_rw_lock_reader_lock (&shard->lock);
      g_hash_table_iter_init (&it, shard->table);
      while (g_hash_table_iter_next (&it, &key, &value))
        {
          MemEntry *entry = value;
          gboolean live;
          if (prefix_len && strncmp (key, prefix, prefix_len) != 0)
            continue;
          counts.total++;
          live = entry->claim && entry->claim->expires_at_ms > now_ms;
          if (live)
            counts.live++;
          else if (entry->claim)
            counts.expired++;
          if (!live && claimable)
            g_ptr_array_add (claimable, g_strdup (key));
        }
      g_rw_lock_reader_unlock (&shard->lock);
    }
  *out = counts;
  return TRUE;
}

static gboolean
mem_clear (KvBackend *backend, GError **error)
{
  MemBackend *self = (MemBackend *) backend;

  /* All shards at once, in index order, so that clear() is one instant for
   * every other caller and cannot deadlock with a multi-shard reader. */
  for (guint i = 0; i < self->n_shards; i++)
    g_rw_lock_writer_lock (&self->shards[i].lock);
  for (guint i = 0; i < self->n_shards; i++)
    {
      if (self->shards[i].index)
        _kv_key_index_clear (self->shards[i].index);
      g_hash_table_remove_all (self->shards[i].table);
    }
  for (guint i = self->n_shards; i-- > 0;)
    g_rw_lock_writer_unlock (&self->shards[i].lock);
  return TRUE;
}

static gboolean
mem_count (KvBackend *backend, guint64 *out_count, GError **error)
{
  MemBackend *self = (MemBackend *) backend;
  guint64 total = 0;

  for (guint i = 0; i < self->n_shards; i++)
    {
      if (!shard_lock (&self->shards[i], FALSE, error))
        return FALSE;
      total += g_hash_table_size (self->shards[i].table);
      g_rw_lock_reader_unlock (&self->shards[i].lock);
    }
  *out_count = total;
  return TRUE;
}

/* ---- Ordered reads ------------------------------------------------------------------------- */

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
      g_ptr_array_add (out, kv_entry_new (key, entry->value));
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
                KvEntry *entry = kv_entry_new (key, ((MemEntry *) value)->value);
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

static gboolean
mem_scan (KvBackend *backend, const char *prefix, const char *after, guint64 limit,
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

static gboolean
mem_count_prefix (KvBackend *backend, const char *prefix, guint64 *out_count, GError **error)
{
  MemBackend *self = (MemBackend *) backend;
  gsize prefix_len = prefix ? strlen (prefix) : 0;
  guint64 total = 0;

  if (prefix_len == 0)
    return mem_count (backend, out_count, error);
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
static gboolean
mem_random_keys (KvBackend *backend, const char *prefix, guint64 count, gboolean unique,
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
          g_ptr_array_add (out_keys, g_strdup (_kv_key_index_get (
                                       self->shards[lo].index,
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
        g_ptr_array_add (out_keys,
                         g_strdup (matching->pdata[g_array_index (ranks, guint64, r)]));
    }
  unlock_all_read (self);
  return TRUE;
}

static gboolean
mem_rebuild_index (KvBackend *backend, GError **error)
{
  MemBackend *self = (MemBackend *) backend;

  if (!self->track_keys)
    return TRUE;
  for (guint i = 0; i < self->n_shards; i++)
    {
      MemShard *shard = &self->shards[i];
      GHashTableIter it;
      gpointer key, value;

      g_rw_lock_writer_lock (&shard->lock);
      _kv_key_index_clear (shard->index);
      g_hash_table_iter_init (&it, shard->table);
      while (g_hash_table_iter_next (&it, &key, &value))
        ((MemEntry *) value)->pos = _kv_key_index_insert (shard->index, key);
      g_rw_lock_writer_unlock (&shard->lock);
    }
  return TRUE;
}

static void
mem_add_index_stats (KvBackend *backend, JsonBuilder *b)
{
  MemBackend *self = (MemBackend *) backend;
  guint64 indexed = 0, keys = 0;

  json_builder_set_member_name (b, "index");
  if (!self->track_keys)
    {
      json_builder_add_null_value (b);
      return;
    }
  for (guint i = 0; i < self->n_shards; i++)
    {
      g_rw_lock_reader_lock (&self->shards[i].lock);
      indexed += (guint64) _kv_key_index_length (self->shards[i].index);
      keys += g_hash_table_size (self->shards[i].table);
      g_rw_lock_reader_unlock (&self->shards[i].lock);
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, TRUE);
  /* The memory backend's one index structure is the ordered set (the seed's "ost"). */
  json_builder_set_member_name (b, "ost");
  json_builder_add_int_value (b, (gint64) indexed);
  json_builder_set_member_name (b, "consistent");
  json_builder_add_boolean_value (b, indexed == keys);
  json_builder_end_object (b);
}

static void
mem_add_stats (KvBackend *backend, JsonBuilder *b)
{
  MemBackend *self = (MemBackend *) backend;

  json_builder_set_member_name (b, "disk");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "memory");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "shardCount");
  json_builder_add_int_value (b, self->n_shards);
  json_builder_end_object (b);
}

static gboolean
mem_dump (KvBackend *backend, gboolean consistent, KvDumpFunc each, gpointer data,
          GError **error)
{
  MemBackend *self = (MemBackend *) backend;
  gboolean go_on = TRUE;

  /* Consistent: every shard read-locked for the whole dump, so writers wait
   * (the seed's "mutation gate"). Otherwise one shard at a time. */
  if (consistent)
    lock_all_read (self);
  for (guint i = 0; i < self->n_shards && go_on; i++)
    {
      GHashTableIter it;
      gpointer key, value;
      if (!consistent)
        g_rw_lock_reader_lock (&self->shards[i].lock);
      g_hash_table_iter_init (&it, self->shards[i].table);
      while (go_on && g_hash_table_iter_next (&it, &key, &value))
        {
          gsize len;
          const void *bytes = g_bytes_get_data (((MemEntry *) value)->value, &len);
          go_on = each (key, strlen (key), bytes, len, data);
        }
      if (!consistent)
        g_rw_lock_reader_unlock (&self->shards[i].lock);
    }
  if (consistent)
    unlock_all_read (self);
  return TRUE;
}

static gboolean
mem_replace_all (KvBackend *backend, KvEntrySource *source, GError **error)
{
  MemBackend *self = (MemBackend *) backend;
  const char *key;
  GBytes *value;
  GError *local = NULL;

  /* Everything write-locked: other callers see the old data or the new, never a mix. */
  for (guint i = 0; i < self->n_shards; i++)
    g_rw_lock_writer_lock (&self->shards[i].lock);
  for (guint i = 0; i < self->n_shards; i++)
    {
      if (self->shards[i].index)
        _kv_key_index_clear (self->shards[i].index);
      g_hash_table_remove_all (self->shards[i].table);
    }
  source->rewind (source->self);
  while (source->next (source->self, &key, &value, &local))
    shard_put_locked (shard_for (self, key), key, value);
  for (guint i = self->n_shards; i-- > 0;)
    g_rw_lock_writer_unlock (&self->shards[i].lock);
  /* The source was checked completely before; a failure now is an I/O error. */
  if (local)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

static gboolean
mem_is_file (KvBackend *backend, const char *path)
{
  return FALSE;
}

static const KvBackendVTable memory_vtable = {
  .name = "memory",
  .free = mem_free,
  .get = mem_get,
  .get_many = mem_get_many,
  .put = mem_put,
  .put_many = mem_put_many,
  .remove = mem_remove,
  .remove_many = mem_remove_many,
  .update = mem_update,
  .update_many = mem_update_many,
  .clear = mem_clear,
  .count = mem_count,
  .scan = mem_scan,
  .count_prefix = mem_count_prefix,
  .random_keys = mem_random_keys,
  .rebuild_index = mem_rebuild_index,
  .next_claim_token = mem_next_claim_token,
  .claim_scan = mem_claim_scan,
  .list_claims = mem_list_claims,
  .dump = mem_dump,
  .replace_all = mem_replace_all,
  .is_file = mem_is_file,
  .add_index_stats = mem_add_index_stats,
  .add_stats = mem_add_stats,
};

KvBackend *
_kv_backend_memory_new (const KvOptions *options, GError **error)
{
  MemBackend *self = g_new0 (MemBackend, 1);

  self->parent.vtable = &memory_vtable;
  self->n_shards = kv_options_get_shard_count (options);
  self->track_keys = kv_options_get_track_keys (options);
  self->shards = g_new0 (MemShard, self->n_shards);
  for (guint i = 0; i < self->n_shards; i++)
    {
      g_rw_lock_init (&self->shards[i].lock);
      self->shards[i].table =
        g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) mem_entry_free);
      if (self->track_keys)
        self->shards[i].index = _kv_key_index_new (NULL);
    }
  return &self->parent;
}
