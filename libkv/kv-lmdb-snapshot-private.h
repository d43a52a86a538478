/* kv-lmdb-snapshot-private.h — snapshot files, read and written without LMDB showing.
 *
 * A snapshot is an LMDB environment in libkv's format (kv-lmdb-format-private.h)
 * followed by a checksum trailer. kv-snapshot.c decides what goes in and what
 * is accepted; this interface does the file work, so that code never sees LMDB.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kv-file-private.h"
#include "kv-progress-private.h"
#include "kv-value-private.h"

G_BEGIN_DECLS

/* The format name a libkv file records ("libkv-lmdb-1"), for messages. */
const char *_kv_lmdb_format_name (void);

typedef struct _KvLmdbSnapshotReader KvLmdbSnapshotReader;

/* Opens @path for reading after every check that keeps a damaged or crafted
 * file from crashing LMDB: a regular file, its checksum trailer, the
 * preflight, a walk of every page in a child process, truncation. A plain
 * store file (no trailer) opens too. Errors are KV_ERROR_SNAPSHOT_*. */
KvLmdbSnapshotReader *_kv_lmdb_snapshot_open (const char *path, KvProgressReporter *progress,
                                              GError **error);
void _kv_lmdb_snapshot_close (KvLmdbSnapshotReader *r);
guint64 _kv_lmdb_snapshot_file_size (KvLmdbSnapshotReader *r);
/* What a file's meta records say about it. */
typedef struct
{
  gboolean libkv_format;         /* its format record names this library's format */
  gboolean has_serialization;    /* it records a serialization... */
  gboolean serialization_known;  /* ...that is "json" or "string" */
  KvSerialization serialization; /* that one; JSON when none is recorded */
  gint64 created_at;             /* ms since the epoch; 0 when not recorded */
  guint64 recorded_entries;      /* the entry count the writer recorded; 0 when not */
  guint64 claims;                /* claim records (backups write none; a store file may) */
} KvLmdbSnapshotHeader;

void _kv_lmdb_snapshot_header (KvLmdbSnapshotReader *r, KvLmdbSnapshotHeader *out);
/* The next entry in key order (the first after a rewind), borrowed until the
 * next call; FALSE at the end or, with @error set (SNAPSHOT_READ, its message
 * the reason alone, for the caller to put in context), when reading fails. */
gboolean _kv_lmdb_snapshot_next (KvLmdbSnapshotReader *r, const void **key, gsize *key_len,
                                 const void **value, gsize *value_len, GError **error);
void _kv_lmdb_snapshot_rewind (KvLmdbSnapshotReader *r);
/* <0, 0, >0 as @a sorts before, with or after @b in the file's key order. */
int _kv_lmdb_snapshot_compare_keys (KvLmdbSnapshotReader *r, const void *a, gsize a_len,
                                    const void *b, gsize b_len);

typedef struct _KvLmdbSnapshotWriter KvLmdbSnapshotWriter;

/* Starts a snapshot that @file will publish: LMDB writes a scratch file next
 * to it, and its compacted copy becomes @file's contents. */
KvLmdbSnapshotWriter *_kv_lmdb_snapshot_writer_new (KvAtomicFile *file, GError **error);
/* Adds one entry; commits in chunks, so no transaction grows large. */
gboolean _kv_lmdb_snapshot_writer_put (KvLmdbSnapshotWriter *w, const void *key, gsize key_len,
                                       const void *value, gsize value_len, GError **error);
/* Writes the meta records, copies the data compacted into the file and
 * appends the checksum trailer. Committing the file is the caller's. */
gboolean _kv_lmdb_snapshot_writer_finish (KvLmdbSnapshotWriter *w, KvSerialization mode,
                                          guint64 entries, GError **error);
/* Closes LMDB and removes the scratch file; NULL is ignored. */
void _kv_lmdb_snapshot_writer_free (KvLmdbSnapshotWriter *w);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvLmdbSnapshotReader, _kv_lmdb_snapshot_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KvLmdbSnapshotWriter, _kv_lmdb_snapshot_writer_free)

G_END_DECLS
