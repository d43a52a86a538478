/* kv-backend-private.h — the one interface every storage backend implements.
 *
 * The store layer validates keys, encodes values, checks the handle and the
 * read-only flag, and builds every atomic operation out of update(); a backend
 * only stores bytes and guarantees that update() runs its callback atomically
 * with respect to every other operation on that key.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kv.h"

G_BEGIN_DECLS

typedef struct _KvBackend KvBackend;

typedef enum
{
  KV_UPDATE_KEEP,   /* leave the key as it is */
  KV_UPDATE_PUT,    /* store *replacement (the callback hands over one reference) */
  KV_UPDATE_DELETE, /* remove the key */
} KvUpdateAction;

/* Runs with the key locked. @current is borrowed (NULL when the key is
 * missing). Must not block or call back into the store. Returning with @error
 * set aborts the update; nothing changes. */
typedef KvUpdateAction (*KvUpdateFunc) (GBytes *current, GBytes **replacement, gpointer user_data,
                                        GError **error);

typedef struct
{
  const char *name;
  void (*free) (KvBackend *self);

  /* NULL without an error when the key is missing. */
  GBytes *(*get) (KvBackend *self, const char *key, GError **error);
  /* Fills values[i] (NULL for missing keys or NULL keys). */
  gboolean (*get_many) (KvBackend *self, const char *const *keys, gsize n, GBytes **values,
                        GError **error);
  gboolean (*put) (KvBackend *self, const char *key, GBytes *value, GError **error);
  gboolean (*put_many) (KvBackend *self, const char *const *keys, GBytes *const *values, gsize n,
                        GError **error);
  gboolean (*remove) (KvBackend *self, const char *key, gboolean *out_existed, GError **error);
  gboolean (*remove_many) (KvBackend *self, const char *const *keys, gsize n,
                           guint64 *out_deleted, GError **error);
  gboolean (*update) (KvBackend *self, const char *key, KvUpdateFunc func, gpointer user_data,
                      GError **error);
  gboolean (*clear) (KvBackend *self, GError **error);
  gboolean (*count) (KvBackend *self, guint64 *out_count, GError **error);
  /* Matching keys strictly after @after (NULL: from the start) in bytewise
   * order, at most @limit (0: all); @out receives char * keys when @keys_only,
   * else KvEntry *. *out_more tells whether a matching key follows. */
  gboolean (*scan) (KvBackend *self, const char *prefix, const char *after, guint64 limit,
                    gboolean keys_only, GPtrArray *out, gboolean *out_more, GError **error);
  gboolean (*count_prefix) (KvBackend *self, const char *prefix, guint64 *out_count,
                            GError **error);
  /* @count keys (char *) chosen uniformly among those with @prefix; see kv_store_random_keys(). */
  gboolean (*random_keys) (KvBackend *self, const char *prefix, guint64 count, gboolean unique,
                           GPtrArray *out_keys, GError **error);
  gboolean (*rebuild_index) (KvBackend *self, GError **error);
  /* Adds the stats() "index" member (null when keys are not tracked). */
  void (*add_index_stats) (KvBackend *self, JsonBuilder *builder);
  /* Adds backend-specific members to the stats object being built. */
  void (*add_stats) (KvBackend *self, JsonBuilder *builder);
} KvBackendVTable;

struct _KvBackend
{
  const KvBackendVTable *vtable;
};

/* A uniformly random integer in [0, n), n > 0; thread-safe. */
guint64 _kv_random_below (guint64 n);

/* Picks @count values from [0, n) for random_keys(): distinct when @unique
 * (all n, shuffled, when count >= n), with repetition otherwise. */
GArray *_kv_random_ranks (guint64 n, guint64 count, gboolean unique);

KvBackend *_kv_backend_memory_new (const KvOptions *options, GError **error);

G_END_DECLS
