/* kv-lmdb-check.c — every page of one LMDB snapshot checked before LMDB reads it.
 *
 * LMDB checks no page it reads: a damaged or crafted store file makes it
 * read past a page or the map, copy values of any size, or assert. The
 * preflight only covers the meta pages and libkv's catalogue; this walks
 * every tree of the snapshot LMDB is about to use, with preads into our
 * own buffers (kv-lmdb-pages.c), and checks what LMDB relies on (the list
 * is in kv-lmdb-check-private.h). It costs one read of every tree page
 * and the first page of each overflow run (not the runs' contents): the
 * price of opening a file we cannot otherwise trust, paid once per open.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "kv-lmdb-check-private.h"
#include "kv-lmdb-pages-private.h"

#define W KV_LMDB_W
#define NODE_HEADER KV_LMDB_NODE_HEADER
/* LMDB's default largest key (mdb_env_get_maxkeysize); keys are never empty. */
#define MAX_KEY 511
/* The flags a database record may carry: LMDB's persistent ones are the low
 * byte. libkv's databases and the main database have none; the free-page
 * list is keyed by integer. */
#define DB_PERSISTENT_FLAGS 0xff

typedef enum
{
  TREE_MAIN, /* the main database: records of named databases */
  TREE_DATA, /* a named database: plain values or overflow runs */
  TREE_FREE, /* the free-page list: integer keys, page lists as values */
} TreeKind;

typedef struct
{
  char *name;
  guint8 record[KV_LMDB_DB_RECORD];
} NamedDb;

typedef struct
{
  const KvLmdbFile *f;
  guint64 last_page;
  guint8 *seen;                     /* one bit per page of the snapshot */
  guint8 *level[KV_LMDB_MAX_DEPTH]; /* one page buffer per tree level */
  GArray *named;                    /* NamedDb found in the main database */
  GPtrArray *free_lists;            /* GBytes: the free-page list's values */
  /* The tree being walked. */
  TreeKind kind;
  const char *tree;  /* its name in messages */
  guint depth;       /* its record's depth */
  guint64 entries;   /* leaf entries counted so far */
  GByteArray *prev;  /* the last key seen (valid when entries > 0) */
  GByteArray *lower; /* the separator the next key must reach */
  gboolean has_lower;
  char *problem;
} Check;

static gboolean fail (Check *c, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (Check *c, const char *format, ...)
{
  va_list args;
  g_autofree char *what = NULL;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  c->problem = g_strdup_printf ("%s: %s", c->tree, what);
  return FALSE;
}

/* Marks pages @first .. @first + @count - 1 used; FALSE if one lies outside
 * the snapshot or is used already. */
static gboolean
mark (Check *c, guint64 first, guint64 count)
{
  if (first < 2 || count == 0 || first > c->last_page || count > c->last_page - first + 1)
    return fail (c,
                 "page %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT
                 " pages) lies outside the %" G_GUINT64_FORMAT " pages in use",
                 first, count, c->last_page + 1);
  for (guint64 p = first; p < first + count; p++)
    {
      if (c->seen[p / 8] & (1u << (p % 8)))
        return fail (c, "page %" G_GUINT64_FORMAT " is used twice", p);
      c->seen[p / 8] |= (guint8) (1u << (p % 8));
    }
  return TRUE;
}

static int
key_cmp (const Check *c, const guint8 *a, gsize alen, const guint8 *b, gsize blen)
{
  if (c->kind == TREE_FREE)
    {
      gsize x, y;
      memcpy (&x, a, W);
      memcpy (&y, b, W);
      return x < y ? -1 : x > y;
    }
  return _kv_lmdb_key_cmp (a, alen, b, blen);
}

static gboolean
key_ok (Check *c, const guint8 *key, gsize ksize)
{
  if (ksize == 0 || ksize > MAX_KEY || (c->kind == TREE_FREE && ksize != W))
    return fail (c, "a key of %" G_GSIZE_FORMAT " bytes", ksize);
  return TRUE;
}

/* A leaf key must follow the previous one and reach the pending separator. */
static gboolean
leaf_key_in_order (Check *c, const guint8 *key, gsize ksize)
{
  if (!key_ok (c, key, ksize))
    return FALSE;
  if (c->entries > 0 && key_cmp (c, c->prev->data, c->prev->len, key, ksize) >= 0)
    return fail (c, "its keys are out of order");
  if (c->has_lower && key_cmp (c, c->lower->data, c->lower->len, key, ksize) > 0)
    return fail (c, "a key lies left of its branch separator");
  c->has_lower = FALSE;
  g_byte_array_set_size (c->prev, 0);
  g_byte_array_append (c->prev, key, (guint) ksize);
  return TRUE;
}

/* A value on overflow pages: its run starts inside the snapshot with an
 * overflow page of enough pages, and no page of it is used elsewhere. The
 * free-page list's values are read whole (they are checked afterwards). */
static gboolean
overflow_ok (Check *c, const guint8 *node, gsize ksize, gsize dsize, guint avail)
{
  guint8 header[KV_LMDB_PAGE_HEADER];
  guint64 pgno, need, pages;

  if (NODE_HEADER + ksize + W > avail)
    return fail (c, "an overflow node runs past its page");
  pgno = _kv_lmdb_word (node + NODE_HEADER + ksize);
  if (pgno < 2 || pgno > c->last_page ||
      !_kv_lmdb_read_at (c->f->fd, header, sizeof header, pgno * c->f->page_size))
    return fail (c, "overflow page %" G_GUINT64_FORMAT " lies outside the file", pgno);
  pages = _kv_lmdb_u32 (header + W + 4);
  need = ((guint64) KV_LMDB_PAGE_HEADER - 1 + dsize) / c->f->page_size + 1;
  if (_kv_lmdb_word (header) != pgno ||
      (_kv_lmdb_u16 (header + W + 2) & (KV_LMDB_P_OVERFLOW | KV_LMDB_P_BRANCH | KV_LMDB_P_LEAF |
                                        KV_LMDB_P_META)) != KV_LMDB_P_OVERFLOW)
    return fail (c, "page %" G_GUINT64_FORMAT " is not an overflow page", pgno);
  if (pages < need)
    return fail (c,
                 "a value of %" G_GSIZE_FORMAT " bytes has %" G_GUINT64_FORMAT
                 " overflow pages, not %" G_GUINT64_FORMAT,
                 dsize, pages, need);
  if (!mark (c, pgno, pages))
    return FALSE;
  if (c->kind == TREE_FREE)
    {
      g_autofree guint8 *list = g_malloc (dsize);
      if (!_kv_lmdb_read_at (c->f->fd, list, dsize, pgno * c->f->page_size + KV_LMDB_PAGE_HEADER))
        return fail (c, "overflow page %" G_GUINT64_FORMAT " cannot be read", pgno);
      g_ptr_array_add (c->free_lists, g_bytes_new_take (g_steal_pointer (&list), dsize));
    }
  return TRUE;
}

/* A database record (the main database's value for a named database, or a
 * meta page's): flags, depth and root agree with one another. */
static gboolean
record_ok (Check *c, const guint8 *record, guint16 want_flags)
{
  guint16 flags = _kv_lmdb_u16 (record + KV_LMDB_DB_FLAGS);
  guint depth = _kv_lmdb_u16 (record + KV_LMDB_DB_DEPTH);
  guint64 root = _kv_lmdb_word (record + KV_LMDB_DB_ROOT);
  guint64 entries = _kv_lmdb_word (record + KV_LMDB_DB_ENTRIES);

  if ((flags & DB_PERSISTENT_FLAGS) != want_flags)
    return fail (c, "its record has flags 0x%x, not 0x%x", flags, want_flags);
  if (depth > KV_LMDB_MAX_DEPTH || (root == KV_LMDB_NO_PAGE) != (depth == 0) ||
      (root == KV_LMDB_NO_PAGE && entries != 0))
    return fail (c, "its record gives depth %u and root %" G_GINT64_MODIFIER "d", depth,
                 root == KV_LMDB_NO_PAGE ? (gint64) -1 : (gint64) root);
  return TRUE;
}

static gboolean
leaf_node_ok (Check *c, const guint8 *page, const guint8 *node, gsize ksize)
{
  guint avail = c->f->page_size - (guint) (node - page);
  const guint8 *key = node + NODE_HEADER;
  gsize dsize = _kv_lmdb_node_dsize (node);
  guint16 flags = _kv_lmdb_node_flags (node);

  if (!leaf_key_in_order (c, key, ksize))
    return FALSE;
  c->entries++;
  if (c->kind == TREE_MAIN)
    {
      NamedDb db;
      if (flags != KV_LMDB_F_SUBDATA || dsize != KV_LMDB_DB_RECORD ||
          NODE_HEADER + ksize + dsize > avail)
        return fail (c, "it holds a record that is not a database's");
      db.name = g_strndup ((const char *) key, ksize);
      memcpy (db.record, key + ksize, KV_LMDB_DB_RECORD);
      g_array_append_val (c->named, db);
      return TRUE;
    }
  if (flags & ~KV_LMDB_F_BIGDATA)
    return fail (c, "a node has flags 0x%x", flags);
  if (flags & KV_LMDB_F_BIGDATA)
    return overflow_ok (c, node, ksize, dsize, avail);
  if (NODE_HEADER + ksize + dsize > avail)
    return fail (c, "a value of %" G_GSIZE_FORMAT " bytes runs past its page", dsize);
  if (c->kind == TREE_FREE)
    g_ptr_array_add (c->free_lists, g_bytes_new (key + ksize, dsize));
  return TRUE;
}

static gboolean
walk (Check *c, guint64 pgno, guint level)
{
  guint8 *page;
  guint nkeys;
  guint16 flags;
  gboolean is_leaf;

  if (level >= c->depth)
    return fail (c, "it is deeper than its record's %u levels", c->depth);
  if (!mark (c, pgno, 1))
    return FALSE;
  if (c->level[level] == NULL)
    c->level[level] = g_malloc (c->f->page_size);
  page = c->level[level];
  if (!_kv_lmdb_load_page (c->f, c->last_page, pgno, page, &nkeys, &flags))
    return fail (c, "page %" G_GUINT64_FORMAT " is not a sound tree page", pgno);
  if (nkeys == 0)
    return fail (c, "page %" G_GUINT64_FORMAT " is empty", pgno);
  is_leaf = (flags & KV_LMDB_P_LEAF) != 0;
  if (is_leaf != (level + 1 == c->depth))
    return fail (c, "page %" G_GUINT64_FORMAT " is a %s at level %u of %u", pgno,
                 is_leaf ? "leaf" : "branch", level + 1, c->depth);
  for (guint i = 0; i < nkeys; i++)
    {
      gsize ksize;
      const guint8 *node = _kv_lmdb_node_at (page, c->f->page_size, i, &ksize);

      if (node == NULL)
        return fail (c, "node %u of page %" G_GUINT64_FORMAT " runs past the page", i, pgno);
      if (is_leaf)
        {
          if (!leaf_node_ok (c, page, node, ksize))
            return FALSE;
          continue;
        }
      /* Branch node 0's key is never compared (it stands for "everything
       * smaller"); every other separator lies above all keys left of it
       * and at or below the first key right of it. */
      if (i > 0)
        {
          if (!key_ok (c, node + NODE_HEADER, ksize))
            return FALSE;
          if (c->entries > 0 &&
              key_cmp (c, c->prev->data, c->prev->len, node + NODE_HEADER, ksize) >= 0)
            return fail (c, "a key lies right of its branch separator");
          g_byte_array_set_size (c->lower, 0);
          g_byte_array_append (c->lower, node + NODE_HEADER, (guint) ksize);
          c->has_lower = TRUE;
        }
      if (!walk (c, _kv_lmdb_branch_child (node), level + 1))
        return FALSE;
    }
  return TRUE;
}

/* Walks the tree of @record, named @tree in messages. */
static gboolean
walk_tree (Check *c, TreeKind kind, const char *tree, const guint8 *record)
{
  guint64 root = _kv_lmdb_word (record + KV_LMDB_DB_ROOT);
  guint64 entries = _kv_lmdb_word (record + KV_LMDB_DB_ENTRIES);

  c->kind = kind;
  c->tree = tree;
  c->depth = _kv_lmdb_u16 (record + KV_LMDB_DB_DEPTH);
  c->entries = 0;
  c->has_lower = FALSE;
  if (!record_ok (c, record, kind == TREE_FREE ? KV_LMDB_DB_INTEGERKEY : 0))
    return FALSE;
  if (root != KV_LMDB_NO_PAGE && !walk (c, root, 0))
    return FALSE;
  if (c->entries != entries)
    return fail (
        c, "its record counts %" G_GUINT64_FORMAT " entries, its pages hold %" G_GUINT64_FORMAT,
        entries, c->entries);
  return TRUE;
}

/* Every free-page list: a count then that many pages, none of them in use. */
static gboolean
free_lists_ok (Check *c)
{
  for (guint i = 0; i < c->free_lists->len; i++)
    {
      gsize size;
      const guint8 *list = g_bytes_get_data (c->free_lists->pdata[i], &size);
      guint64 count;

      if (size < W || (count = _kv_lmdb_word (list)) != size / W - 1 || size % W != 0)
        return fail (c, "a list of free pages has a wrong count");
      for (guint64 j = 1; j <= count; j++)
        if (!mark (c, _kv_lmdb_word (list + j * W), 1))
          return FALSE;
    }
  return TRUE;
}

static void
named_db_clear (gpointer p)
{
  g_free (((NamedDb *) p)->name);
}

KvLmdbCheck
_kv_lmdb_check (int fd, guint64 txnid, gboolean free_list, char **problem)
{
  KvLmdbFile f = { .fd = fd };
  const KvLmdbMeta *meta = NULL;
  Check c = { .f = &f };
  gboolean sound;
  struct stat st;

  if (fstat (fd, &st) != 0)
    {
      *problem = g_strdup_printf ("it cannot be read: %s", g_strerror (errno));
      return KV_LMDB_CHECK_DAMAGED;
    }
  f.file_size = (guint64) st.st_size;
  if (!_kv_lmdb_read_metas (&f, problem))
    return KV_LMDB_CHECK_DAMAGED;
  if (txnid == KV_LMDB_CHECK_NEWEST)
    meta = &f.meta[f.newest];
  for (int i = 0; i < 2 && meta == NULL; i++)
    if (f.meta[i].txnid == txnid)
      meta = &f.meta[i];
  if (meta == NULL)
    return KV_LMDB_CHECK_MOVED_ON;
  if (!_kv_lmdb_meta_sound (&f, meta, problem))
    return KV_LMDB_CHECK_DAMAGED;

  c.last_page = meta->last_page;
  c.seen = g_malloc0 (c.last_page / 8 + 1);
  c.named = g_array_new (FALSE, FALSE, sizeof (NamedDb));
  g_array_set_clear_func (c.named, named_db_clear);
  c.free_lists = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  c.prev = g_byte_array_new ();
  c.lower = g_byte_array_new ();
  /* Pages 0 and 1 are the meta pages. */
  c.seen[0] = 0x03;

  sound = walk_tree (&c, TREE_MAIN, "the main database", meta->main_db);
  for (guint i = 0; sound && i < c.named->len; i++)
    {
      NamedDb *db = &g_array_index (c.named, NamedDb, i);
      g_autofree char *shown = g_strescape (db->name, NULL);
      g_autofree char *tree = g_strdup_printf ("database \"%s\"", shown);
      sound = walk_tree (&c, TREE_DATA, tree, db->record);
    }
  if (sound && free_list)
    sound = walk_tree (&c, TREE_FREE, "the free-page list", meta->free_db) && free_lists_ok (&c);

  for (int i = 0; i < KV_LMDB_MAX_DEPTH; i++)
    g_free (c.level[i]);
  g_free (c.seen);
  g_array_unref (c.named);
  g_ptr_array_unref (c.free_lists);
  g_byte_array_unref (c.prev);
  g_byte_array_unref (c.lower);
  if (sound)
    return KV_LMDB_CHECK_SOUND;
  *problem = g_steal_pointer (&c.problem);
  return KV_LMDB_CHECK_DAMAGED;
}
