/* kv-snapshot.h — backup and restore: whole-store snapshots in LMDB files.
 *
 * A snapshot is a file in the disk backend's own format (an LMDB file with
 * the "k6" and "meta" databases) plus snapshot metadata: entry count and
 * creation time, and a trailer with the SHA-256 of the LMDB part, checked
 * before LMDB reads the file (LMDB itself does not checksum pages). It holds
 * keys and values, not claims. Because it is a
 * store file, a snapshot of a memory store taken to ./.k6.kv is what a later
 * run with backend "disk" opens by default.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <glib-object.h>
#include <libkv/kv-version-macros.h>
#include <libkv/kv-options.h>
#include <libkv/kv-progress.h>
#include <libkv/kv-store.h>

G_BEGIN_DECLS

/**
 * KvBackupSummary:
 * @entries: entries written
 * @bytes: size of the snapshot file
 * @best_effort: %TRUE when writers were not paused (memory backend with
 *   allow_concurrent_writes): the snapshot may mix moments
 * @warning: (nullable): a static sentence for @best_effort snapshots
 * @no_op: the file named is the live disk store itself: nothing was written
 *
 * What a backup wrote.
 *
 * Since: 1.0
 */
typedef struct
{
  guint64 entries;
  guint64 bytes;
  gboolean best_effort;
  const char *warning;
  gboolean no_op;
} KvBackupSummary;

/**
 * kv_store_backup:
 * @store: a #KvStore
 * @file_name: (nullable): where to write; %NULL or "" means the store's path
 *   option (%KV_DEFAULT_PATH unless set): on the memory backend the file a
 *   later disk run opens by default, on the disk backend the live file (a no-op)
 * @allow_concurrent_writes: memory backend: do not pause writers (best
 *   effort). The disk backend always takes a consistent snapshot without
 *   pausing writers.
 * @max_entries: fail with %KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED beyond this many entries (0 or less: no limit)
 * @max_bytes: ... or beyond this many bytes of keys and values (0 or less: no limit)
 * @out_summary: (out caller-allocates) (optional): what was written
 * @error: return location for a #GError, or %NULL
 *
 * Writes a snapshot atomically (temporary file, fsync, rename, directory
 * fsync). A second backup on the same store while one runs fails with
 * %KV_ERROR_BACKUP_IN_PROGRESS; one during a restore with
 * %KV_ERROR_RESTORE_IN_PROGRESS.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_backup (KvStore *store, const char *file_name,
                                                    gboolean allow_concurrent_writes,
                                                    gint64 max_entries, gint64 max_bytes,
                                                    KvBackupSummary *out_summary, GError **error);

/**
 * kv_store_backup_full:
 * @store: a #KvStore
 * @file_name: (nullable): as for kv_store_backup()
 * @allow_concurrent_writes: as for kv_store_backup()
 * @max_entries: as for kv_store_backup()
 * @max_bytes: as for kv_store_backup()
 * @progress: (nullable) (scope call): called as the backup advances (stages
 *   COPYING, records_total the store's size when it began, then
 *   COMMITTING); %FALSE from it during COPYING stops the backup with
 *   %KV_ERROR_OPERATION_CANCELED and no file is written. With a consistent
 *   memory backup it runs while writers are paused.
 * @progress_data: (closure progress): data for @progress
 * @out_summary: (out caller-allocates) (optional): what was written
 * @error: return location for a #GError, or %NULL
 *
 * kv_store_backup() with progress reports. The no-op backup of a disk store
 * onto its own file reports nothing.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean
kv_store_backup_full (KvStore *store, const char *file_name, gboolean allow_concurrent_writes,
                      gint64 max_entries, gint64 max_bytes, KvProgressFunc progress,
                      gpointer progress_data, KvBackupSummary *out_summary, GError **error);

/**
 * KvRestoreSummary:
 * @entries: entries now in the store
 * @bytes: size of the snapshot file
 * @no_op: the file named is the live disk store itself: nothing changed
 *
 * What a restore did.
 *
 * Since: 1.0
 */
typedef struct
{
  guint64 entries;
  guint64 bytes;
  gboolean no_op;
} KvRestoreSummary;

/**
 * kv_store_restore:
 * @store: a #KvStore
 * @file_name: (nullable): as for kv_store_backup()
 * @max_entries: refuse snapshots with more entries (0 or less: no limit)
 * @max_bytes: refuse snapshots with more bytes of keys and values (0 or less: no limit)
 * @out_summary: (out caller-allocates) (optional): what the restore did
 * @error: return location for a #GError, or %NULL
 *
 * Replaces every key of the store (and drops every claim) with the
 * snapshot's contents, atomically for other callers. The snapshot is
 * checked completely first: a missing (%KV_ERROR_SNAPSHOT_NOT_FOUND),
 * unreadable (%KV_ERROR_SNAPSHOT_PERMISSION), empty, foreign or corrupt
 * (%KV_ERROR_SNAPSHOT_READ) file, one without a "k6" database
 * (%KV_ERROR_SNAPSHOT_KEY_MISSING) or over budget
 * (%KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED) leaves the store untouched.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_restore (KvStore *store, const char *file_name,
                                                     gint64 max_entries, gint64 max_bytes,
                                                     KvRestoreSummary *out_summary, GError **error);

/**
 * kv_store_restore_full:
 * @store: a #KvStore
 * @file_name: (nullable): as for kv_store_backup()
 * @max_entries: as for kv_store_restore()
 * @max_bytes: as for kv_store_restore()
 * @progress: (nullable) (scope call): called as the restore advances
 *   (stages CHECKSUM and CHECKING while the snapshot is checked, then
 *   COMMITTING while the store is replaced); %FALSE from it before
 *   COMMITTING stops the restore with %KV_ERROR_OPERATION_CANCELED and the
 *   store is untouched
 * @progress_data: (closure progress): data for @progress
 * @out_summary: (out caller-allocates) (optional): what the restore did
 * @error: return location for a #GError, or %NULL
 *
 * kv_store_restore() with progress reports.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_store_restore_full (
    KvStore *store, const char *file_name, gint64 max_entries, gint64 max_bytes,
    KvProgressFunc progress, gpointer progress_data, KvRestoreSummary *out_summary, GError **error);

/**
 * KvSnapshotInfo:
 * @entries: entries in the file
 * @bytes: bytes of keys and values
 * @file_size: size of the file
 * @created_at: creation time (Unix ms), 0 for a store file that is not a snapshot
 * @serialization: the serialization the data was written with
 * @claims: claim records in the file (a live store file has them; snapshots do not)
 *
 * What kv_snapshot_verify() found in a file.
 *
 * Since: 1.0
 */
typedef struct
{
  guint64 entries;
  guint64 bytes;
  guint64 file_size;
  gint64 created_at;
  KvSerialization serialization;
  guint64 claims;
} KvSnapshotInfo;

/**
 * kv_snapshot_verify:
 * @file_name: the snapshot or store file
 * @out_info: (out caller-allocates) (optional): what the file holds
 * @error: return location for a #GError, or %NULL
 *
 * Reads a snapshot (or a closed disk store file) completely and checks every
 * key and, for json serialization, every value. Errors as kv_store_restore().
 *
 * Returns: %TRUE if the file is sound, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_snapshot_verify (const char *file_name,
                                                       KvSnapshotInfo *out_info, GError **error);

/**
 * kv_snapshot_verify_full:
 * @file_name: the snapshot or store file
 * @progress: (nullable) (scope call): called as the check advances (stages
 *   CHECKSUM for a snapshot, then CHECKING); %FALSE from it stops the check
 *   with %KV_ERROR_OPERATION_CANCELED
 * @progress_data: (closure progress): data for @progress
 * @out_info: (out caller-allocates) (optional): what the file holds
 * @error: return location for a #GError, or %NULL
 *
 * kv_snapshot_verify() with progress reports.
 *
 * Returns: %TRUE if the file is sound, %FALSE with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
G_GNUC_WARN_UNUSED_RESULT gboolean kv_snapshot_verify_full (const char *file_name,
                                                            KvProgressFunc progress,
                                                            gpointer progress_data,
                                                            KvSnapshotInfo *out_info,
                                                            GError **error);

G_END_DECLS
