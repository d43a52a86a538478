/* kv-progress.h — progress reports from long operations, and stopping them.
 *
 * Exports, imports, backups, restores and verifications can take minutes on
 * a large store. Their `_full` variants take a #KvProgressFunc: libkv calls
 * it on the calling thread as the work advances, and the caller may draw a
 * progress bar or stop the work by returning %FALSE.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <glib.h>
#include <libkv/kv-version-macros.h>

G_BEGIN_DECLS

/**
 * KvProgressStage:
 * @KV_PROGRESS_STAGE_CHECKSUM: hashing a snapshot file to check its
 *   checksum; @bytes and @bytes_total count the file
 * @KV_PROGRESS_STAGE_CHECKING: reading every record of a snapshot before
 *   anything is changed; @records_total is the count the snapshot records
 *   (0 for a plain store file)
 * @KV_PROGRESS_STAGE_COPYING: moving records: export (@records_total known),
 *   import (@bytes_total is the input file's size, 0 when it is not a
 *   regular file) or backup (@records_total is the store's size when the
 *   copy began)
 * @KV_PROGRESS_STAGE_COMMITTING: the last step — flushing and publishing a
 *   file, compacting a snapshot, or writing a restore into the store. It has
 *   no counts and cannot be stopped: the callback's result is ignored.
 *
 * What an operation is doing. An operation goes through its stages in this
 * order, skipping those it has not got.
 *
 * Since: 1.0
 */
typedef enum
{
  KV_PROGRESS_STAGE_CHECKSUM,
  KV_PROGRESS_STAGE_CHECKING,
  KV_PROGRESS_STAGE_COPYING,
  KV_PROGRESS_STAGE_COMMITTING,
} KvProgressStage;

/**
 * KvProgress:
 * @stage: what the operation is doing
 * @records: records (entries, lines, rows) handled in this stage so far
 * @records_total: records this stage will handle, 0 when not known
 * @bytes: bytes read or written in this stage so far
 * @bytes_total: bytes this stage will handle, 0 when not known
 *
 * A progress report, owned by libkv and valid during the callback only.
 * Counts never go down within a stage. A total is an estimate made when the
 * stage began (concurrent writers can change a store meanwhile), so @records
 * may pass @records_total. Every stage is reported when it begins and when
 * it ends, and in between at most every 256 records or 1 MiB.
 * libkv only ever allocates it: new members may be added at the end.
 *
 * Since: 1.0
 */
typedef struct
{
  KvProgressStage stage;
  guint64 records;
  guint64 records_total;
  guint64 bytes;
  guint64 bytes_total;
} KvProgress;

/**
 * KvProgressFunc:
 * @progress: how far the operation got
 * @user_data: (closure): the data given with the callback
 *
 * Called on the thread that called the operation, possibly while the store
 * holds locks (a consistent memory backup pauses writers): it must not call
 * libkv on the same store, and it should return quickly — throttle drawing
 * in the callback, not in libkv.
 *
 * Returns: %TRUE to go on; %FALSE to stop the operation, which then fails
 *   with %KV_ERROR_OPERATION_CANCELED and leaves things as any other
 *   failure at that point would (no new file; an import keeps the batches
 *   it committed before).
 *
 * Since: 1.0
 */
typedef gboolean (*KvProgressFunc) (const KvProgress *progress, gpointer user_data);

G_END_DECLS
