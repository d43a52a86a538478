/* kv-file-private.h — files libkv writes (atomically) and reads, with typed errors.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stdio.h>
#include <sys/types.h>

#include "kv.h"
#include "kv-progress-private.h"

G_BEGIN_DECLS

/* What a file that is not a regular one is, for messages ("a FIFO (named pipe)", ...). */
const char *_kv_file_kind (mode_t mode);

/* A file being written under a temporary name in its final directory. */
typedef struct
{
  char *path;       /* the final name */
  char *tmp_path;   /* where it is written until committed */
  char *store_path; /* the live store's data file, never to be replaced (nullable) */
  int fd;
} KvAtomicFile;

/* Creates the temporary file, and the missing directories of @path (0750).
 * Refuses (SNAPSHOT_EXPORT) a @path that must not be replaced: one that
 * exists and is not a regular file (directory, FIFO, socket, device, or a
 * symbolic link, which is neither followed nor replaced), @store_path
 * (nullable: the live store's data file) or its -lock file, the same inode
 * as either, and any "X-lock" where X is an LMDB data file. A regular file
 * that is replaced keeps its mode (and owner, where permitted); a new one is
 * created 0644 minus the umask. SNAPSHOT_PERMISSION / SNAPSHOT_EXPORT /
 * SNAPSHOT_IO on failure. */
gboolean _kv_atomic_file_begin (KvAtomicFile *file, const char *path, const char *store_path,
                                GError **error);
/* Writes all of @data (SNAPSHOT_IO on failure; ENOSPC says the disk is full). */
gboolean _kv_atomic_file_write (KvAtomicFile *file, const void *data, gsize len, GError **error);
/* fsync, check @path again as begin did (it may have changed meanwhile), rename over it,
 * fsync the directory. */
gboolean _kv_atomic_file_commit (KvAtomicFile *file, GError **error);
/* Removes the temporary file; safe after commit and on a file never begun. */
void _kv_atomic_file_abort (KvAtomicFile *file);

/* fopen for reading with typed errors: SNAPSHOT_NOT_FOUND, SNAPSHOT_PERMISSION, SNAPSHOT_READ. */
FILE *_kv_file_open_read (const char *path, GError **error);
/* The size of a regular file open as @f; 0 for pipes and the like (or on error). */
guint64 _kv_file_size (FILE *f);

/* Appends one entry's line(s) to @out; FALSE with @error set to abort the export. */
typedef gboolean (*KvEntryFormatter) (GString *out, KvEntry *entry, gpointer data, GError **error);

/* Exports the entries with @prefix (at most @max, 0: all) in key order to
 * @file_name, atomically: @header (nullable) first, then @format per entry.
 * Reads page by page, so memory stays bounded whatever the store holds.
 * Reports the COPYING stage (records_total: the matching keys, counted
 * first when @progress listens) and COMMITTING. */
gboolean _kv_export_entries (KvStore *store, const char *file_name, const char *prefix, guint64 max,
                             const char *header, KvEntryFormatter format, gpointer data,
                             KvProgressReporter *progress, KvTransferSummary *out_summary,
                             GError **error);

/* Fails an import (@what: "importJSONL") of @file_name with @cause's code and
 * a message saying what was committed before: @committed records through
 * @place (@place_name: "line" or "row"), and that the rest was not written. */
void _kv_import_set_error (GError **error, const GError *cause, const char *what,
                           const char *file_name, const char *records_name, const char *place_name,
                           const KvTransferSummary *committed, guint64 place);

/* Sets @error from errno for an operation on @path. */
void _kv_file_set_errno_error (GError **error, int err, KvError fallback, const char *what,
                               const char *path);

G_END_DECLS
