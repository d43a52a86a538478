/* kv-lmdb-pages-private.h — LMDB's pages read with plain, bounds-checked reads.
 *
 * The preflight (meta pages and libkv's catalogue) and the page check (every
 * tree of one snapshot) read LMDB files without LMDB, which trusts them.
 * Everything here uses pread on a descriptor and checks every offset
 * before using it, so no file can make it read out of bounds.
 *
 * The on-disk layout relied on (LMDB 0.9, data version 1; all fields in the
 * machine's byte order, W = sizeof (size_t), page numbers are W bytes):
 *
 * - The file is an array of pages of one size. Every page starts with a
 *   header of W + 8 bytes: its own page number (W), 2 bytes of padding, 2
 *   bytes of flags (1 branch, 2 leaf, 4 overflow, 8 meta, 0x20 fixed-size
 *   leaf), then for tree pages the 2-byte offsets "lower" and "upper" that
 *   bound the free space (for overflow pages a 4-byte page count instead).
 * - Pages 0 and 1 are meta pages; LMDB reads page 0, finds the page size in
 *   it, reads page 1 at that offset and uses the one with the higher
 *   transaction id. After the header a meta page holds a 4-byte magic
 *   (0xBEEFC0DE), a 4-byte format version, the map address (a pointer), the
 *   map size (W), two database records (the free-page list and the main
 *   database) and then the last used page number (W) and the transaction
 *   id (W).
 * - A database record is 8 + 5W bytes: 4 bytes that hold the page size in
 *   the free list's record, 2 bytes of flags, 2 bytes of depth, counts of
 *   branch, leaf and overflow pages and of entries (W each) and the root
 *   page number (W; all ones when the database is empty).
 * - A tree page's node offsets follow its header (2 bytes each, counted
 *   from the page start; their number is (lower - header) / 2). A node is 8
 *   bytes — two 16-bit halves of the data size (in a branch node: of the
 *   child page number, whose top 16 bits sit in the flags field on 64-bit
 *   systems), 2 bytes of flags (1: the value is on overflow pages, 2: the
 *   value is a database record), 2 bytes of key size — then the key and
 *   the value. Branch node 0's key is empty and stands for "everything
 *   smaller". Keys of the main database (the names of named databases) and
 *   of libkv's "meta" database sort by memcmp, shorter first on a tie.
 * - A value too large for its leaf lives on overflow pages: the node's
 *   value field holds the first page's number (W bytes), its size field
 *   the value's size; that page is flagged 4, holds the number of pages
 *   (4 bytes at W + 4) and the value follows its header across the run.
 * - The free-page list is a tree keyed by transaction id (a W-byte integer,
 *   sorted as a number) whose values are lists of page numbers: a W-byte
 *   count, then that many W-byte page numbers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

#define KV_LMDB_W ((gsize) sizeof (gsize))
#define KV_LMDB_PAGE_HEADER (KV_LMDB_W + 8)
#define KV_LMDB_NODE_HEADER 8
/* A database record: pad (4), flags (2), depth (2), branch, leaf and overflow
 * page counts, entries, root (W each). */
#define KV_LMDB_DB_RECORD (8 + 5 * KV_LMDB_W)
#define KV_LMDB_DB_FLAGS 4
#define KV_LMDB_DB_DEPTH 6
#define KV_LMDB_DB_ENTRIES (8 + 3 * KV_LMDB_W)
#define KV_LMDB_DB_ROOT (8 + 4 * KV_LMDB_W)
/* Page number "none": an empty database's root (all ones in a W-byte word). */
#define KV_LMDB_NO_PAGE ((guint64) G_MAXSIZE)

/* Page flags. */
#define KV_LMDB_P_BRANCH 0x01
#define KV_LMDB_P_LEAF 0x02
#define KV_LMDB_P_OVERFLOW 0x04
#define KV_LMDB_P_META 0x08
#define KV_LMDB_P_LEAF2 0x20
/* Leaf node flags. */
#define KV_LMDB_F_BIGDATA 0x01
#define KV_LMDB_F_SUBDATA 0x02
#define KV_LMDB_F_DUPDATA 0x04
/* Database flags (the record's flags field). */
#define KV_LMDB_DB_INTEGERKEY 0x08

/* LMDB's cursors hold 32 levels: no sound tree is deeper. */
#define KV_LMDB_MAX_DEPTH 32

/* One of the two meta pages. */
typedef struct
{
  guint64 txnid;
  guint64 last_page; /* the last page in use */
  guint8 free_db[KV_LMDB_DB_RECORD];
  guint8 main_db[KV_LMDB_DB_RECORD];
} KvLmdbMeta;

/* An open LMDB file and what its meta pages say. */
typedef struct
{
  int fd;
  guint64 file_size;
  guint32 page_size;
  KvLmdbMeta meta[2];
  int newest; /* the meta page LMDB uses: the higher transaction id */
} KvLmdbFile;

static inline guint16
_kv_lmdb_u16 (const guint8 *p)
{
  guint16 v;
  memcpy (&v, p, sizeof v);
  return v;
}

static inline guint32
_kv_lmdb_u32 (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, sizeof v);
  return v;
}

/* A W-byte word; all ones is KV_LMDB_NO_PAGE. */
static inline guint64
_kv_lmdb_word (const guint8 *p)
{
  gsize v;
  memcpy (&v, p, sizeof v);
  return v == G_MAXSIZE ? KV_LMDB_NO_PAGE : (guint64) v;
}

/* A leaf node's value size (or a branch node's child page number's low 32 bits). */
static inline gsize
_kv_lmdb_node_dsize (const guint8 *node)
{
  return (gsize) _kv_lmdb_u16 (node) | (gsize) _kv_lmdb_u16 (node + 2) << 16;
}

static inline guint16
_kv_lmdb_node_flags (const guint8 *node)
{
  return _kv_lmdb_u16 (node + 4);
}

/* A branch node's child page: on 64-bit systems its top 16 bits sit in the flags field. */
static inline guint64
_kv_lmdb_branch_child (const guint8 *node)
{
  guint64 pgno = _kv_lmdb_node_dsize (node);
  if (KV_LMDB_W == 8)
    pgno |= (guint64) _kv_lmdb_u16 (node + 4) << 32;
  return pgno;
}

/* LMDB's default key order: memcmp, the shorter first on a tie. */
static inline int
_kv_lmdb_key_cmp (const guint8 *a, gsize alen, const guint8 *b, gsize blen)
{
  int c = memcmp (a, b, MIN (alen, blen));
  return c != 0 ? c : (alen < blen ? -1 : alen > blen ? 1 : 0);
}

/* pread of exactly @len bytes at @offset; FALSE on an error or a short file. */
gboolean _kv_lmdb_read_at (int fd, void *buf, gsize len, guint64 offset);

/* Reads and checks both meta pages of @f (fd and file_size set): magic,
 * version, a page size that is a power of two from 512 to 64 KiB and the
 * same in both. For the newest meta also its last page against the file's
 * length and its two roots. FALSE with @problem (a sentence fragment). */
gboolean _kv_lmdb_read_metas (KvLmdbFile *f, char **problem);

/* Whether @meta's last page lies inside the file and its roots inside its
 * pages; FALSE with @problem. */
gboolean _kv_lmdb_meta_sound (const KvLmdbFile *f, const KvLmdbMeta *meta, char **problem);

/* Reads tree page @pgno (2 to @last_page) into @page (page_size bytes) and
 * checks its header: its own number, branch or leaf (not both, not a
 * fixed-size leaf), lower and upper inside the page. FALSE if not sound. */
gboolean _kv_lmdb_load_page (const KvLmdbFile *f, guint64 last_page, guint64 pgno, guint8 *page,
                             guint *out_nkeys, guint16 *out_flags);

/* Node @i of a loaded tree page, its header and key inside the page; NULL if not. */
const guint8 *_kv_lmdb_node_at (const guint8 *page, guint32 page_size, guint i, gsize *out_ksize);

G_END_DECLS
