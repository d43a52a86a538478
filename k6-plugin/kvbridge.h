/* kvbridge.h — thin C helpers that let each store call cross cgo once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every helper fills a KvbOut owned by one worker slot of the Go pool. Scalar
 * results go into its fields; variable-length results (a value, an error
 * message with its per-item errors, a packed getMany result) are written into
 * the slot's scratch buffer, or into a g_malloc'd spill block when they do not
 * fit. The spill is freed by the next call on the same slot, so reading a
 * result never costs Go a second crossing.
 *
 * Keys arrive NUL-terminated; batches arrive as one buffer of NUL-terminated
 * keys (and one buffer of values with an array of lengths), so a batch needs
 * no per-key allocation on the Go side.
 *
 * Payload encodings (integers in host byte order, 8 bytes each):
 *   error:    u64 msg_len, msg, u64 n_items,
 *             n_items × (u64 index, i64 key_len or -1, key, i64 id_len or -1, id,
 *                        u64 name_len, name, u64 msg_len, msg)
 *   value:    the raw value bytes (has_value tells absent from empty)
 *   getMany:  n × (i64 len or -1 when missing, bytes)
 */
#pragma once

#include <libkv/kv.h>

#define KVB_OK (-1)

typedef struct
{
  /* Set once by the Go side when the slot is created. */
  char *scratch;
  gsize scratch_cap;

  /* Results of the last call. */
  int code;          /* KVB_OK, or the KvError code (KV_ERROR_UNKNOWN for other domains) */
  int has_value;     /* payload holds a value (single-value calls) */
  int flag0;         /* swapped / deleted / loaded / exists / set */
  int flag1;         /* existed (compare-and-* on mismatch) */
  gint64 num0;       /* incrementBy result */
  guint64 num1;      /* size, deleted count */
  guint64 num2;      /* missing count */
  const char *data;  /* payload: scratch or spill */
  gsize len;         /* payload length */
  char *spill;       /* owned; freed at the start of the next call */
  gsize spill_cap;
  GBytes *held;      /* owned; a single value handed out without a copy */
} KvbOut;

/* A slot's result block with a scratch buffer of @scratch_cap bytes; lives for the process. */
KvbOut *kvb_out_new (gsize scratch_cap);

/* Opens a handle on the process-wide store; on success fills flag0 with the
 * serialization (0 json, 1 string), flag1 with the backend (0 disk, 1 memory)
 * and num1 with metrics.operations. */
KvStore *kvb_open_shared (const char *options_json, KvbOut *out);
void kvb_close (KvStore *store);
void kvb_unref (KvStore *store);

void kvb_get (KvStore *store, const char *key, KvbOut *out);
void kvb_set (KvStore *store, const char *key, const char *value, gsize value_len, KvbOut *out);
void kvb_delete (KvStore *store, const char *key, KvbOut *out);
void kvb_exists (KvStore *store, const char *key, KvbOut *out);
void kvb_clear (KvStore *store, KvbOut *out);
void kvb_size (KvStore *store, KvbOut *out);

void kvb_get_many (KvStore *store, const char *keys, gsize n, KvbOut *out);
void kvb_set_many (KvStore *store, const char *keys, const char *values, const gsize *value_lens,
                   gsize n, KvbOut *out);
void kvb_delete_many (KvStore *store, const char *keys, gsize n, KvbOut *out);

void kvb_increment_by (KvStore *store, const char *key, gint64 delta, KvbOut *out);
void kvb_get_or_set (KvStore *store, const char *key, const char *value, gsize value_len,
                     KvbOut *out);
void kvb_swap (KvStore *store, const char *key, const char *value, gsize value_len, KvbOut *out);
void kvb_compare_and_swap (KvStore *store, const char *key, const char *expected,
                           gsize expected_len, int expect_absent, const char *value,
                           gsize value_len, int want_current, KvbOut *out);
void kvb_set_if_absent (KvStore *store, const char *key, const char *value, gsize value_len,
                        KvbOut *out);
void kvb_delete_if_exists (KvStore *store, const char *key, KvbOut *out);
void kvb_compare_and_delete (KvStore *store, const char *key, const char *expected,
                             gsize expected_len, int want_current, KvbOut *out);
