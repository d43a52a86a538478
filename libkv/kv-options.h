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
 *
 * Where a store keeps its data; the `backend` option. The nicks of
 * %KV_TYPE_BACKEND_KIND, `"disk"` and `"memory"`, are the option's values.
 *
 * Since: 1.0
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
 *
 * How a store keeps values; the `serialization` option, whose values are the
 * nicks of %KV_TYPE_SERIALIZATION. A disk store keeps the serialization it was
 * created with.
 *
 * Since: 1.0
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
 *
 * Since: 1.0
 */
#define KV_DEFAULT_PATH "./.k6.kv"

/**
 * KV_MAX_SHARDS:
 *
 * The most shards a memory store has: larger `memory.shardCount` values are
 * capped here.
 *
 * Since: 1.0
 */
#define KV_MAX_SHARDS 65536

/**
 * KvOptions:
 *
 * An opaque, copyable set of store options. Every field has the default of
 * xk6-kv's openKv(); kv_options_new_from_json() reads the JavaScript object
 * shape, so every front end validates options the same way. Boxed: copy with
 * kv_options_copy(), free with kv_options_free(). The setters do not
 * validate beyond their types; kv_store_open() does.
 *
 * Since: 1.0
 */
typedef struct _KvOptions KvOptions;

KV_AVAILABLE_IN_1_0
GType kv_options_get_type (void) G_GNUC_CONST;
#define KV_TYPE_OPTIONS (kv_options_get_type ())

/**
 * kv_options_new:
 *
 * Makes a set of options with every default of openKv(): the disk backend at
 * %KV_DEFAULT_PATH, json serialization, no key tracking, one shard per
 * processor, a 1 s disk timeout.
 *
 * Returns: (transfer full): new options; free them with kv_options_free()
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvOptions *kv_options_new (void);

/**
 * kv_options_copy:
 * @options: options
 *
 * Copies @options.
 *
 * Returns: (transfer full): a new, equal set of options; free it with kv_options_free()
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvOptions *kv_options_copy (const KvOptions *options);

/**
 * kv_options_free:
 * @options: (nullable) (transfer full): options
 *
 * Frees @options; %NULL is ignored.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_free (KvOptions *options);

/**
 * kv_options_equal:
 * @a: options
 * @b: other options
 *
 * Compares two option sets after normalisation (shard count 0 means the
 * number of processors, paths compared as given), ignored bbolt options
 * included. Used for the process-wide configuration lock-in of
 * kv_store_open_shared().
 *
 * Returns: %TRUE if @a and @b open the same store the same way
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_options_equal (const KvOptions *a, const KvOptions *b);

/* Core options. */
/**
 * kv_options_set_backend:
 * @options: options
 * @backend: the backend
 *
 * Sets the `backend` option: where the store keeps its data.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_backend (KvOptions *options, KvBackendKind backend);
/**
 * kv_options_get_backend:
 * @options: options
 *
 * Gets the `backend` option.
 *
 * Returns: the backend, %KV_BACKEND_DISK unless set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvBackendKind kv_options_get_backend (const KvOptions *options);
/**
 * kv_options_set_path:
 * @options: options
 * @path: (nullable): the store file, relative to the working directory; %NULL or `""`
 *   restore %KV_DEFAULT_PATH
 *
 * Sets the `path` option: the disk store's file (LMDB adds a `-lock` file
 * next to it), and the memory backend's default snapshot file.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_path (KvOptions *options, const char *path);
/**
 * kv_options_get_path:
 * @options: options
 *
 * Gets the `path` option.
 *
 * Returns: (transfer none): the store path, never %NULL; valid until the
 *   path is set again or @options is freed
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
const char *kv_options_get_path (const KvOptions *options);
/**
 * kv_options_set_serialization:
 * @options: options
 * @serialization: how values are stored
 *
 * Sets the `serialization` option.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_serialization (KvOptions *options, KvSerialization serialization);
/**
 * kv_options_get_serialization:
 * @options: options
 *
 * Gets the `serialization` option.
 *
 * Returns: the serialization, %KV_SERIALIZATION_JSON unless set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvSerialization kv_options_get_serialization (const KvOptions *options);
/**
 * kv_options_set_track_keys:
 * @options: options
 * @track_keys: %TRUE to keep an ordered key index
 *
 * Sets the `trackKeys` option: keep an ordered in-memory key index, for
 * faster key sampling and counting.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_track_keys (KvOptions *options, gboolean track_keys);
/**
 * kv_options_get_track_keys:
 * @options: options
 *
 * Gets the `trackKeys` option.
 *
 * Returns: %TRUE if the store keeps an ordered key index
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_track_keys (const KvOptions *options);
/**
 * kv_options_set_shard_count:
 * @options: options
 * @shard_count: shards of the memory backend; 0 or less: one per processor;
 *   values above %KV_MAX_SHARDS are capped
 *
 * Sets the `memory.shardCount` option. The value is normalised at once:
 * kv_options_get_shard_count() returns the count that will be used.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_shard_count (KvOptions *options, gint64 shard_count);
/**
 * kv_options_get_shard_count:
 * @options: options
 *
 * Gets the normalised `memory.shardCount` option.
 *
 * Returns: the effective shard count, 1 .. %KV_MAX_SHARDS
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
guint kv_options_get_shard_count (const KvOptions *options);
/* Disk (LMDB) options; see libkv-k6(7) for how the bbolt names map onto LMDB. */
/**
 * kv_options_set_disk_timeout_ms:
 * @options: options
 * @timeout_ms: milliseconds
 *
 * Sets the `disk.timeout` option: how long opening a disk store waits for
 * the environment. The default is 1000.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_timeout_ms (KvOptions *options, guint64 timeout_ms);
/**
 * kv_options_get_disk_timeout_ms:
 * @options: options
 *
 * Gets the `disk.timeout` option.
 *
 * Returns: the timeout in milliseconds
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
guint64 kv_options_get_disk_timeout_ms (const KvOptions *options);
/**
 * kv_options_set_disk_no_sync:
 * @options: options
 * @no_sync: %TRUE to skip the flush
 *
 * Sets the `disk.noSync` option: do not flush to disk on commit (LMDB
 * `MDB_NOSYNC`). Faster, but a system crash can lose the last writes.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_no_sync (KvOptions *options, gboolean no_sync);
/**
 * kv_options_get_disk_no_sync:
 * @options: options
 *
 * Gets the `disk.noSync` option.
 *
 * Returns: %TRUE if commits are not flushed
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_disk_no_sync (const KvOptions *options);
/**
 * kv_options_set_disk_no_grow_sync:
 * @options: options
 * @no_grow_sync: %TRUE to skip the meta-page flush
 *
 * Sets the `disk.noGrowSync` option: do not flush the meta page on commit
 * (LMDB `MDB_NOMETASYNC`).
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_no_grow_sync (KvOptions *options, gboolean no_grow_sync);
/**
 * kv_options_get_disk_no_grow_sync:
 * @options: options
 *
 * Gets the `disk.noGrowSync` option.
 *
 * Returns: %TRUE if the meta page is not flushed on commit
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_disk_no_grow_sync (const KvOptions *options);
/**
 * kv_options_set_disk_read_only:
 * @options: options
 * @read_only: %TRUE to open read-only
 *
 * Sets the `disk.readOnly` option: open the store read-only (LMDB
 * `MDB_RDONLY`). Every write then fails with %KV_ERROR_STORE_READ_ONLY; the
 * file and its "k6" database must exist already.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_read_only (KvOptions *options, gboolean read_only);
/**
 * kv_options_get_disk_read_only:
 * @options: options
 *
 * Gets the `disk.readOnly` option.
 *
 * Returns: %TRUE if the store is opened read-only
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_disk_read_only (const KvOptions *options);
/**
 * kv_options_set_disk_initial_mmap_size:
 * @options: options
 * @bytes: the initial map size in bytes; the map starts at 64 MiB or at this, whichever
 *   is larger
 *
 * Sets the `disk.initialMmapSize` option: the initial size of the memory
 * map, used when `disk.mapSize` is not set. The map grows by itself when it fills.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_initial_mmap_size (KvOptions *options, guint64 bytes);
/**
 * kv_options_get_disk_initial_mmap_size:
 * @options: options
 *
 * Gets the `disk.initialMmapSize` option.
 *
 * Returns: the initial map size in bytes, 0 when not set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
guint64 kv_options_get_disk_initial_mmap_size (const KvOptions *options);
/**
 * kv_options_set_disk_mlock:
 * @options: options
 * @mlock: %TRUE to lock the map in RAM
 *
 * Sets the `disk.mlock` option: lock the mapped pages in RAM where the
 * system allows it.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_mlock (KvOptions *options, gboolean mlock);
/**
 * kv_options_get_disk_mlock:
 * @options: options
 *
 * Gets the `disk.mlock` option.
 *
 * Returns: %TRUE if the map is locked in RAM
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_disk_mlock (const KvOptions *options);
/**
 * kv_options_set_disk_map_size:
 * @options: options
 * @bytes: the map size in bytes; 0 keeps the default
 *
 * Sets the `disk.mapSize` option: LMDB's map size (`mdb_env_set_mapsize`).
 * The map still grows by itself when it fills; below 1 MiB it starts at 1 MiB.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_map_size (KvOptions *options, guint64 bytes);
/**
 * kv_options_get_disk_map_size:
 * @options: options
 *
 * Gets the `disk.mapSize` option.
 *
 * Returns: the map size in bytes, 0 when not set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
guint64 kv_options_get_disk_map_size (const KvOptions *options);
/**
 * kv_options_set_disk_max_readers:
 * @options: options
 * @max_readers: the most readers; 0 keeps LMDB's default of 126
 *
 * Sets the `disk.maxReaders` option: the most read transactions at once
 * across all processes using the store.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_max_readers (KvOptions *options, guint max_readers);
/**
 * kv_options_get_disk_max_readers:
 * @options: options
 *
 * Gets the `disk.maxReaders` option.
 *
 * Returns: the most readers, 0 when not set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
guint kv_options_get_disk_max_readers (const KvOptions *options);
/**
 * kv_options_set_disk_write_map:
 * @options: options
 * @write_map: %TRUE to write through the map
 *
 * Sets the `disk.writeMap` option: write through a writable memory map (LMDB
 * `MDB_WRITEMAP`). A full disk during such writes is a SIGBUS.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_write_map (KvOptions *options, gboolean write_map);
/**
 * kv_options_get_disk_write_map:
 * @options: options
 *
 * Gets the `disk.writeMap` option.
 *
 * Returns: %TRUE if writes go through the map
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_disk_write_map (const KvOptions *options);
/**
 * kv_options_set_disk_no_read_ahead:
 * @options: options
 * @no_read_ahead: %TRUE to turn read-ahead off
 *
 * Sets the `disk.noReadAhead` option: turn the system's read-ahead off (LMDB
 * `MDB_NORDAHEAD`), which helps when the store is larger than RAM.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_disk_no_read_ahead (KvOptions *options, gboolean no_read_ahead);
/**
 * kv_options_get_disk_no_read_ahead:
 * @options: options
 *
 * Gets the `disk.noReadAhead` option.
 *
 * Returns: %TRUE if read-ahead is off
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_disk_no_read_ahead (const KvOptions *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvOptions, kv_options_free)

G_END_DECLS
