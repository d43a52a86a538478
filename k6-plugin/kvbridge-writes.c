/* kvbridge-writes.c — the write calls libkv can complete later: submitted with a token,
 * or run to completion on the calling thread (see kvbridge.h).
 *
 * Each write has one collector that turns its KvResult into a KvbOut. A
 * submitted write's result goes onto the process-wide completion queue that
 * the binding's drainer empties with kvb_next_completion(); a blocking call
 * waits for its own result (at once on a memory store) and collects it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <pthread.h>
#include <string.h>

#include "kvbridge-private.h"

typedef enum
{
  W_SET,
  W_DELETE,
  W_INCREMENT_BY,
  W_GET_OR_SET,
  W_SWAP,
  W_COMPARE_AND_SWAP,
  W_SET_IF_ABSENT,
  W_DELETE_IF_EXISTS,
  W_COMPARE_AND_DELETE,
  W_CLAIM_REF,
  W_SET_MANY,
  W_DELETE_MANY,
  W_CLAIM_KEY,
  W_CLAIM_RANDOM,
  W_CLAIM_RANDOM_MANY,
  W_POP_RANDOM,
  W_POP_RANDOM_MANY,
  W_CLAIM_KEYS,
  W_CLAIM_REFS,
} WriteKind;

/* One write in flight. Blocking calls keep it on their stack. */
typedef struct
{
  WriteKind kind;
  int want_current; /* compare-and-*: hand back the current value on a mismatch */
  guintptr token;   /* submitted: the binding's handle; 0 for a blocking call */
  KvResult *result; /* owned once complete */
  /* Blocking calls only. */
  pthread_mutex_t lock;
  pthread_cond_t cond;
} Pending;

static void
collect (const Pending *p, KvbOut *out)
{
  GError *error = NULL;
  GBytes *value = NULL;
  GPtrArray *items = NULL;
  gboolean a = FALSE, b = FALSE, ok = FALSE;
  gint64 n = 0;
  guint64 deleted = 0, missing = 0;

  switch (p->kind)
    {
    case W_SET:
    case W_DELETE:
      ok = kv_result_propagate_error (p->result, &error);
      break;
    case W_INCREMENT_BY:
      ok = kv_store_increment_by_finish (p->result, &n, &error);
      out->num0 = n;
      break;
    case W_GET_OR_SET:
      value = kv_store_get_or_set_finish (p->result, &a, &error);
      ok = value != NULL;
      out->flag0 = a;
      break;
    case W_SWAP:
      ok = kv_store_swap_finish (p->result, &value, &error);
      out->flag0 = value != NULL;
      break;
    case W_COMPARE_AND_SWAP:
      ok = kv_store_compare_and_swap_finish (p->result, &a, &b, p->want_current ? &value : NULL,
                                             &error);
      out->flag0 = a;
      out->flag1 = b;
      break;
    case W_SET_IF_ABSENT:
      ok = kv_store_set_if_absent_finish (p->result, &a, &error);
      out->flag0 = a;
      break;
    case W_DELETE_IF_EXISTS:
      ok = kv_store_delete_if_exists_finish (p->result, &a, &error);
      out->flag0 = a;
      break;
    case W_COMPARE_AND_DELETE:
      ok = kv_store_compare_and_delete_finish (p->result, &a, &b, p->want_current ? &value : NULL,
                                               &error);
      out->flag0 = a;
      out->flag1 = b;
      break;
    case W_CLAIM_REF:
      /* release, complete and renew all report whether the ref was the live claim */
      ok = kv_store_complete_claim_finish (p->result, &a, &error);
      out->flag0 = a;
      break;
    case W_SET_MANY:
      ok = kv_store_set_many_finish (p->result, &items, &error);
      break;
    case W_CLAIM_KEY:
      {
        /* A claim, or none (not an error): packed like the blocking claim calls. */
        g_autoptr (KvClaim) claim = kv_store_claim_key_finish (p->result, &error);
        kvb_out_put_optional_claim (out, claim, error);
        return;
      }
    case W_CLAIM_RANDOM:
      {
        g_autoptr (KvClaim) claim = kv_store_claim_random_finish (p->result, &error);
        kvb_out_put_optional_claim (out, claim, error);
        return;
      }
    case W_CLAIM_RANDOM_MANY:
    case W_POP_RANDOM_MANY:
      {
        g_autoptr (GPtrArray) got = p->kind == W_CLAIM_RANDOM_MANY
                                        ? kv_store_claim_random_many_finish (p->result, &error)
                                        : kv_store_pop_random_many_finish (p->result, &error);
        if (got == NULL)
          kvb_out_error (out, error, NULL);
        else if (p->kind == W_CLAIM_RANDOM_MANY)
          kvb_out_put_claims (out, got);
        else
          kvb_out_put_entries (out, got);
        return;
      }
    case W_POP_RANDOM:
      {
        g_autoptr (KvEntry) entry = kv_store_pop_random_finish (p->result, &error);
        if (error != NULL)
          {
            kvb_out_error (out, error, NULL);
            return;
          }
        /* Packed like popRandomMany's entries: a count (0 or 1), then the entry. */
        kvb_out_put_u64 (out, entry != NULL ? 1 : 0);
        if (entry != NULL)
          {
            kvb_out_put_str (out, kv_entry_get_key (entry));
            kvb_out_put_bytes (out, kv_entry_get_value (entry));
          }
        return;
      }
    case W_CLAIM_KEYS:
      {
        g_autoptr (GPtrArray) claimed = NULL, busy = NULL, absent = NULL;
        if (!kv_store_claim_keys_finish (p->result, &claimed, &busy, &absent, &items, &error))
          {
            kvb_out_error (out, error, items);
            return;
          }
        kvb_out_put_claims (out, claimed);
        kvb_out_put_keys (out, busy);
        kvb_out_put_keys (out, absent);
        return;
      }
    case W_CLAIM_REFS:
      {
        /* release, complete and renew share one result: updated count, then the failed refs */
        g_autoptr (GPtrArray) failed = NULL;
        if (!kv_store_release_claims_finish (p->result, &deleted, &failed, &error))
          {
            kvb_out_error (out, error, NULL);
            return;
          }
        out->num1 = deleted;
        kvb_out_put_items (out, failed);
        return;
      }
    case W_DELETE_MANY:
      ok = kv_store_delete_many_finish (p->result, &deleted, &missing, &items, &error);
      out->num1 = deleted;
      out->num2 = missing;
      break;
    }
  if (!ok)
    {
      g_clear_pointer (&value, g_bytes_unref);
      kvb_out_error (out, error, items);
      return;
    }
  kvb_out_take_value (out, value);
}

/* ---- The completion queue ------------------------------------------------------------------ */

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cond = PTHREAD_COND_INITIALIZER;
static GQueue queue = G_QUEUE_INIT; /* Pending *, completed, under queue_lock */

static void
on_submitted (KvResult *result, gpointer data)
{
  Pending *p = data;

  p->result = result;
  pthread_mutex_lock (&queue_lock);
  g_queue_push_tail (&queue, p);
  pthread_cond_signal (&queue_cond);
  pthread_mutex_unlock (&queue_lock);
}

/* Collects @p into @out and returns its token. */
static guintptr
hand_over (Pending *p, KvbOut *out)
{
  guintptr token = p->token;

  out->nonblocking = 0;
  kvb_out_reset (out);
  collect (p, out);
  kv_result_unref (p->result);
  g_free (p);
  return token;
}

guintptr
kvb_next_completion (KvbOut *out)
{
  Pending *p;

  pthread_mutex_lock (&queue_lock);
  while (g_queue_is_empty (&queue))
    pthread_cond_wait (&queue_cond, &queue_lock);
  p = g_queue_pop_head (&queue);
  pthread_mutex_unlock (&queue_lock);
  return hand_over (p, out);
}

guintptr
kvb_poll_completion (KvbOut *out)
{
  Pending *p;

  pthread_mutex_lock (&queue_lock);
  p = g_queue_pop_head (&queue);
  pthread_mutex_unlock (&queue_lock);
  return p ? hand_over (p, out) : 0;
}

static Pending *
pending_new (WriteKind kind, int want_current, guintptr token)
{
  Pending *p = g_new0 (Pending, 1);

  p->kind = kind;
  p->want_current = want_current;
  p->token = token;
  return p;
}

/* ---- Blocking calls ------------------------------------------------------------------------ */

static void
on_blocking (KvResult *result, gpointer data)
{
  Pending *p = data;

  pthread_mutex_lock (&p->lock);
  p->result = result;
  pthread_cond_signal (&p->cond);
  pthread_mutex_unlock (&p->lock);
}

/* The body of every blocking call: a Pending on the stack named p, the
 * submit call (which passes on_blocking, &p), then the wait and the collection. */
#define RUN_BLOCKING(out, kind_, want_current_, submit_call)                                       \
  G_STMT_START                                                                                     \
  {                                                                                                \
    Pending p = { .kind = (kind_),                                                                 \
                  .want_current = (want_current_),                                                 \
                  .lock = PTHREAD_MUTEX_INITIALIZER,                                               \
                  .cond = PTHREAD_COND_INITIALIZER };                                              \
    kvb_out_reset (out);                                                                           \
    submit_call;                                                                                   \
    finish_blocking (&p, out);                                                                     \
  }                                                                                                \
  G_STMT_END

/* Waits for the result (on a memory store it came before the submit returned) and collects it. */
static void
finish_blocking (Pending *p, KvbOut *out)
{
  pthread_mutex_lock (&p->lock);
  while (p->result == NULL)
    pthread_cond_wait (&p->cond, &p->lock);
  pthread_mutex_unlock (&p->lock);
  collect (p, out);
  kv_result_unref (p->result);
  pthread_cond_destroy (&p->cond);
  pthread_mutex_destroy (&p->lock);
}

/* ---- The calls: one start each, shared by the blocking and the submitted form ---------------- */

static void
start_set (KvStore *store, const char *key, const char *value, gsize value_len, Pending *p,
           KvResultFunc done)
{
  kv_store_set_submit (store, key, value, value_len, done, p);
}

void
kvb_set (KvStore *store, const char *key, const char *value, gsize value_len, KvbOut *out)
{
  RUN_BLOCKING (out, W_SET, 0, start_set (store, key, value, value_len, &p, on_blocking));
}

void
kvb_submit_set (KvStore *store, const char *key, const char *value, gsize value_len, guintptr token)
{
  start_set (store, key, value, value_len, pending_new (W_SET, 0, token), on_submitted);
}

void
kvb_delete (KvStore *store, const char *key, KvbOut *out)
{
  RUN_BLOCKING (out, W_DELETE, 0, kv_store_delete_submit (store, key, on_blocking, &p));
}

void
kvb_submit_delete (KvStore *store, const char *key, guintptr token)
{
  kv_store_delete_submit (store, key, on_submitted, pending_new (W_DELETE, 0, token));
}

void
kvb_increment_by (KvStore *store, const char *key, gint64 delta, KvbOut *out)
{
  RUN_BLOCKING (out, W_INCREMENT_BY, 0,
                kv_store_increment_by_submit (store, key, delta, on_blocking, &p));
}

void
kvb_submit_increment_by (KvStore *store, const char *key, gint64 delta, guintptr token)
{
  kv_store_increment_by_submit (store, key, delta, on_submitted,
                                pending_new (W_INCREMENT_BY, 0, token));
}

void
kvb_get_or_set (KvStore *store, const char *key, const char *value, gsize value_len, KvbOut *out)
{
  RUN_BLOCKING (out, W_GET_OR_SET, 0,
                kv_store_get_or_set_submit (store, key, value, value_len, on_blocking, &p));
}

void
kvb_submit_get_or_set (KvStore *store, const char *key, const char *value, gsize value_len,
                       guintptr token)
{
  kv_store_get_or_set_submit (store, key, value, value_len, on_submitted,
                              pending_new (W_GET_OR_SET, 0, token));
}

void
kvb_swap (KvStore *store, const char *key, const char *value, gsize value_len, KvbOut *out)
{
  RUN_BLOCKING (out, W_SWAP, 0,
                kv_store_swap_submit (store, key, value, value_len, on_blocking, &p));
}

void
kvb_submit_swap (KvStore *store, const char *key, const char *value, gsize value_len,
                 guintptr token)
{
  kv_store_swap_submit (store, key, value, value_len, on_submitted, pending_new (W_SWAP, 0, token));
}

static void
start_compare_and_swap (KvStore *store, const char *key, const char *expected, gsize expected_len,
                        int expect_absent, const char *value, gsize value_len, Pending *p,
                        KvResultFunc done)
{
  kv_store_compare_and_swap_submit (store, key, expect_absent ? NULL : expected,
                                    expect_absent ? 0 : expected_len, value, value_len, done, p);
}

void
kvb_compare_and_swap (KvStore *store, const char *key, const char *expected, gsize expected_len,
                      int expect_absent, const char *value, gsize value_len, int want_current,
                      KvbOut *out)
{
  RUN_BLOCKING (out, W_COMPARE_AND_SWAP, want_current,
                start_compare_and_swap (store, key, expected, expected_len, expect_absent, value,
                                        value_len, &p, on_blocking));
}

void
kvb_submit_compare_and_swap (KvStore *store, const char *key, const char *expected,
                             gsize expected_len, int expect_absent, const char *value,
                             gsize value_len, int want_current, guintptr token)
{
  start_compare_and_swap (store, key, expected, expected_len, expect_absent, value, value_len,
                          pending_new (W_COMPARE_AND_SWAP, want_current, token), on_submitted);
}

void
kvb_set_if_absent (KvStore *store, const char *key, const char *value, gsize value_len, KvbOut *out)
{
  RUN_BLOCKING (out, W_SET_IF_ABSENT, 0,
                kv_store_set_if_absent_submit (store, key, value, value_len, on_blocking, &p));
}

void
kvb_submit_set_if_absent (KvStore *store, const char *key, const char *value, gsize value_len,
                          guintptr token)
{
  kv_store_set_if_absent_submit (store, key, value, value_len, on_submitted,
                                 pending_new (W_SET_IF_ABSENT, 0, token));
}

void
kvb_delete_if_exists (KvStore *store, const char *key, KvbOut *out)
{
  RUN_BLOCKING (out, W_DELETE_IF_EXISTS, 0,
                kv_store_delete_if_exists_submit (store, key, on_blocking, &p));
}

void
kvb_submit_delete_if_exists (KvStore *store, const char *key, guintptr token)
{
  kv_store_delete_if_exists_submit (store, key, on_submitted,
                                    pending_new (W_DELETE_IF_EXISTS, 0, token));
}

void
kvb_compare_and_delete (KvStore *store, const char *key, const char *expected, gsize expected_len,
                        int want_current, KvbOut *out)
{
  RUN_BLOCKING (
      out, W_COMPARE_AND_DELETE, want_current,
      kv_store_compare_and_delete_submit (store, key, expected, expected_len, on_blocking, &p));
}

void
kvb_submit_compare_and_delete (KvStore *store, const char *key, const char *expected,
                               gsize expected_len, int want_current, guintptr token)
{
  kv_store_compare_and_delete_submit (store, key, expected, expected_len, on_submitted,
                                      pending_new (W_COMPARE_AND_DELETE, want_current, token));
}

static void
start_claim_ref (KvStore *store, int op, const char *id, const char *key, guint64 claim_token,
                 int delete_key, gint64 ttl_ms, Pending *p, KvResultFunc done)
{
  KvClaimRef ref = { id, key, claim_token };

  switch (op)
    {
    case KVB_REF_RELEASE:
      kv_store_release_claim_submit (store, &ref, done, p);
      break;
    case KVB_REF_COMPLETE:
      kv_store_complete_claim_submit (store, &ref, delete_key, done, p);
      break;
    case KVB_REF_RENEW:
    default:
      kv_store_renew_claim_submit (store, &ref, ttl_ms, done, p);
      break;
    }
}

void
kvb_claim_ref (KvStore *store, int op, const char *id, const char *key, guint64 claim_token,
               int delete_key, gint64 ttl_ms, KvbOut *out)
{
  RUN_BLOCKING (
      out, W_CLAIM_REF, 0,
      start_claim_ref (store, op, id, key, claim_token, delete_key, ttl_ms, &p, on_blocking));
}

void
kvb_submit_claim_ref (KvStore *store, int op, const char *id, const char *key, guint64 claim_token,
                      int delete_key, gint64 ttl_ms, guintptr token)
{
  start_claim_ref (store, op, id, key, claim_token, delete_key, ttl_ms,
                   pending_new (W_CLAIM_REF, 0, token), on_submitted);
}

/* Batches arrive packed (kvbridge.h); libkv copies what it keeps before the submit returns. */
static void
start_set_many (KvStore *store, const char *packed_keys, const char *packed_values,
                const gsize *value_lens, gsize n, Pending *p, KvResultFunc done)
{
  g_autofree const char **keys = kvb_split_keys (packed_keys, n);
  g_autofree const char **values = g_new (const char *, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      values[i] = packed_values;
      packed_values += value_lens[i];
    }
  kv_store_set_many_submit (store, keys, values, value_lens, n, done, p);
}

void
kvb_set_many (KvStore *store, const char *packed_keys, const char *packed_values,
              const gsize *value_lens, gsize n, KvbOut *out)
{
  RUN_BLOCKING (out, W_SET_MANY, 0,
                start_set_many (store, packed_keys, packed_values, value_lens, n, &p, on_blocking));
}

void
kvb_submit_set_many (KvStore *store, const char *packed_keys, const char *packed_values,
                     const gsize *value_lens, gsize n, guintptr token)
{
  start_set_many (store, packed_keys, packed_values, value_lens, n,
                  pending_new (W_SET_MANY, 0, token), on_submitted);
}

static void
start_delete_many (KvStore *store, const char *packed_keys, gsize n, Pending *p, KvResultFunc done)
{
  g_autofree const char **keys = kvb_split_keys (packed_keys, n);

  kv_store_delete_many_submit (store, keys, n, done, p);
}

void
kvb_delete_many (KvStore *store, const char *packed_keys, gsize n, KvbOut *out)
{
  RUN_BLOCKING (out, W_DELETE_MANY, 0, start_delete_many (store, packed_keys, n, &p, on_blocking));
}

void
kvb_submit_delete_many (KvStore *store, const char *packed_keys, gsize n, guintptr token)
{
  start_delete_many (store, packed_keys, n, pending_new (W_DELETE_MANY, 0, token), on_submitted);
}

void
kvb_claim_key (KvStore *store, const char *key, const char *owner, gint64 ttl_ms, KvbOut *out)
{
  RUN_BLOCKING (out, W_CLAIM_KEY, 0,
                kv_store_claim_key_submit (store, key, owner, ttl_ms, on_blocking, &p));
}

void
kvb_submit_claim_key (KvStore *store, const char *key, const char *owner, gint64 ttl_ms,
                      guintptr token)
{
  kv_store_claim_key_submit (store, key, owner, ttl_ms, on_submitted,
                             pending_new (W_CLAIM_KEY, 0, token));
}

void
kvb_claim_random (KvStore *store, const char *prefix, const char *owner, gint64 ttl_ms, KvbOut *out)
{
  RUN_BLOCKING (out, W_CLAIM_RANDOM, 0,
                kv_store_claim_random_submit (store, prefix, owner, ttl_ms, on_blocking, &p));
}

void
kvb_submit_claim_random (KvStore *store, const char *prefix, const char *owner, gint64 ttl_ms,
                         guintptr token)
{
  kv_store_claim_random_submit (store, prefix, owner, ttl_ms, on_submitted,
                                pending_new (W_CLAIM_RANDOM, 0, token));
}

void
kvb_claim_random_many (KvStore *store, const char *prefix, gint64 count, const char *owner,
                       gint64 ttl_ms, KvbOut *out)
{
  RUN_BLOCKING (
      out, W_CLAIM_RANDOM_MANY, 0,
      kv_store_claim_random_many_submit (store, prefix, count, owner, ttl_ms, on_blocking, &p));
}

void
kvb_submit_claim_random_many (KvStore *store, const char *prefix, gint64 count, const char *owner,
                              gint64 ttl_ms, guintptr token)
{
  kv_store_claim_random_many_submit (store, prefix, count, owner, ttl_ms, on_submitted,
                                     pending_new (W_CLAIM_RANDOM_MANY, 0, token));
}

void
kvb_pop_random (KvStore *store, const char *prefix, KvbOut *out)
{
  RUN_BLOCKING (out, W_POP_RANDOM, 0, kv_store_pop_random_submit (store, prefix, on_blocking, &p));
}

void
kvb_submit_pop_random (KvStore *store, const char *prefix, guintptr token)
{
  kv_store_pop_random_submit (store, prefix, on_submitted, pending_new (W_POP_RANDOM, 0, token));
}

void
kvb_pop_random_many (KvStore *store, const char *prefix, gint64 count, KvbOut *out)
{
  RUN_BLOCKING (out, W_POP_RANDOM_MANY, 0,
                kv_store_pop_random_many_submit (store, prefix, count, on_blocking, &p));
}

void
kvb_submit_pop_random_many (KvStore *store, const char *prefix, gint64 count, guintptr token)
{
  kv_store_pop_random_many_submit (store, prefix, count, on_submitted,
                                   pending_new (W_POP_RANDOM_MANY, 0, token));
}

static void
start_claim_keys (KvStore *store, const char *packed_keys, gsize n, const char *owner,
                  gint64 ttl_ms, int all_or_nothing, Pending *p, KvResultFunc done)
{
  g_autofree const char **keys = kvb_split_keys (packed_keys, n);

  kv_store_claim_keys_submit (store, keys, n, owner, ttl_ms, all_or_nothing, done, p);
}

void
kvb_claim_keys (KvStore *store, const char *keys, gsize n, const char *owner, gint64 ttl_ms,
                int all_or_nothing, KvbOut *out)
{
  RUN_BLOCKING (out, W_CLAIM_KEYS, 0,
                start_claim_keys (store, keys, n, owner, ttl_ms, all_or_nothing, &p, on_blocking));
}

void
kvb_submit_claim_keys (KvStore *store, const char *keys, gsize n, const char *owner, gint64 ttl_ms,
                       int all_or_nothing, guintptr token)
{
  start_claim_keys (store, keys, n, owner, ttl_ms, all_or_nothing,
                    pending_new (W_CLAIM_KEYS, 0, token), on_submitted);
}

/* Refs arrive as packed ids and keys (like batch keys) and an array of tokens. */
static void
start_claim_refs (KvStore *store, int op, const char *ids, const char *keys, const guint64 *tokens,
                  gsize n, int delete_key, gint64 ttl_ms, Pending *p, KvResultFunc done)
{
  g_autofree KvClaimRef *refs = g_new0 (KvClaimRef, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      refs[i] = (KvClaimRef){ .id = ids, .key = keys, .token = tokens[i] };
      ids += strlen (ids) + 1;
      keys += strlen (keys) + 1;
    }
  switch (op)
    {
    case KVB_REF_RELEASE:
      kv_store_release_claims_submit (store, refs, n, done, p);
      break;
    case KVB_REF_COMPLETE:
      kv_store_complete_claims_submit (store, refs, n, delete_key, done, p);
      break;
    case KVB_REF_RENEW:
    default:
      kv_store_renew_claims_submit (store, refs, n, ttl_ms, done, p);
      break;
    }
}

void
kvb_claim_refs (KvStore *store, int op, const char *ids, const char *keys, const guint64 *tokens,
                gsize n, int delete_key, gint64 ttl_ms, KvbOut *out)
{
  RUN_BLOCKING (
      out, W_CLAIM_REFS, 0,
      start_claim_refs (store, op, ids, keys, tokens, n, delete_key, ttl_ms, &p, on_blocking));
}

void
kvb_submit_claim_refs (KvStore *store, int op, const char *ids, const char *keys,
                       const guint64 *tokens, gsize n, int delete_key, gint64 ttl_ms,
                       guintptr token)
{
  start_claim_refs (store, op, ids, keys, tokens, n, delete_key, ttl_ms,
                    pending_new (W_CLAIM_REFS, 0, token), on_submitted);
}
