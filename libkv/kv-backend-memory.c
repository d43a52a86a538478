/* kv-backend-memory.c — the memory backend: GHashTable shards, each behind its own lock.
 *
 * This file holds the key operations, updates, claims, dumps and stats; the
 * ordered reads are in kv-backend-memory-ordered.c. With trackKeys every
 * shard also keeps its keys in a KvKeyIndex (a GSequence), so ordered scans
 * merge sorted runs and prefix counts and random picks cost O(shards · log n)
 * instead of a walk over every key.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kv-backend-memory-private.h"
#include "kv-claim-private.h"

static void
mem_entry_free (MemEntry *entry)
{
  g_bytes_unref (entry->value);
  _kv_claim_record_free (entry->claim);
  g_free (entry);
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

/* Stores @value (reference taken over) at @key, whose entry is @entry (NULL:
 * the key is new; it is added to the table and the index). Returns the entry. */
static MemEntry *
shard_put_entry_locked (MemShard *shard, MemEntry *entry, const char *key, GBytes *value)
{
  gsize len;

  if (entry)
    {
      g_bytes_unref (entry->value);
      entry->value = value;
      return entry;
    }
  len = strlen (key);
  entry = g_malloc0 (sizeof (MemEntry) + len + 1);
  memcpy (entry->key, key, len + 1);
  entry->value = value;
  if (shard->index)
    entry->pos = _kv_key_index_insert (shard->index, entry->key);
  g_hash_table_insert (shard->table, entry->key, entry);
  return entry;
}

/* Stores @value (reference taken over) at @key, adding the key to the index if new. */
static void
shard_put_locked (MemShard *shard, const char *key, GBytes *value)
{
  shard_put_entry_locked (shard, g_hash_table_lookup (shard->table, key), key, value);
}

/* Removes @entry (the entry of @key, or NULL when the key is missing). */
static gboolean
shard_remove_entry_locked (MemShard *shard, MemEntry *entry)
{
  if (entry == NULL)
    return FALSE;
  /* Out of the index first: it borrows the key the table is about to free. */
  if (entry->pos)
    _kv_key_index_remove (entry->pos);
  /* The entry's own key: the table frees the entry, and so the key, last. */
  g_hash_table_remove (shard->table, entry->key);
  return TRUE;
}

static gboolean
shard_remove_locked (MemShard *shard, const char *key)
{
  return shard_remove_entry_locked (shard, g_hash_table_lookup (shard->table, key));
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
mem_get_many (KvBackend *backend, const char *const *keys, gsize n, GBytes **values, GError **error)
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

/* Applies a finished update to its (write-locked) shard; @entry is what
 * prepare_update_locked() found: the shard stayed locked in between, so it
 * is still the key's entry (or NULL), and the key is looked up only once. */
static void
apply_update_locked (MemShard *shard, MemEntry *entry, KvUpdate *u)
{
  if (u->action == KV_UPDATE_PUT)
    entry = shard_put_entry_locked (shard, entry, u->key, g_steal_pointer (&u->replacement));
  else if (u->action == KV_UPDATE_DELETE && shard_remove_entry_locked (shard, entry))
    entry = NULL;
  /* A claim record lives on its key's entry: no key, no claim. */
  if (u->set_claim && entry)
    {
      _kv_claim_record_free (entry->claim);
      entry->claim = g_steal_pointer (&u->new_claim);
    }
}

/* Returns the key's entry (NULL when missing), for apply_update_locked(). */
static MemEntry *
prepare_update_locked (MemShard *shard, KvBackend *backend, const char *key, gsize index,
                       KvUpdate *u)
{
  MemEntry *entry = g_hash_table_lookup (shard->table, key);

  *u = (KvUpdate){ .key = key, .index = index, .backend = backend, .action = KV_UPDATE_KEEP };
  u->current = entry ? entry->value : NULL;
  u->claim = entry ? entry->claim : NULL;
  return entry;
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
  MemEntry *entry;
  gboolean ok;

  if (!shard_lock (shard, TRUE, error))
    return FALSE;
  entry = prepare_update_locked (shard, backend, key, 0, &u);
  ok = func (&u, user_data, error);
  if (ok)
    apply_update_locked (shard, entry, &u);
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
  /* Each key is looked up again: an earlier update of the batch may have
   * added or removed it (a batch may name a key twice). */
  if (ok && (decide == NULL || decide (user_data)))
    for (gsize i = 0; i < n; i++)
      {
        MemShard *shard = shard_for (self, keys[i]);
        apply_update_locked (shard, g_hash_table_lookup (shard->table, keys[i]), &updates[i]);
      }

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
        if (((MemEntry *) value)->claim &&
            (prefix_len == 0 || strncmp (key, prefix, prefix_len) == 0))
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

gboolean
_kv_mem_count (KvBackend *backend, guint64 *out_count, GError **error)
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
mem_dump (KvBackend *backend, gboolean consistent, KvDumpFunc each, gpointer data, GError **error)
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

static const char *
mem_data_file (KvBackend *backend)
{
  return NULL;
}

static gboolean
mem_scan_seeks (KvBackend *backend)
{
  return ((MemBackend *) backend)->track_keys; /* the ordered index */
}

static const KvBackendVTable memory_vtable = {
  .name = "memory",
  .point_in_time_reads = FALSE, /* a consistent dump pauses the writers */
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
  .count = _kv_mem_count,
  .scan = _kv_mem_scan,
  .count_prefix = _kv_mem_count_prefix,
  .random_keys = _kv_mem_random_keys,
  .rebuild_index = mem_rebuild_index,
  .next_claim_token = mem_next_claim_token,
  .claim_scan = mem_claim_scan,
  .list_claims = mem_list_claims,
  .dump = mem_dump,
  .replace_all = mem_replace_all,
  .is_file = mem_is_file,
  .data_file = mem_data_file,
  .scan_seeks = mem_scan_seeks,
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
          g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) mem_entry_free);
      if (self->track_keys)
        self->shards[i].index = _kv_key_index_new (NULL);
    }
  return &self->parent;
}
