/* kv-options.h — KvOptions: everything openKv() accepts, validated once, in C.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <glib-object.h>
#include <libkv/kv-version-macros.h>

G_BEGIN_DECLS

/**
 * KvBackendKind:
 * @KV_BACKEND_DISK: persistent LMDB environment (the default, as in xk6-kv)
 * @KV_BACKEND_MEMORY: sharded in-memory hash tables
 */
typedef enum
{
  KV_BACKEND_DISK = 0,
  KV_BACKEND_MEMORY = 1,
} KvBackendKind;

/**
 * KvSerialization:
 * @KV_SERIALIZATION_JSON: values are canonical JSON text (the default)
 * @KV_SERIALIZATION_STRING: values are stored as the bytes given
 */
typedef enum
{
  KV_SERIALIZATION_JSON = 0,
  KV_SERIALIZATION_STRING = 1,
} KvSerialization;

/**
 * KV_DEFAULT_PATH:
 *
 * Where the disk backend keeps its store when no path is given (and where the
 * memory backend's snapshots go by default), relative to the working directory.
 */
#define KV_DEFAULT_PATH "./.k6.kv"

/** KV_MAX_SHARDS: memory.shardCount is capped here. */
#define KV_MAX_SHARDS 65536

/**
 * KvOptions:
 *
 * An opaque, copyable set of store options. Every field has the default of
 * xk6-kv's openKv(); kv_options_new_from_json() reads the JavaScript object
 * shape, so every front end validates options the same way.
 */
typedef struct _KvOptions KvOptions;

KV_AVAILABLE_IN_1_0
GType kv_options_get_type (void) G_GNUC_CONST;
#define KV_TYPE_OPTIONS (kv_options_get_type ())

/** kv_options_new: Returns: (transfer full): options with every default set. */
KV_AVAILABLE_IN_1_0
KvOptions *kv_options_new (void);

/**
 * kv_options_new_from_json:
 * @json: (nullable): the openKv() options object as JSON text; %NULL, `""`
 *   or `"null"` mean all defaults
 * @error: return location for a #GError
 *
 * Parses and validates options. A bad `backend` fails with
 * %KV_ERROR_INVALID_BACKEND, a bad `serialization` with
 * %KV_ERROR_INVALID_SERIALIZATION, anything else malformed with
 * %KV_ERROR_INVALID_OPTIONS naming the field. Unknown fields are ignored, as
 * xk6-kv ignores them.
 *
 * Returns: (transfer full) (nullable): the options, or %NULL with @error set
 */
KV_AVAILABLE_IN_1_0
KvOptions *kv_options_new_from_json (const char *json, GError **error);

KV_AVAILABLE_IN_1_0
KvOptions *kv_options_copy (const KvOptions *options);
KV_AVAILABLE_IN_1_0
void kv_options_free (KvOptions *options);

/**
 * kv_options_equal:
 *
 * Compares two option sets after normalisation (shard count 0 means the
 * number of processors, paths compared as given). Used for the process-wide
 * configuration lock-in of kv_store_open_shared().
 */
KV_AVAILABLE_IN_1_0
gboolean kv_options_equal (const KvOptions *a, const KvOptions *b);

/**
 * kv_options_to_json:
 *
 * Returns: (transfer full): the normalised options as canonical JSON, in the
 *   shape kv_options_new_from_json() reads. Free with g_free().
 */
KV_AVAILABLE_IN_1_0
char *kv_options_to_json (const KvOptions *options);

/* Core options. */
KV_AVAILABLE_IN_1_0
void kv_options_set_backend (KvOptions *options, KvBackendKind backend);
KV_AVAILABLE_IN_1_0
KvBackendKind kv_options_get_backend (const KvOptions *options);
/** kv_options_set_path: @path: (nullable): %NULL restores %KV_DEFAULT_PATH */
KV_AVAILABLE_IN_1_0
void kv_options_set_path (KvOptions *options, const char *path);
/** kv_options_get_path: Returns: (transfer none): the store path, never %NULL */
KV_AVAILABLE_IN_1_0
const char *kv_options_get_path (const KvOptions *options);
KV_AVAILABLE_IN_1_0
void kv_options_set_serialization (KvOptions *options, KvSerialization serialization);
KV_AVAILABLE_IN_1_0
KvSerialization kv_options_get_serialization (const KvOptions *options);
KV_AVAILABLE_IN_1_0
void kv_options_set_track_keys (KvOptions *options, gboolean track_keys);
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_track_keys (const KvOptions *options);
/** kv_options_set_shard_count: values <= 0 mean one shard per processor; values above %KV_MAX_SHARDS are capped. */
KV_AVAILABLE_IN_1_0
void kv_options_set_shard_count (KvOptions *options, gint64 shard_count);
/** kv_options_get_shard_count: Returns: the effective shard count (never 0) */
KV_AVAILABLE_IN_1_0
guint kv_options_get_shard_count (const KvOptions *options);
/** kv_options_set_metrics_operations: a front-end flag libkv only stores and compares. */
KV_AVAILABLE_IN_1_0
void kv_options_set_metrics_operations (KvOptions *options, gboolean enabled);
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_metrics_operations (const KvOptions *options);

/* Disk (LMDB) options; see libkv-k6(7) for how the bbolt names map onto LMDB. */
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_timeout_ms (KvOptions *options, guint64 timeout_ms);
KV_AVAILABLE_IN_1_0
guint64 kv_options_get_disk_timeout_ms (const KvOptions *options);
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_no_sync (KvOptions *options, gboolean no_sync);
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_disk_no_sync (const KvOptions *options);
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_no_grow_sync (KvOptions *options, gboolean no_grow_sync);
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_disk_no_grow_sync (const KvOptions *options);
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_read_only (KvOptions *options, gboolean read_only);
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_disk_read_only (const KvOptions *options);
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_initial_mmap_size (KvOptions *options, guint64 bytes);
KV_AVAILABLE_IN_1_0
guint64 kv_options_get_disk_initial_mmap_size (const KvOptions *options);
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_mlock (KvOptions *options, gboolean mlock);
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_disk_mlock (const KvOptions *options);
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_map_size (KvOptions *options, guint64 bytes);
KV_AVAILABLE_IN_1_0
guint64 kv_options_get_disk_map_size (const KvOptions *options);
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_max_readers (KvOptions *options, guint max_readers);
KV_AVAILABLE_IN_1_0
guint kv_options_get_disk_max_readers (const KvOptions *options);
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_write_map (KvOptions *options, gboolean write_map);
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_disk_write_map (const KvOptions *options);
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_no_read_ahead (KvOptions *options, gboolean no_read_ahead);
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_disk_no_read_ahead (const KvOptions *options);

/**
 * kv_options_get_disk_ignored:
 *
 * bbolt-only options (`noFreelistSync`, `preLoadFreelist`, `freelistType`)
 * have no LMDB meaning; they are validated, kept for kv_options_equal(), and
 * listed here so stats() can report them as ignored.
 *
 * Returns: (transfer full): a %NULL-terminated array of the option names the
 *   user set that libkv ignores; free with g_strfreev().
 */
KV_AVAILABLE_IN_1_0
char **kv_options_get_disk_ignored (const KvOptions *options);

/**
 * kv_parse_duration_ms:
 * @text: a Go-style duration (`"1s"`, `"1m30s"`, `"250ms"`) or a plain number of milliseconds
 *
 * Returns: %TRUE and sets @out_ms if @text is a valid non-negative duration.
 */
KV_AVAILABLE_IN_1_0
gboolean kv_parse_duration_ms (const char *text, guint64 *out_ms, GError **error);

/**
 * kv_parse_size:
 * @text: a byte count: digits, optionally followed by an SI (`kB`, `MB`, `GB`, `TB`)
 *   or IEC (`KiB`, `MiB`, `GiB`, `TiB`) unit, or `B`
 *
 * Returns: %TRUE and sets @out_bytes if @text is valid.
 */
KV_AVAILABLE_IN_1_0
gboolean kv_parse_size (const char *text, guint64 *out_bytes, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvOptions, kv_options_free)

G_END_DECLS
