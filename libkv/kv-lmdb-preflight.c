/* kv-lmdb-preflight.c — checks a file with plain reads before LMDB maps it.
 *
 * LMDB trusts its file: it maps it and follows page numbers without
 * checking them against the file's length, so a truncated or crafted file
 * makes it touch pages past the end (SIGBUS), divide by a page size of 0
 * (SIGFPE) or follow wild pointers (SIGSEGV). Everything here uses stat,
 * open (non-blocking, so a FIFO cannot hang us) and pread, and checks every
 * offset before using it, so no file can crash it.
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
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kv-file-private.h"
#include "kv-lmdb-format-private.h"
#include "kv-lmdb-preflight-private.h"

#define W ((gsize) sizeof (gsize))
#define PAGE_HEADER (W + 8)
#define META_MAGIC 0xBEEFC0DEu
#define META_VERSION 1u
#define META_AT PAGE_HEADER
#define META_DBS (META_AT + 8 + 2 * W)
#define DB_RECORD (8 + 5 * W)
#define META_LAST_PAGE (META_DBS + 2 * DB_RECORD)
#define META_TXNID (META_LAST_PAGE + W)
#define META_END (META_TXNID + W)
#define DB_ENTRIES (8 + 3 * W)
#define DB_ROOT (8 + 4 * W)
#define NO_PAGE ((guint64) G_MAXSIZE)

#define P_BRANCH 0x01
#define P_LEAF 0x02
#define P_META 0x08
#define F_BIGDATA 0x01
#define F_SUBDATA 0x02
#define NODE_HEADER 8

/* A tree deeper than this is not a libkv catalogue (LMDB's own cursor
 * stack holds 32 levels). */
#define MAX_DEPTH 32
/* A file being written by another process can change under us: the
 * catalogue is read again when a commit landed meanwhile. */
#define STABLE_TRIES 20

typedef struct
{
  int fd;
  guint64 file_size;
  guint32 page_size;
  guint64 last_page;
  guint64 txnid;
  guint8 main_db[DB_RECORD];
  guint8 *page; /* page_size bytes */
} Reader;

static guint16
u16_at (const guint8 *p)
{
  guint16 v;
  memcpy (&v, p, sizeof v);
  return v;
}

static guint32
u32_at (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, sizeof v);
  return v;
}

static guint64
word_at (const guint8 *p)
{
  gsize v;
  memcpy (&v, p, sizeof v);
  return v == G_MAXSIZE ? NO_PAGE : (guint64) v;
}

static gboolean
read_at (int fd, void *buf, gsize len, guint64 offset)
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
  return root == NO_PAGE || (root >= 2 && root <= last_page);
}

/* Reads both meta pages into @r (the one LMDB will use); FALSE with @problem. */
static gboolean
read_metas (Reader *r, char **problem)
{
  guint8 meta[2][256];
  guint32 psize[2];
  int use;

  G_STATIC_ASSERT (META_END <= 256);
  for (int i = 0; i < 2; i++)
    {
      guint64 at = i == 0 ? 0 : psize[0];
      if (at + META_END > r->file_size || !read_at (r->fd, meta[i], META_END, at))
        {
          *problem = g_strdup_printf (
              "it is too short to hold LMDB's two meta pages (%" G_GUINT64_FORMAT " bytes)",
              r->file_size);
          return FALSE;
        }
      if (!(u16_at (meta[i] + W + 2) & P_META) || u32_at (meta[i] + META_AT) != META_MAGIC)
        {
          *problem = g_strdup_printf ("page %d is not an LMDB meta page (not an LMDB file)", i);
          return FALSE;
        }
      if (u32_at (meta[i] + META_AT + 4) != META_VERSION)
        {
          *problem = g_strdup_printf ("page %d has LMDB format version %u, not %u", i,
                                      u32_at (meta[i] + META_AT + 4), META_VERSION);
          return FALSE;
        }
      psize[i] = u32_at (meta[i] + META_DBS);
      if (psize[i] < 512 || psize[i] > 65536 || (psize[i] & (psize[i] - 1)) != 0)
        {
          *problem = g_strdup_printf ("page %d gives a page size of %u, not a power of two "
                                      "from 512 to 65536",
                                      i, psize[i]);
          return FALSE;
        }
    }
  if (psize[0] != psize[1])
    {
      *problem = g_strdup_printf ("its meta pages disagree on the page size (%u and %u)", psize[0],
                                  psize[1]);
      return FALSE;
    }
  use = word_at (meta[1] + META_TXNID) > word_at (meta[0] + META_TXNID) ? 1 : 0;
  r->page_size = psize[use];
  r->last_page = word_at (meta[use] + META_LAST_PAGE);
  r->txnid = word_at (meta[use] + META_TXNID);
  memcpy (r->main_db, meta[use] + META_DBS + DB_RECORD, DB_RECORD);
  if (r->last_page == NO_PAGE || r->last_page < 1 || r->last_page >= r->file_size / r->page_size)
    {
      guint64 need = r->last_page >= G_MAXUINT64 / r->page_size - 1
                         ? G_MAXUINT64
                         : (r->last_page + 1) * r->page_size;
      *problem = g_strdup_printf (
          "it is truncated: %" G_GUINT64_FORMAT " bytes of %" G_GUINT64_FORMAT, r->file_size, need);
      return FALSE;
    }
  for (int db = 0; db < 2; db++)
    {
      guint64 root = word_at (meta[use] + META_DBS + db * DB_RECORD + DB_ROOT);
      if (!root_ok (root, r->last_page))
        {
          *problem =
              g_strdup_printf ("the %s's root page %" G_GUINT64_FORMAT
                               " lies outside its %" G_GUINT64_FORMAT " pages",
                               db ? "main database" : "free-page list", root, r->last_page + 1);
          return FALSE;
        }
    }
  return TRUE;
}

/* Reads tree page @pgno into r->page and checks its header; FALSE if it is not a sane tree page. */
static gboolean
load_page (Reader *r, guint64 pgno, guint *out_nkeys, guint16 *out_flags)
{
  guint16 flags, lower, upper;

  if (pgno < 2 || pgno > r->last_page ||
      !read_at (r->fd, r->page, r->page_size, pgno * r->page_size))
    return FALSE;
  flags = u16_at (r->page + W + 2);
  lower = u16_at (r->page + W + 4);
  upper = u16_at (r->page + W + 6);
  if (word_at (r->page) != pgno || !(flags & (P_BRANCH | P_LEAF)) ||
      (flags & P_BRANCH && flags & P_LEAF) || (flags & 0x20) || lower < PAGE_HEADER ||
      lower > upper || upper > r->page_size || (lower - PAGE_HEADER) % 2 != 0)
    return FALSE;
  *out_nkeys = (lower - PAGE_HEADER) / 2;
  *out_flags = flags;
  return TRUE;
}

/* The node at index @i of the loaded page, with its key in bounds; NULL if it is not. */
static const guint8 *
node_at (Reader *r, guint i, gsize *out_ksize)
{
  guint16 off = u16_at (r->page + PAGE_HEADER + 2 * i);
  const guint8 *node;
  gsize ksize;

  if (off < PAGE_HEADER || (gsize) off + NODE_HEADER > r->page_size)
    return NULL;
  node = r->page + off;
  ksize = u16_at (node + 6);
  if (off + NODE_HEADER + ksize > r->page_size)
    return NULL;
  *out_ksize = ksize;
  return node;
}

static int
key_cmp (const guint8 *a, gsize alen, const char *b, gsize blen)
{
  int c = memcmp (a, b, MIN (alen, blen));
  return c != 0 ? c : (alen < blen ? -1 : alen > blen ? 1 : 0);
}

/* Looks @key up in the tree rooted at @root. 1: found, the value (at most
 * @size bytes, in the page) copied to @value; 2: found, but on overflow
 * pages or larger than @size, not copied; 0: not there; -1: the tree is
 * not sound. */
static int
tree_get (Reader *r, guint64 root, const char *key, guint8 *value, gsize size, gsize *out_len,
          guint16 *out_node_flags)
{
  gsize klen = strlen (key);
  guint64 pgno = root;

  if (root == NO_PAGE)
    return 0;
  for (int depth = 0; depth < MAX_DEPTH; depth++)
    {
      guint nkeys;
      guint16 flags;

      if (!load_page (r, pgno, &nkeys, &flags) || nkeys == 0)
        return -1;
      if (flags & P_BRANCH)
        {
          guint pick = 0;
          const guint8 *node;
          gsize ksize;
          for (guint i = 1; i < nkeys; i++)
            {
              node = node_at (r, i, &ksize);
              if (node == NULL)
                return -1;
              if (key_cmp (node + NODE_HEADER, ksize, key, klen) > 0)
                break;
              pick = i;
            }
          node = node_at (r, pick, &ksize);
          if (node == NULL)
            return -1;
          pgno = (guint64) u16_at (node) | (guint64) u16_at (node + 2) << 16;
          if (W == 8)
            pgno |= (guint64) u16_at (node + 4) << 32;
          continue;
        }
      for (guint i = 0; i < nkeys; i++)
        {
          gsize ksize, dsize;
          const guint8 *node = node_at (r, i, &ksize);
          if (node == NULL)
            return -1;
          if (key_cmp (node + NODE_HEADER, ksize, key, klen) != 0)
            continue;
          dsize = (gsize) u16_at (node) | (gsize) u16_at (node + 2) << 16;
          *out_node_flags = u16_at (node + 4);
          /* On overflow pages, or larger than the caller takes: there, not read. */
          if (u16_at (node + 4) & F_BIGDATA)
            return 2;
          if ((gsize) (node - r->page) + NODE_HEADER + ksize + dsize > r->page_size)
            return -1;
          if (dsize > size)
            return 2;
          memcpy (value, node + NODE_HEADER + ksize, dsize);
          *out_len = dsize;
          *out_node_flags = u16_at (node + 4);
          return 1;
        }
      return 0;
    }
  return -1;
}

/* Looks up a named database in the main database: 1 with its record, 0, or -1. */
static int
named_db (Reader *r, const char *name, guint8 record[DB_RECORD])
{
  guint16 node_flags = 0;
  gsize len = 0;
  int found =
      tree_get (r, word_at (r->main_db + DB_ROOT), name, record, DB_RECORD, &len, &node_flags);

  if (found == 2 || (found == 1 && (len != DB_RECORD || !(node_flags & F_SUBDATA) ||
                                    !root_ok (word_at (record + DB_ROOT), r->last_page))))
    return -1;
  return found;
}

/* Reads the catalogue: which libkv databases exist, the meta records.
 * FALSE with @problem when it is not sound. */
static gboolean
read_catalogue (Reader *r, KvLmdbPreflight *out, char **problem)
{
  static const char *const libkv_dbs[] = { KV_LMDB_DB_DATA, KV_LMDB_DB_CLAIMS };
  static const char *const meta_keys[] = { KV_LMDB_META_SNAPSHOT_CREATED_AT,
                                           KV_LMDB_META_SNAPSHOT_ENTRIES,
                                           KV_LMDB_META_SERIALIZATION, KV_LMDB_META_CLAIM_TOKEN };
  guint8 record[DB_RECORD], meta_db[DB_RECORD], value[64];
  guint16 node_flags;
  gsize len;
  int found;

  for (gsize i = 0; i < G_N_ELEMENTS (libkv_dbs); i++)
    if (named_db (r, libkv_dbs[i], record) < 0)
      {
        *problem = g_strdup_printf ("its \"%s\" database's record is damaged", libkv_dbs[i]);
        return FALSE;
      }
  found = named_db (r, KV_LMDB_DB_META, meta_db);
  if (found < 0)
    {
      *problem = g_strdup ("its \"meta\" database's record is damaged");
      return FALSE;
    }
  out->has_meta_db = found == 1;
  out->has_format = FALSE;
  out->snapshot_meta = FALSE;
  if (!out->has_meta_db)
    return TRUE;
  found = tree_get (r, word_at (meta_db + DB_ROOT), KV_LMDB_META_FORMAT, value, sizeof value - 1,
                    &len, &node_flags);
  if (found == 1 || found == 2)
    {
      out->has_format = TRUE;
      if (found == 1)
        memcpy (out->format, value, len);
      out->format[found == 1 ? len : 0] = '\0';
    }
  /* The snapshot marks, and the paths to the records libkv's open reads
   * through LMDB right after (serialization, claim_token): checked here. */
  for (gsize i = 0; i < G_N_ELEMENTS (meta_keys) && found >= 0; i++)
    {
      found = tree_get (r, word_at (meta_db + DB_ROOT), meta_keys[i], value, sizeof value, &len,
                        &node_flags);
      if (found > 0 && i < 2)
        out->snapshot_meta = TRUE;
    }
  if (found < 0)
    {
      *problem = g_strdup ("its \"meta\" database is damaged");
      return FALSE;
    }
  return TRUE;
}

/* One pass over the file; FALSE with @problem (damage) or @error set (other failures). */
static gboolean
preflight_once (const char *path, const char *what, KvError path_code, KvLmdbPreflight *out,
                char **problem, GError **error)
{
  Reader r = { .fd = -1 };
  struct stat st;
  gboolean ok = FALSE;

  memset (out, 0, sizeof *out);
  if (stat (path, &st) != 0)
    {
      if (errno == ENOENT)
        return TRUE;
      g_set_error (error, KV_ERROR, path_code, "cannot open %s %s: %s", what, path,
                   g_strerror (errno));
      return FALSE;
    }
  out->exists = TRUE;
  /* O_NONBLOCK: should the path turn into a FIFO after the stat, open still returns. */
  if (S_ISREG (st.st_mode) && (r.fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
    {
      int saved = errno;
      /* A file we may not read: LMDB will say so in its own words. */
      if (saved == EACCES || saved == EPERM)
        return TRUE;
      g_set_error (error, KV_ERROR, path_code, "cannot open %s %s: %s", what, path,
                   g_strerror (saved));
      return FALSE;
    }
  if (r.fd >= 0 && fstat (r.fd, &st) != 0)
    {
      g_set_error (error, KV_ERROR, path_code, "cannot open %s %s: %s", what, path,
                   g_strerror (errno));
      goto out;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, KV_ERROR, path_code, "cannot open %s %s: it is %s, not a %s file", what,
                   path, _kv_file_kind (st.st_mode), what);
      goto out;
    }
  r.file_size = (guint64) st.st_size;
  out->file_size = r.file_size;
  if (r.file_size == 0)
    {
      out->empty = TRUE;
      ok = TRUE;
      goto out;
    }
  if (!read_metas (&r, problem))
    goto out;
  out->page_size = r.page_size;
  out->last_page = r.last_page;
  out->main_entries = word_at (r.main_db + DB_ENTRIES);
  r.page = g_malloc (r.page_size);
  for (int i = 0; i < STABLE_TRIES; i++)
    {
      Reader again = r;
      g_autofree char *damage = NULL;
      gboolean sound = read_catalogue (&r, out, &damage);

      if (!read_metas (&again, problem))
        goto out;
      /* No commit landed while we read: what we read was one consistent state. */
      if (again.txnid == r.txnid)
        {
          if (!sound)
            {
              *problem = g_steal_pointer (&damage);
              goto out;
            }
          out->meta_read = TRUE;
          break;
        }
      if (again.page_size != r.page_size)
        {
          *problem = g_strdup ("its page size changed while it was read");
          goto out;
        }
      r = again;
      out->last_page = r.last_page;
      out->main_entries = word_at (r.main_db + DB_ENTRIES);
      g_usleep (1000);
    }
  ok = TRUE;

out:
  g_free (r.page);
  if (r.fd >= 0)
    close (r.fd);
  return ok;
}

gboolean
_kv_lmdb_preflight (const char *path, const char *what, KvError code, KvError path_code,
                    KvLmdbPreflight *out, GError **error)
{
  g_autofree char *problem = NULL;

  /* Damage found in a file that another process is creating or extending
   * right now may be a moment's view: look twice more before refusing. */
  for (int attempt = 0; attempt < 3; attempt++)
    {
      g_clear_pointer (&problem, g_free);
      if (preflight_once (path, what, path_code, out, &problem, error))
        return TRUE;
      if (problem == NULL)
        return FALSE;
      g_usleep (5000);
    }
  g_set_error (error, KV_ERROR, code, "%s %s is damaged or not an LMDB file: %s", what, path,
               problem);
  return FALSE;
}
