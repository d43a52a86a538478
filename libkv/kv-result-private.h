/* kv-result-private.h — KvResult: one store call carried from submission to completion.
 *
 * A store operation is written once, as a start function that checks its
 * arguments, fills a KvResult (its copies of the inputs, a per-operation
 * context the update callback writes into, the KvWrite for the backend) and
 * runs it. The blocking API starts the operation and waits for it; the
 * submit API (kv-submit.h) starts it and returns. Either way the backend sees
 * the same write, and the operation's _finish function reads the same context.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <pthread.h>

#include "kv-store-private.h"
#include "kv-submit.h"

G_BEGIN_DECLS

/* Which operation a result belongs to: each _finish checks it. */
typedef enum
{
  KV_RESULT_SET,
  KV_RESULT_DELETE,
  KV_RESULT_INCREMENT_BY,
  KV_RESULT_GET_OR_SET,
  KV_RESULT_SWAP,
  KV_RESULT_COMPARE_AND_SWAP,
  KV_RESULT_DELETE_IF_EXISTS,
  KV_RESULT_COMPARE_AND_DELETE,
  KV_RESULT_CLAIM_REF,
  KV_RESULT_SET_MANY,
  KV_RESULT_CLAIM_KEY,
  KV_RESULT_DELETE_MANY,
  KV_RESULT_CLAIM_RANDOM,
  KV_RESULT_POP_RANDOM,
  KV_RESULT_CLAIM_KEYS,
  KV_RESULT_CLAIM_REFS,
} KvResultKind;

struct _KvResult
{
  gint ref_count; /* atomic */
  KvResultKind kind;
  KvCore *core;  /* held from a successful begin until the result is freed */
  KvWrite write; /* what the backend runs */
  GError *error; /* argument errors, then the write's */
  char *key;     /* the result's copy of a single key; write.keys points here */
  GBytes *value; /* a put's encoded value; write.values points here */
  gpointer ctx;  /* the operation's context (ctx_size bytes, zeroed, in the same block) */
  void (*ctx_clear) (gpointer ctx);
  KvResultFunc callback; /* NULL: a blocking caller waits in _kv_result_wait() */
  gpointer user_data;
  pthread_mutex_t lock; /* guards done for a waiting caller */
  pthread_cond_t cond;
  gboolean done;
};

/* A new result (one reference, the caller's) with a zeroed context of @ctx_size bytes. */
KvResult *_kv_result_new (KvResultKind kind, gsize ctx_size, void (*ctx_clear) (gpointer ctx),
                          KvResultFunc callback, gpointer user_data);

/* Acquires the store's core and, when @key is not NULL, checks it and copies it
 * to result->key; @writes checks the store is writable. FALSE with
 * result->error set; the caller then calls _kv_result_complete(). */
gboolean _kv_result_begin (KvResult *result, KvStore *store, const char *key, gboolean writes);

/* Runs result->write on the core's backend; completes the result when it is done. */
void _kv_result_run (KvResult *result);
/* Shortcut for the single-key writes: an update of result->key with @func. */
void _kv_result_run_update (KvResult *result, KvUpdateFunc func);

/* Completes a result that will not run (result->error set, or nothing to do). */
void _kv_result_complete (KvResult *result);

/* Blocks until the result is complete (blocking callers only: no callback). */
void _kv_result_wait (KvResult *result);

/* The start of every _finish: the kind matches and the call succeeded, or
 * FALSE with @error set (a copy: a result may be finished more than once). */
gboolean _kv_result_check (KvResult *result, KvResultKind kind, GError **error);

G_END_DECLS
