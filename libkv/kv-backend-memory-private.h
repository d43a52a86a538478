/* kv-backend-memory-private.h — the memory backend's shards, shared by its two files.
 *
 * kv-backend-memory.c holds the key operations, claims and stats;
 * kv-backend-memory-ordered.c the ordered reads (scan, prefix counts, random
 * picks). Both lock shards through the helpers below, so the lock order
 * (ascending shard index) and the nonblocking rule live in one place.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kv-backend-private.h"
#include "kv-key-index-private.h"

G_BEGIN_DECLS

/* One key: the table's key is key[], so a lookup that finds the entry
 * compares the key on the entry's own memory (one allocation, one cache
 * miss less than a separate key string). */
typedef struct
{
  GBytes *value;
  GSequenceIter *pos;   /* in the shard's index, when tracking */
  KvClaimRecord *claim; /* the key's claim record, if any (live or expired) */
  char key[];           /* NUL-terminated */
} MemEntry;

/* Padded to a cache line so that two busy shards never share one. */
typedef struct
{
  /* Lock order: the KvStore handle's lock (kv-store.c, read-held for every
   * call) is outside all of these; the shard locks are the innermost locks of
   * the backend. A thread that holds more than one shard took them in
   * ascending shard index, each once (lock_shards_of(), lock_all_read(),
   * clear, replace_all), so it never waits for a lower shard while holding a
   * higher one; the walks over all shards (count, stats, claims, rebuild, a
   * non-consistent dump) hold one shard at a time. Callbacks that run with
   * shards held (KvUpdateFunc, the dump's KvDumpFunc) take no lock of the
   * backend: they see only what they are handed, and claim tokens come from
   * the atomic claim_tokens. A nonblocking thread only ever tries a lock
   * (shard_lock(), lock_all_read_or_fail()) and gives back what it holds on
   * the first failure, so it never waits at all. */
  GRWLock lock;
  GHashTable *table; /* MemEntry.key (borrowed) -> MemEntry * (owned) */
  KvKeyIndex *index; /* borrows the table's keys; NULL without trackKeys */
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
static inline void
lock_all_read (MemBackend *self)
{
  for (guint i = 0; i < self->n_shards; i++)
    g_rw_lock_reader_lock (&self->shards[i].lock);
}

static inline void
unlock_all_read (MemBackend *self)
{
  for (guint i = self->n_shards; i-- > 0;)
    g_rw_lock_reader_unlock (&self->shards[i].lock);
}

/* lock_all_read() for callers that may be nonblocking (see shard_lock()):
 * every shard or, with @error set, none. */
static inline gboolean
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
static inline gboolean
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

/* kv-backend-memory.c: the number of keys (the vtable's count). */
gboolean _kv_mem_count (KvBackend *backend, guint64 *out_count, GError **error);

/* kv-backend-memory-ordered.c: the vtable's ordered reads. */
gboolean _kv_mem_scan (KvBackend *backend, const char *prefix, const char *after, guint64 limit,
                       gboolean keys_only, GPtrArray *out, gboolean *out_more, GError **error);
gboolean _kv_mem_count_prefix (KvBackend *backend, const char *prefix, guint64 *out_count,
                               GError **error);
gboolean _kv_mem_random_keys (KvBackend *backend, const char *prefix, guint64 count,
                              gboolean unique, GPtrArray *out_keys, GError **error);

G_END_DECLS
