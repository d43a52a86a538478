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

#include <json-glib/json-glib.h>

#include "kv.h"
#include "kv-claim-record-private.h"

G_BEGIN_DECLS

typedef struct _KvBackend KvBackend;

typedef enum
{
  KV_UPDATE_KEEP,   /* leave the value as it is */
  KV_UPDATE_PUT,    /* store the replacement (the claim record stays unless replaced) */
  KV_UPDATE_DELETE, /* remove the key, and its claim record with it */
} KvUpdateAction;

/* One atomic read-modify-write of a key: its value and its claim record. */
typedef struct
{
  const char *key;            /* in: the key being updated */
  gsize index;                /* in: its position in an update_many() call (0 otherwise) */
  GBytes *current;            /* in, borrowed: NULL when the key is missing */
  const KvClaimRecord *claim; /* in, borrowed: NULL when the key has no claim record */
  KvBackend *backend;         /* in: for next_claim_token() */
  KvUpdateAction action;      /* out: KEEP unless the callback says otherwise */
  GBytes *replacement;        /* out, owned: the value to store with PUT */
  gboolean set_claim;         /* out: replace the claim record with new_claim (NULL drops it) */
  KvClaimRecord *new_claim;   /* out, owned */
} KvUpdate;

/* Runs with the key locked; must not block or call back into the store.
 * Returning FALSE (with @error set) aborts: nothing changes.
 * A callback may run more than once for one call: the disk backend re-runs a
 * write batch from the start when it has to grow the map or its commit fails.
 * Only the last run counts, so a callback first resets whatever it reports
 * through @user_data. */
typedef gboolean (*KvUpdateFunc) (KvUpdate *update, gpointer user_data, GError **error);

/* Counts behind allocationStats() and stats().claims. */
typedef struct
{
  guint64 total;
  guint64 live;
  guint64 expired;
} KvClaimCounts;

/* One entry for dump(): borrowed, valid during the call. */
typedef gboolean (*KvDumpFunc) (const char *key, gsize key_len, const void *value, gsize value_len,
                                gpointer data);

/* A stream of entries for replace_all(). */
typedef struct
{
  /* Sets *key (borrowed until the next call) and *value (a new reference);
   * FALSE at the end, with @error set on failure. */
  gboolean (*next) (gpointer self, const char **key, GBytes **value, GError **error);
  void (*rewind) (gpointer self);
  gpointer self;
} KvEntrySource;

/* One write handed to a backend to run without the caller waiting for it
 * (see submit_write below). Inputs are borrowed from whoever submitted it and
 * must stay valid until @done has run. */
typedef enum
{
  KV_WRITE_PUT,         /* keys[i] = values[i], n >= 1 */
  KV_WRITE_REMOVE,      /* keys[0..n); count = how many existed */
  KV_WRITE_UPDATE,      /* func on keys[0] */
  KV_WRITE_UPDATE_MANY, /* as update_many() */
  /* func on up to n keys with prefix, each chosen uniformly among the keys
   * that have no live claim at now_ms when it is chosen, until func has
   * changed n of them or none is left; count = how many it changed. func sees
   * u->index 0, 1, 2, … in one run (0 again when the run is repeated). */
  KV_WRITE_UPDATE_RANDOM,
  /* func on keys[0..n) in order, each update applied before the next key is
   * read (keys may repeat); one transaction on the disk backend. func sees
   * u->index = i. Not all or nothing between keys: see update_many(). */
  KV_WRITE_UPDATE_EACH,
} KvWriteKind;

typedef struct _KvWrite KvWrite;
struct _KvWrite
{
  KvWriteKind kind;
  const char *const *keys;
  GBytes *const *values;
  gsize n;
  KvUpdateFunc func;
  gboolean (*decide) (gpointer user_data);
  gpointer user_data;
  /* KV_WRITE_UPDATE_RANDOM: the prefix (nullable), the time claims are
   * judged at, and whether keys are tracked (uniform picks are then cheap,
   * so a few are tried before walking every key with the prefix). */
  const char *prefix;
  gint64 now_ms;
  gboolean indexed;
  /* Results, valid in @done. */
  guint64 count;
  GError *error;
  /* Runs exactly once when the write is durable or has failed, on any thread
   * (the disk backend's writer thread): it must not block or call the store. */
  void (*done) (KvWrite *write);
};

/* Runs @write: through the backend's submit_write when it has one, else
 * synchronously through its put/remove/update entries, then calls write->done. */
void _kv_backend_write (KvBackend *backend, KvWrite *write);

/* KV_WRITE_UPDATE_RANDOM with tracked keys: uniform picks tried before
 * walking the claimable keys (a pick is O(log n), a walk O(n)). */
#define KV_RANDOM_PICK_ATTEMPTS 8

/* Runs a KV_WRITE_UPDATE_RANDOM on the caller's thread with the backend's
 * random_keys(), claim_scan() and update() (for backends without their own),
 * setting write->count and write->error; does not call write->done. */
void _kv_backend_update_random (KvBackend *backend, KvWrite *write);
/* The same for a KV_WRITE_UPDATE_EACH: one update() per key. */
void _kv_backend_update_each (KvBackend *backend, KvWrite *write);

/* Whether an update callback changed its key (the measure of "applied" for
 * KV_WRITE_UPDATE_RANDOM). */
static inline gboolean
_kv_update_changes (const KvUpdate *u)
{
  return u->action != KV_UPDATE_KEEP || u->set_claim;
}

/* Whether the calling thread is one of a backend's own (the disk writer):
 * such a thread must not close a store, since closing waits for it. */
gboolean _kv_on_backend_thread (void);

/* kv_set_thread_nonblocking() for this thread, and the error it asks for. */
gboolean _kv_thread_nonblocking (void);
void _kv_set_would_block (GError **error);

typedef struct
{
  const char *name;
  /* Capabilities, so that code above the backends asks instead of testing
   * which backend it holds. Every read (dump() included) sees one moment
   * without making writers wait: LMDB's MVCC transactions. */
  gboolean point_in_time_reads;

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
  gboolean (*remove_many) (KvBackend *self, const char *const *keys, gsize n, guint64 *out_deleted,
                           GError **error);
  gboolean (*update) (KvBackend *self, const char *key, KvUpdateFunc func, gpointer user_data,
                      GError **error);
  /* Locks every key of @keys (distinct) at once, runs @func on each in order,
   * then applies all the updates if @decide (called with every key still
   * locked) returns TRUE, and none otherwise. FALSE from @func aborts too. */
  gboolean (*update_many) (KvBackend *self, const char *const *keys, gsize n, KvUpdateFunc func,
                           gboolean (*decide) (gpointer user_data), gpointer user_data,
                           GError **error);
  gboolean (*clear) (KvBackend *self, GError **error);
  /* Optional: queues @write and returns at once; write->done runs once it is
   * durable (the disk backend's group commit). NULL: the backend's writes are
   * short and run on the caller's thread (memory). */
  void (*submit_write) (KvBackend *self, KvWrite *write);
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
  /* The next claim token of the store; only called from inside an update(). */
  guint64 (*next_claim_token) (KvBackend *self);
  /* Claim counts over the keys with @prefix at @now_ms; when @claimable is
   * not NULL it receives (char *) every key without a live claim. */
  gboolean (*claim_scan) (KvBackend *self, const char *prefix, gint64 now_ms, GPtrArray *claimable,
                          KvClaimCounts *out_counts, GError **error);
  /* Every claim record of a key with @prefix, as KvClaim (no value), in any order. */
  gboolean (*list_claims) (KvBackend *self, const char *prefix, GPtrArray *out, GError **error);
  /* Calls @each for every entry (in any order) until it returns FALSE. With
   * @consistent, one point-in-time view (memory: writers wait meanwhile;
   * disk: always, from one read transaction, without blocking writers). */
  gboolean (*dump) (KvBackend *self, gboolean consistent, KvDumpFunc each, gpointer data,
                    GError **error);
  /* Replaces every key (dropping every claim) with what @source yields,
   * atomically for other callers. @source may be rewound and read again. */
  gboolean (*replace_all) (KvBackend *self, KvEntrySource *source, GError **error);
  /* Whether @path names the file this backend keeps its data in. */
  gboolean (*is_file) (KvBackend *self, const char *path);
  /* The path of that file (which no export may replace), or NULL. */
  const char *(*data_file) (KvBackend *self);
  /* Whether scan() after a cursor seeks to it rather than sorting every
   * matching key again for each page (an untracked memory store sorts). */
  gboolean (*scan_seeks) (KvBackend *self);
  /* Adds the stats() "index" member (null when keys are not tracked). */
  void (*add_index_stats) (KvBackend *self, JsonBuilder *builder);
  /* Adds backend-specific members to the stats object being built. */
  void (*add_stats) (KvBackend *self, JsonBuilder *builder);
} KvBackendVTable;

struct _KvBackend
{
  const KvBackendVTable *vtable;
};

/* The calls through the vtable, so that callers read as plain function calls
 * and the indirection lives in one place. */
static inline void
_kv_backend_free (KvBackend *self)
{
  self->vtable->free (self);
}

static inline GBytes *
_kv_backend_get (KvBackend *self, const char *key, GError **error)
{
  return self->vtable->get (self, key, error);
}

static inline gboolean
_kv_backend_get_many (KvBackend *self, const char *const *keys, gsize n, GBytes **values,
                      GError **error)
{
  return self->vtable->get_many (self, keys, n, values, error);
}

static inline gboolean
_kv_backend_put (KvBackend *self, const char *key, GBytes *value, GError **error)
{
  return self->vtable->put (self, key, value, error);
}

static inline gboolean
_kv_backend_put_many (KvBackend *self, const char *const *keys, GBytes *const *values, gsize n,
                      GError **error)
{
  return self->vtable->put_many (self, keys, values, n, error);
}

static inline gboolean
_kv_backend_remove (KvBackend *self, const char *key, gboolean *out_existed, GError **error)
{
  return self->vtable->remove (self, key, out_existed, error);
}

static inline gboolean
_kv_backend_remove_many (KvBackend *self, const char *const *keys, gsize n, guint64 *out_deleted,
                         GError **error)
{
  return self->vtable->remove_many (self, keys, n, out_deleted, error);
}

static inline gboolean
_kv_backend_update (KvBackend *self, const char *key, KvUpdateFunc func, gpointer user_data,
                    GError **error)
{
  return self->vtable->update (self, key, func, user_data, error);
}

static inline gboolean
_kv_backend_update_many (KvBackend *self, const char *const *keys, gsize n, KvUpdateFunc func,
                         gboolean (*decide) (gpointer user_data), gpointer user_data,
                         GError **error)
{
  return self->vtable->update_many (self, keys, n, func, decide, user_data, error);
}

static inline gboolean
_kv_backend_clear (KvBackend *self, GError **error)
{
  return self->vtable->clear (self, error);
}

static inline void
_kv_backend_submit_write (KvBackend *self, KvWrite *write)
{
  self->vtable->submit_write (self, write);
}

static inline gboolean
_kv_backend_count (KvBackend *self, guint64 *out_count, GError **error)
{
  return self->vtable->count (self, out_count, error);
}

static inline gboolean
_kv_backend_scan (KvBackend *self, const char *prefix, const char *after, guint64 limit,
                  gboolean keys_only, GPtrArray *out, gboolean *out_more, GError **error)
{
  return self->vtable->scan (self, prefix, after, limit, keys_only, out, out_more, error);
}

static inline gboolean
_kv_backend_count_prefix (KvBackend *self, const char *prefix, guint64 *out_count, GError **error)
{
  return self->vtable->count_prefix (self, prefix, out_count, error);
}

static inline gboolean
_kv_backend_random_keys (KvBackend *self, const char *prefix, guint64 count, gboolean unique,
                         GPtrArray *out_keys, GError **error)
{
  return self->vtable->random_keys (self, prefix, count, unique, out_keys, error);
}

static inline gboolean
_kv_backend_rebuild_index (KvBackend *self, GError **error)
{
  return self->vtable->rebuild_index (self, error);
}

static inline guint64
_kv_backend_next_claim_token (KvBackend *self)
{
  return self->vtable->next_claim_token (self);
}

static inline gboolean
_kv_backend_claim_scan (KvBackend *self, const char *prefix, gint64 now_ms, GPtrArray *claimable,
                        KvClaimCounts *out_counts, GError **error)
{
  return self->vtable->claim_scan (self, prefix, now_ms, claimable, out_counts, error);
}

static inline gboolean
_kv_backend_list_claims (KvBackend *self, const char *prefix, GPtrArray *out, GError **error)
{
  return self->vtable->list_claims (self, prefix, out, error);
}

static inline gboolean
_kv_backend_dump (KvBackend *self, gboolean consistent, KvDumpFunc each, gpointer data,
                  GError **error)
{
  return self->vtable->dump (self, consistent, each, data, error);
}

static inline gboolean
_kv_backend_replace_all (KvBackend *self, KvEntrySource *source, GError **error)
{
  return self->vtable->replace_all (self, source, error);
}

static inline gboolean
_kv_backend_is_file (KvBackend *self, const char *path)
{
  return self->vtable->is_file (self, path);
}

static inline const char *
_kv_backend_data_file (KvBackend *self)
{
  return self->vtable->data_file (self);
}

static inline gboolean
_kv_backend_scan_seeks (KvBackend *self)
{
  return self->vtable->scan_seeks (self);
}

static inline void
_kv_backend_add_index_stats (KvBackend *self, JsonBuilder *builder)
{
  self->vtable->add_index_stats (self, builder);
}

static inline void
_kv_backend_add_stats (KvBackend *self, JsonBuilder *builder)
{
  self->vtable->add_stats (self, builder);
}

KvBackend *_kv_backend_memory_new (const KvOptions *options, GError **error);
KvBackend *_kv_backend_lmdb_new (const KvOptions *options, GError **error);

G_END_DECLS
