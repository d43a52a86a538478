/* kv-lmdb-pages.c — LMDB's meta and tree pages read with bounds-checked preads.
 *
 * The layout is described in kv-lmdb-pages-private.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "kv-lmdb-pages-private.h"

#define W KV_LMDB_W
#define META_MAGIC 0xBEEFC0DEu
#define META_VERSION 1u
#define META_AT KV_LMDB_PAGE_HEADER
#define META_DBS (META_AT + 8 + 2 * W)
#define META_LAST_PAGE (META_DBS + 2 * KV_LMDB_DB_RECORD)
#define META_TXNID (META_LAST_PAGE + W)
#define META_END (META_TXNID + W)

gboolean
_kv_lmdb_read_at (int fd, void *buf, gsize len, guint64 offset)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = pread (fd, (char *) buf + done, len - done, (off_t) (offset + done));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

/* A root is a page number past the two meta pages and within the used pages. */
static gboolean
root_ok (guint64 root, guint64 last_page)
{
  return root == KV_LMDB_NO_PAGE || (root >= 2 && root <= last_page);
}

gboolean
_kv_lmdb_meta_sound (const KvLmdbFile *f, const KvLmdbMeta *meta, char **problem)
{
  guint64 last = meta->last_page;

  if (last == KV_LMDB_NO_PAGE || last < 1 || last >= f->file_size / f->page_size)
    {
      guint64 need =
          last >= G_MAXUINT64 / f->page_size - 1 ? G_MAXUINT64 : (last + 1) * f->page_size;
      *problem = g_strdup_printf (
          "it is truncated: %" G_GUINT64_FORMAT " bytes of %" G_GUINT64_FORMAT, f->file_size, need);
      return FALSE;
    }
  for (int db = 0; db < 2; db++)
    {
      guint64 root = _kv_lmdb_word ((db ? meta->main_db : meta->free_db) + KV_LMDB_DB_ROOT);
      if (!root_ok (root, last))
        {
          *problem = g_strdup_printf ("the %s's root page %" G_GUINT64_FORMAT
                                      " lies outside its %" G_GUINT64_FORMAT " pages",
                                      db ? "main database" : "free-page list", root, last + 1);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_kv_lmdb_read_metas (KvLmdbFile *f, char **problem)
{
  guint8 meta[2][256];
  guint32 psize[2];

  G_STATIC_ASSERT (META_END <= 256);
  for (int i = 0; i < 2; i++)
    {
      guint64 at = i == 0 ? 0 : psize[0];
      if (at + META_END > f->file_size || !_kv_lmdb_read_at (f->fd, meta[i], META_END, at))
        {
          *problem = g_strdup_printf (
              "it is too short to hold LMDB's two meta pages (%" G_GUINT64_FORMAT " bytes)",
              f->file_size);
          return FALSE;
        }
      if (!(_kv_lmdb_u16 (meta[i] + W + 2) & KV_LMDB_P_META) ||
          _kv_lmdb_u32 (meta[i] + META_AT) != META_MAGIC)
        {
          *problem = g_strdup_printf ("page %d is not an LMDB meta page (not an LMDB file)", i);
          return FALSE;
        }
      if (_kv_lmdb_u32 (meta[i] + META_AT + 4) != META_VERSION)
        {
          *problem = g_strdup_printf ("page %d has LMDB format version %u, not %u", i,
                                      _kv_lmdb_u32 (meta[i] + META_AT + 4), META_VERSION);
          return FALSE;
        }
      psize[i] = _kv_lmdb_u32 (meta[i] + META_DBS);
      if (psize[i] < 512 || psize[i] > 65536 || (psize[i] & (psize[i] - 1)) != 0)
        {
          *problem = g_strdup_printf ("page %d gives a page size of %u, not a power of two "
                                      "from 512 to 65536",
                                      i, psize[i]);
          return FALSE;
        }
      f->meta[i].txnid = _kv_lmdb_word (meta[i] + META_TXNID);
      f->meta[i].last_page = _kv_lmdb_word (meta[i] + META_LAST_PAGE);
      memcpy (f->meta[i].free_db, meta[i] + META_DBS, KV_LMDB_DB_RECORD);
      memcpy (f->meta[i].main_db, meta[i] + META_DBS + KV_LMDB_DB_RECORD, KV_LMDB_DB_RECORD);
    }
  if (psize[0] != psize[1])
    {
      *problem = g_strdup_printf ("its meta pages disagree on the page size (%u and %u)", psize[0],
                                  psize[1]);
      return FALSE;
    }
  f->page_size = psize[0];
  f->newest = f->meta[1].txnid > f->meta[0].txnid ? 1 : 0;
  return _kv_lmdb_meta_sound (f, &f->meta[f->newest], problem);
}

gboolean
_kv_lmdb_load_page (const KvLmdbFile *f, guint64 last_page, guint64 pgno, guint8 *page,
                    guint *out_nkeys, guint16 *out_flags)
{
  guint16 flags, lower, upper;

  if (pgno < 2 || pgno > last_page ||
      !_kv_lmdb_read_at (f->fd, page, f->page_size, pgno * f->page_size))
    return FALSE;
  flags = _kv_lmdb_u16 (page + W + 2);
  lower = _kv_lmdb_u16 (page + W + 4);
  upper = _kv_lmdb_u16 (page + W + 6);
  if (_kv_lmdb_word (page) != pgno || !(flags & (KV_LMDB_P_BRANCH | KV_LMDB_P_LEAF)) ||
      (flags & KV_LMDB_P_BRANCH && flags & KV_LMDB_P_LEAF) || (flags & KV_LMDB_P_LEAF2) ||
      lower < KV_LMDB_PAGE_HEADER || lower > upper || upper > f->page_size ||
      (lower - KV_LMDB_PAGE_HEADER) % 2 != 0)
    return FALSE;
  *out_nkeys = (lower - KV_LMDB_PAGE_HEADER) / 2;
  *out_flags = flags;
  return TRUE;
}

const guint8 *
_kv_lmdb_node_at (const guint8 *page, guint32 page_size, guint i, gsize *out_ksize)
{
  guint16 off = _kv_lmdb_u16 (page + KV_LMDB_PAGE_HEADER + 2 * i);
  const guint8 *node;
  gsize ksize;

  if (off < KV_LMDB_PAGE_HEADER || (gsize) off + KV_LMDB_NODE_HEADER > page_size)
    return NULL;
  node = page + off;
  ksize = _kv_lmdb_u16 (node + 6);
  if (off + KV_LMDB_NODE_HEADER + ksize > page_size)
    return NULL;
  *out_ksize = ksize;
  return node;
}
