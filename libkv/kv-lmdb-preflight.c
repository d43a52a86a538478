/* kv-lmdb-preflight.c — checks a file with plain reads before LMDB maps it.
 *
 * LMDB trusts its file: it maps it and follows page numbers without
 * checking them against the file's length, so a truncated or crafted file
 * makes it touch pages past the end (SIGBUS), divide by a page size of 0
 * (SIGFPE) or follow wild pointers (SIGSEGV). Everything here uses stat,
 * open (non-blocking, so a FIFO cannot hang us) and pread, and checks every
 * offset before using it, so no file can crash it.
 *
 * The pages are read by kv-lmdb-pages.c, which describes their layout.
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
#include "kv-lmdb-pages-private.h"
#include "kv-lmdb-preflight-private.h"

#define W KV_LMDB_W
#define PAGE_HEADER KV_LMDB_PAGE_HEADER
#define NODE_HEADER KV_LMDB_NODE_HEADER
#define DB_RECORD KV_LMDB_DB_RECORD
#define DB_ENTRIES KV_LMDB_DB_ENTRIES
#define DB_ROOT KV_LMDB_DB_ROOT
#define NO_PAGE KV_LMDB_NO_PAGE
#define P_BRANCH KV_LMDB_P_BRANCH
#define F_BIGDATA KV_LMDB_F_BIGDATA
#define F_SUBDATA KV_LMDB_F_SUBDATA
#define MAX_DEPTH KV_LMDB_MAX_DEPTH

/* A file being written by another process can change under us: the
 * catalogue is read again when a commit landed meanwhile. */
#define STABLE_TRIES 20

/* The file, and the state of its newest meta page. */
typedef struct
{
  KvLmdbFile f;
  guint64 last_page;
  guint64 txnid;
  guint8 main_db[DB_RECORD];
  guint8 *page; /* page_size bytes */
} Reader;

#define u16_at _kv_lmdb_u16
#define word_at _kv_lmdb_word

/* Reads both meta pages into @r (the one LMDB will use); FALSE with @problem. */
static gboolean
read_metas (Reader *r, char **problem)
{
  const KvLmdbMeta *m;

  if (!_kv_lmdb_read_metas (&r->f, problem))
    return FALSE;
  m = &r->f.meta[r->f.newest];
  r->last_page = m->last_page;
  r->txnid = m->txnid;
  memcpy (r->main_db, m->main_db, DB_RECORD);
  return TRUE;
}

static gboolean
root_ok (guint64 root, guint64 last_page)
{
  return root == NO_PAGE || (root >= 2 && root <= last_page);
}

static gboolean
load_page (Reader *r, guint64 pgno, guint *out_nkeys, guint16 *out_flags)
{
  return _kv_lmdb_load_page (&r->f, r->last_page, pgno, r->page, out_nkeys, out_flags);
}

static const guint8 *
node_at (Reader *r, guint i, gsize *out_ksize)
{
  return _kv_lmdb_node_at (r->page, r->f.page_size, i, out_ksize);
}

static int
key_cmp (const guint8 *a, gsize alen, const char *b, gsize blen)
{
  return _kv_lmdb_key_cmp (a, alen, (const guint8 *) b, blen);
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
          if ((gsize) (node - r->page) + NODE_HEADER + ksize + dsize > r->f.page_size)
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
  Reader r = { .f.fd = -1 };
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
  if (S_ISREG (st.st_mode) && (r.f.fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
    {
      int saved = errno;
      /* A file we may not read: LMDB will say so in its own words. */
      if (saved == EACCES || saved == EPERM)
        return TRUE;
      g_set_error (error, KV_ERROR, path_code, "cannot open %s %s: %s", what, path,
                   g_strerror (saved));
      return FALSE;
    }
  if (r.f.fd >= 0 && fstat (r.f.fd, &st) != 0)
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
  r.f.file_size = (guint64) st.st_size;
  out->file_size = r.f.file_size;
  if (r.f.file_size == 0)
    {
      out->empty = TRUE;
      ok = TRUE;
      goto out;
    }
  if (!read_metas (&r, problem))
    goto out;
  out->page_size = r.f.page_size;
  out->last_page = r.last_page;
  out->main_entries = word_at (r.main_db + DB_ENTRIES);
  r.page = g_malloc (r.f.page_size);
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
      if (again.f.page_size != r.f.page_size)
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
  if (r.f.fd >= 0)
    close (r.f.fd);
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
