/* kv-backend-memory.c — the memory backend: GHashTable shards, each behind its own lock.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-backend-private.h"

/* Padded to a cache line so that two busy shards never share one. */
typedef struct
{
  GRWLock lock;
  GHashTable *table; /* char *key (owned) -> GBytes *value (owned) */
  char padding[64 - sizeof (GRWLock) - sizeof (GHashTable *)];
} MemShard;

G_STATIC_ASSERT (sizeof (MemShard) == 64);

typedef struct
{
  KvBackend parent;
  guint n_shards;
  MemShard *shards;
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

static void
mem_free (KvBackend *backend)
{
  MemBackend *self = (MemBackend *) backend;

  for (guint i = 0; i < self->n_shards; i++)
    {
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
  GBytes *value;

  g_rw_lock_reader_lock (&shard->lock);
  value = g_hash_table_lookup (shard->table, key);
  if (value)
    g_bytes_ref (value);
  g_rw_lock_reader_unlock (&shard->lock);
  return value;
}

static gboolean
mem_get_many (KvBackend *backend, const char *const *keys, gsize n, GBytes **values,
              GError **error)
{
  for (gsize i = 0; i < n; i++)
    values[i] = keys[i] ? mem_get (backend, keys[i], NULL) : NULL;
  return TRUE;
}

static gboolean
mem_put (KvBackend *backend, const char *key, GBytes *value, GError **error)
{
  MemShard *shard = shard_for ((MemBackend *) backend, key);
  char *owned_key = g_strdup (key); /* allocate outside the lock */

  g_rw_lock_writer_lock (&shard->lock);
  g_hash_table_replace (shard->table, owned_key, g_bytes_ref (value));
  g_rw_lock_writer_unlock (&shard->lock);
  return TRUE;
}

static gboolean
mem_put_many (KvBackend *backend, const char *const *keys, GBytes *const *values, gsize n,
              GError **error)
{
  /* No cross-key atomicity on this backend (as in xk6-kv): validation already
   * happened for the whole batch, so each put succeeds. */
  for (gsize i = 0; i < n; i++)
    mem_put (backend, keys[i], values[i], NULL);
  return TRUE;
}

static gboolean
mem_remove (KvBackend *backend, const char *key, gboolean *out_existed, GError **error)
{
  MemShard *shard = shard_for ((MemBackend *) backend, key);
  gboolean existed;

  g_rw_lock_writer_lock (&shard->lock);
  existed = g_hash_table_remove (shard->table, key);
  g_rw_lock_writer_unlock (&shard->lock);
  if (out_existed)
    *out_existed = existed;
  return TRUE;
}

static gboolean
mem_remove_many (KvBackend *backend, const char *const *keys, gsize n, guint64 *out_deleted,
                 GError **error)
{
  guint64 deleted = 0;

  for (gsize i = 0; i < n; i++)
    {
      gboolean existed = FALSE;
      mem_remove (backend, keys[i], &existed, NULL);
      deleted += existed;
    }
  *out_deleted = deleted;
  return TRUE;
}

static gboolean
mem_update (KvBackend *backend, const char *key, KvUpdateFunc func, gpointer user_data,
            GError **error)
{
  MemShard *shard = shard_for ((MemBackend *) backend, key);
  GBytes *replacement = NULL;
  KvUpdateAction action;
  gboolean ok = TRUE;

  g_rw_lock_writer_lock (&shard->lock);
  action = func (g_hash_table_lookup (shard->table, key), &replacement, user_data, error);
  switch (action)
    {
    case KV_UPDATE_PUT:
      g_hash_table_replace (shard->table, g_strdup (key), replacement);
      break;
    case KV_UPDATE_DELETE:
      g_hash_table_remove (shard->table, key);
      break;
    case KV_UPDATE_KEEP:
    default:
      ok = error == NULL || *error == NULL;
      break;
    }
  g_rw_lock_writer_unlock (&shard->lock);
  return ok;
}

static gboolean
mem_clear (KvBackend *backend, GError **error)
{
  MemBackend *self = (MemBackend *) backend;

  /* All shards at once, always in index order, so that clear() is one
   * instant for every other caller and two clears cannot deadlock. */
  for (guint i = 0; i < self->n_shards; i++)
    g_rw_lock_writer_lock (&self->shards[i].lock);
  for (guint i = 0; i < self->n_shards; i++)
    g_hash_table_remove_all (self->shards[i].table);
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
      g_rw_lock_reader_lock (&self->shards[i].lock);
      total += g_hash_table_size (self->shards[i].table);
      g_rw_lock_reader_unlock (&self->shards[i].lock);
    }
  *out_count = total;
  return TRUE;
}

static void
mem_add_stats (KvBackend *backend, JsonBuilder *b)
{
  MemBackend *self = (MemBackend *) backend;

  json_builder_set_member_name (b, "memory");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "shardCount");
  json_builder_add_int_value (b, self->n_shards);
  json_builder_end_object (b);
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
  .clear = mem_clear,
  .count = mem_count,
  .add_stats = mem_add_stats,
};

KvBackend *
_kv_backend_memory_new (const KvOptions *options, GError **error)
{
  MemBackend *self = g_new0 (MemBackend, 1);

  self->parent.vtable = &memory_vtable;
  self->n_shards = kv_options_get_shard_count (options);
  self->shards = g_new0 (MemShard, self->n_shards);
  for (guint i = 0; i < self->n_shards; i++)
    {
      g_rw_lock_init (&self->shards[i].lock);
      self->shards[i].table =
        g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
    }
  return &self->parent;
}
