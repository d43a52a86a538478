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
 *   keys:     u64 n, n × (u64 len, key)
 *   entries:  u64 n, n × (u64 key_len, key, u64 value_len, value)
 *   claims:   u64 n, n × (u64 id_len, id, u64 key_len, key, u64 token,
 *                         i64 owner_len or -1, owner, i64 expires_at_ms,
 *                         u64 value_len, value)
 *   items:    u64 n, n × item (as in the error encoding)
 *   scan:     u64 cursor_len, cursor, then keys or entries; flag0 = done
 *   claimKeys: claims (claimed), keys (busy), keys (missing)
 *   allocationStats: u64 total, u64 claimable, u64 claimed_live, u64 claimed_expired
 *   backup:   u64 path_len, path (the file libkv used), i64 warning_len or -1, warning
 *   restore:  u64 path_len, path
 *   validateJSONL, validateCSV: nothing when valid; else u64 line (JSONL) or row (CSV),
 *             u64 KvError code, u64 msg_len, msg
 */
#pragma once

#include <libkv/kv.h>

#define KVB_OK (-1)
/* The call would have waited for another caller (G_IO_ERROR_WOULD_BLOCK on a
 * nonblocking slot): nothing changed; make it again where waiting is fine. */
#define KVB_WOULD_BLOCK (-2)

typedef struct
{
  /* Set once by the Go side when the slot is created. */
  char *scratch;
  gsize scratch_cap;
  /* The key of a single-key call, NUL-terminated, written by the Go side
   * before the call (a key of key_cap bytes or more is passed from Go memory). */
  char *key;
  gsize key_cap;
  /* Calls through this block run with kv_set_thread_nonblocking() set:
   * the slot of an event loop, where waiting for a lock would stall a VU. */
  int nonblocking;

  /* Results of the last call. */
  int code;         /* KVB_OK, or the KvError code (KV_ERROR_UNKNOWN for other domains) */
  int has_value;    /* payload holds a value (single-value calls) */
  int flag0;        /* swapped / deleted / loaded / exists / set / done / updated */
  int flag1;        /* existed (compare-and-* on mismatch) */
  gint64 num0;      /* incrementBy result */
  guint64 num1;     /* size, count, deleted count, batch items done */
  guint64 num2;     /* missing count, trackKeys (open) */
  const char *data; /* payload: scratch or spill */
  gsize len;        /* payload length */
  char *spill;      /* owned; freed at the start of the next call */
  gsize spill_cap;
  GBytes *held; /* owned; a single value handed out without a copy */
} KvbOut;

/* A slot's result block with a scratch buffer of @scratch_cap bytes; lives for the process. */
KvbOut *kvb_out_new (gsize scratch_cap);
void kvb_out_free (KvbOut *out);

/* Opens a handle on the process-wide store; on success fills flag0 with the
 * serialization (0 json, 1 string), flag1 with the backend (0 disk, 1 memory),
 * num1 with metrics.operations and num2 with trackKeys. */
KvStore *kvb_open_shared (const char *options_json, KvbOut *out);
void kvb_close (KvStore *store);
void kvb_unref (KvStore *store);

void kvb_get (KvStore *store, const char *key, KvbOut *out);
void kvb_set (KvStore *store, const char *key, const char *value, gsize value_len, KvbOut *out);
void kvb_delete (KvStore *store, const char *key, KvbOut *out);
void kvb_exists (KvStore *store, const char *key, KvbOut *out);
void kvb_clear (KvStore *store, KvbOut *out);
void kvb_size (KvStore *store, KvbOut *out);

/* Submitted writes: the call returns at once; when the write is durable or has
 * failed, kvb_next_completion() hands back @token with the results, filled in
 * as the blocking form of the same call fills them. */
void kvb_submit_set (KvStore *store, const char *key, const char *value, gsize value_len,
                     guintptr token);
void kvb_submit_delete (KvStore *store, const char *key, guintptr token);
void kvb_submit_increment_by (KvStore *store, const char *key, gint64 delta, guintptr token);
void kvb_submit_get_or_set (KvStore *store, const char *key, const char *value, gsize value_len,
                            guintptr token);
void kvb_submit_swap (KvStore *store, const char *key, const char *value, gsize value_len,
                      guintptr token);
void kvb_submit_compare_and_swap (KvStore *store, const char *key, const char *expected,
                                  gsize expected_len, int expect_absent, const char *value,
                                  gsize value_len, int want_current, guintptr token);
void kvb_submit_set_if_absent (KvStore *store, const char *key, const char *value, gsize value_len,
                               guintptr token);
void kvb_submit_delete_if_exists (KvStore *store, const char *key, guintptr token);
void kvb_submit_compare_and_delete (KvStore *store, const char *key, const char *expected,
                                    gsize expected_len, int want_current, guintptr token);
void kvb_submit_set_many (KvStore *store, const char *keys, const char *values,
                          const gsize *value_lens, gsize n, guintptr token);
void kvb_submit_delete_many (KvStore *store, const char *keys, gsize n, guintptr token);
void kvb_submit_claim_key (KvStore *store, const char *key, const char *owner, gint64 ttl_ms,
                           guintptr token);
void kvb_submit_claim_ref (KvStore *store, int op, const char *id, const char *key,
                           guint64 claim_token, int delete_key, gint64 ttl_ms, guintptr token);
/* The key is chosen inside the disk backend's write transaction. */
void kvb_submit_claim_random (KvStore *store, const char *prefix, const char *owner, gint64 ttl_ms,
                              guintptr token);
void kvb_submit_claim_random_many (KvStore *store, const char *prefix, gint64 count,
                                   const char *owner, gint64 ttl_ms, guintptr token);
void kvb_submit_pop_random (KvStore *store, const char *prefix, guintptr token);
void kvb_submit_pop_random_many (KvStore *store, const char *prefix, gint64 count, guintptr token);
void kvb_submit_claim_keys (KvStore *store, const char *keys, gsize n, const char *owner,
                            gint64 ttl_ms, int all_or_nothing, guintptr token);
void kvb_submit_claim_refs (KvStore *store, int op, const char *ids, const char *keys,
                            const guint64 *tokens, gsize n, int delete_key, gint64 ttl_ms,
                            guintptr token);
/* Blocks until a submitted write of any store completes; fills @out with its
 * results and returns its token. One caller at a time (the binding's drainer). */
guintptr kvb_next_completion (KvbOut *out);
/* The same without waiting: 0 when no completion is queued (tokens are never 0). */
guintptr kvb_poll_completion (KvbOut *out);

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

/* Order, paging, sampling. @prefix may be NULL or "" for every key. */
void kvb_list (KvStore *store, const char *prefix, gint64 limit, KvbOut *out);
void kvb_list_keys (KvStore *store, const char *prefix, gint64 limit, KvbOut *out);
void kvb_scan (KvStore *store, const char *prefix, const char *cursor, gint64 limit, KvbOut *out);
void kvb_scan_keys (KvStore *store, const char *prefix, const char *cursor, gint64 limit,
                    KvbOut *out);
void kvb_count (KvStore *store, const char *prefix, KvbOut *out);
void kvb_delete_by_prefix (KvStore *store, const char *prefix, gint64 limit, KvbOut *out);
/* has_value is 0 when no key matched; otherwise the payload is the key. */
void kvb_random_key (KvStore *store, const char *prefix, KvbOut *out);
void kvb_random_keys (KvStore *store, const char *prefix, gint64 count, int unique, KvbOut *out);
void kvb_rebuild_key_list (KvStore *store, KvbOut *out);
/* The stats JSON text as the value. */
void kvb_stats (KvStore *store, KvbOut *out);

/* Claims. @owner may be NULL; @ttl_ms 0 means the default lease. */
/* pop_random: entries (0 or 1). */
void kvb_pop_random (KvStore *store, const char *prefix, KvbOut *out);
void kvb_pop_random_many (KvStore *store, const char *prefix, gint64 count, KvbOut *out);
/* claim_random, claim_key: claims (0 or 1). */
void kvb_claim_random (KvStore *store, const char *prefix, const char *owner, gint64 ttl_ms,
                       KvbOut *out);
void kvb_claim_random_many (KvStore *store, const char *prefix, gint64 count, const char *owner,
                            gint64 ttl_ms, KvbOut *out);
void kvb_claim_key (KvStore *store, const char *key, const char *owner, gint64 ttl_ms, KvbOut *out);
void kvb_claim_keys (KvStore *store, const char *keys, gsize n, const char *owner, gint64 ttl_ms,
                     int all_or_nothing, KvbOut *out);

typedef enum
{
  KVB_REF_RELEASE = 0,
  KVB_REF_COMPLETE = 1,
  KVB_REF_RENEW = 2,
} KvbRefOp;

/* One claim ref: flag0 = the claim was the live one and was updated. */
void kvb_claim_ref (KvStore *store, int op, const char *id, const char *key, guint64 token,
                    int delete_key, gint64 ttl_ms, KvbOut *out);
/* A batch of refs (@ids and @keys packed like batch keys): num1 = updated, payload = items (failed). */
void kvb_claim_refs (KvStore *store, int op, const char *ids, const char *keys,
                     const guint64 *tokens, gsize n, int delete_key, gint64 ttl_ms, KvbOut *out);
void kvb_allocation_stats (KvStore *store, const char *prefix, KvbOut *out);

/* Snapshots (kv-snapshot.h). @file_name NULL or "" means the default: the
 * store's path (memory backend: the shared ./.k6.kv; disk backend: the live
 * file, a no-op). num1 = entries, num2 = bytes (the snapshot file's size),
 * flag0 = best effort (backup), flag1 = no-op; the payload names the file. */
void kvb_backup (KvStore *store, const char *file_name, int allow_concurrent_writes,
                 gint64 max_entries, gint64 max_bytes, KvbOut *out);
void kvb_restore (KvStore *store, const char *file_name, gint64 max_entries, gint64 max_bytes,
                  KvbOut *out);

/* JSON Lines (kv-jsonl.h). num1 = records, num2 = bytes written / consumed.
 * @prefix may be NULL or "" for every key. */
void kvb_export_jsonl (KvStore *store, const char *file_name, const char *prefix, gint64 limit,
                       KvbOut *out);
void kvb_import_jsonl (KvStore *store, const char *file_name, gint64 limit, gint64 batch_size,
                       KvbOut *out);
/* Checks a file without touching the store (a closed @store still rejects with
 * StoreClosedError, like every method of a closed handle). flag0 = valid,
 * flag1 = checked all, num1 = records, num2 = bytes read; the payload
 * describes the first problem. An error only when the file cannot be read. */
void kvb_validate_jsonl (KvStore *store, const char *file_name, gint64 limit, KvbOut *out);

/* CSV (kv-csv.h). num1 = rows, num2 = bytes written / consumed. @columns are
 * packed like batch keys; @prefix may be NULL or "" for every key; @delimiter
 * is one byte (0 means ','). @key_column of validate may be NULL (no key
 * check). validate_csv fills @out like validate_jsonl (num1 = rows). */
void kvb_export_csv (KvStore *store, const char *file_name, const char *columns, gsize n_columns,
                     const char *prefix, gint64 limit, char delimiter, int include_key,
                     KvbOut *out);
void kvb_import_csv (KvStore *store, const char *file_name, const char *key_column, char delimiter,
                     int has_header, gint64 limit, gint64 batch_size, KvbOut *out);
void kvb_validate_csv (KvStore *store, const char *file_name, const char *key_column,
                       char delimiter, int has_header, gint64 limit, KvbOut *out);
