/* kv-lmdb-preflight-private.h — checks a file with plain reads before LMDB maps it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "kv-error.h"

G_BEGIN_DECLS

/* What the preflight learnt about a file. The meta-record fields are only
 * filled when the file's catalogue could be read consistently (meta_read). */
typedef struct
{
  gboolean exists; /* FALSE: no file at the path (creating it is the caller's business) */
  gboolean empty;  /* exists with 0 bytes: LMDB will initialise it */
  guint64 file_size;
  guint32 page_size;    /* of the meta page LMDB will use */
  guint64 last_page;    /* its last used page number */
  guint64 main_entries; /* records in the main database (named databases, for libkv) */

  gboolean meta_read;   /* the lookups below ran on a stable copy of the catalogue */
  gboolean has_meta_db; /* a "meta" named database exists */
  gboolean has_format;  /* meta holds "format"; its value is in format[] */
  char format[64];
  gboolean snapshot_meta; /* meta holds snapshot_created_at or snapshot_entries */
} KvLmdbPreflight;

/* Refuses, with plain stat/open/pread calls and never mmap, what would make
 * LMDB hang or crash when it maps @path: a path that is not a regular file
 * (FIFO, socket, device: KV_ERROR_DISK_PATH for stores), meta pages without
 * LMDB's magic and version, a page size that is not a power of two from 512
 * to 64 KiB, a last page beyond the end of the file (truncation), database
 * roots beyond the last page. @code is the KvError for damage; @what names
 * the file in messages ("store", "snapshot"). A missing file passes with
 * exists FALSE. Then reads the "meta" database's records libkv needs
 * (format, snapshot marks) through bounds-checked reads, never LMDB. */
gboolean _kv_lmdb_preflight (const char *path, const char *what, KvError code, KvError path_code,
                             KvLmdbPreflight *out, GError **error);

G_END_DECLS
