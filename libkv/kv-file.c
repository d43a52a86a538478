/* kv-file.c — files libkv writes (atomically) and reads, with typed errors.
 *
 * Every file libkv produces (snapshots, JSONL and CSV exports) is written to a
 * temporary name in the destination directory, fsynced, renamed into place,
 * and the directory fsynced: a crash leaves either the old file or the new
 * one, never a torn mix, and a failed export never damages an existing file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kv-file-private.h"
#include "kv-store-private.h"
#include "kv-value-private.h"

void
_kv_file_set_errno_error (GError **error, int err, KvError fallback, const char *what,
                          const char *path)
{
  KvError code = fallback;

  if (err == EACCES || err == EPERM || err == EROFS)
    code = KV_ERROR_SNAPSHOT_PERMISSION;
  else if ((err == ENOENT || err == ENOTDIR) && fallback == KV_ERROR_SNAPSHOT_READ)
    code = KV_ERROR_SNAPSHOT_NOT_FOUND;
  g_set_error (error, KV_ERROR, code, "%s %s: %s%s", what, path, g_strerror (err),
               err == ENOSPC || err == EDQUOT ? " (the disk is full)" : "");
}

/* LMDB's meta page starts with a page header (a pgno_t, then 8 bytes) and
 * then the magic number, in the host's byte order. */
#define LMDB_MAGIC 0xBEEFC0DEu
#define LMDB_MAGIC_OFFSET (sizeof (size_t) + 8)

static gboolean
is_lmdb_data_file (const char *path)
{
  guint32 magic = 0;
  struct stat st;
  gboolean yes;
  int fd;

  /* Never open a FIFO or a device to find out (opening one can have
   * effects). A store reached through a symbolic link still counts. */
  if (stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return FALSE;
  yes = fstat (fd, &st) == 0 && S_ISREG (st.st_mode) &&
        pread (fd, &magic, sizeof magic, LMDB_MAGIC_OFFSET) == sizeof magic && magic == LMDB_MAGIC;
  close (fd);
  return yes;
}

const char *
_kv_file_kind (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISFIFO (mode))
    return "a FIFO (named pipe)";
  if (S_ISSOCK (mode))
    return "a socket";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  return "not a regular file";
}

static gboolean
same_inode (const struct stat *st, const char *path)
{
  struct stat other;

  return stat (path, &other) == 0 && other.st_dev == st->st_dev && other.st_ino == st->st_ino;
}

/* Whether @path may be replaced by a rename; *@out_exists and *@out_st
 * describe what is there now. Why each refusal: a rename over a device,
 * FIFO or socket replaces the node itself (as root, /dev/null); over a
 * symbolic link it replaces the link, not what the user pointed at; over the
 * live store it unlinks the data every later write goes to; over an LMDB
 * lock file it splits the processes using that store onto two lock tables,
 * so two writers run at once and corrupt it. */
static gboolean
check_destination (const char *path, const char *store_path, gboolean *out_exists,
                   struct stat *out_st, GError **error)
{
  struct stat *st = out_st;
  gsize len = strlen (path);

  *out_exists = FALSE;
  if (len > 5 && strcmp (path + len - 5, "-lock") == 0)
    {
      g_autofree char *data = g_strndup (path, len - 5);
      if (is_lmdb_data_file (data))
        {
          g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT,
                       "cannot write %s: it is the lock file of the LMDB store %s; replacing it "
                       "would let two writers corrupt that store",
                       path, data);
          return FALSE;
        }
    }
  if (lstat (path, st) != 0)
    return TRUE; /* absent (or unreachable: creating the temporary file says why) */
  *out_exists = TRUE;
  if (S_ISDIR (st->st_mode))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT, "cannot write %s: it is a directory",
                   path);
      return FALSE;
    }
  if (S_ISLNK (st->st_mode))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT,
                   "cannot write %s: it is a symbolic link (libkv neither follows nor replaces "
                   "links; give the path of a regular file)",
                   path);
      return FALSE;
    }
  if (!S_ISREG (st->st_mode))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT,
                   "cannot write %s: it is %s, not a regular file, and is left as it is", path,
                   _kv_file_kind (st->st_mode));
      return FALSE;
    }
  if (store_path)
    {
      g_autofree char *lock = g_strconcat (store_path, "-lock", NULL);
      if (same_inode (st, store_path) || same_inode (st, lock))
        {
          g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT,
                       "cannot write %s: it is this store's own %s file (%s); choose another name",
                       path, same_inode (st, store_path) ? "data" : "lock",
                       same_inode (st, store_path) ? store_path : lock);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_kv_atomic_file_begin (KvAtomicFile *file, const char *path, const char *store_path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  struct stat st;
  gboolean exists;

  memset (file, 0, sizeof *file);
  file->fd = -1;
  if (!check_destination (path, store_path, &exists, &st, error))
    return FALSE;
  /* As xk6-kv does, a missing directory is created ("./snapshots/run.kv"). */
  if (!exists && g_mkdir_with_parents (dir, 0750) != 0)
    {
      _kv_file_set_errno_error (error, errno, KV_ERROR_SNAPSHOT_EXPORT,
                                "cannot create the directory of", path);
      return FALSE;
    }
  file->path = g_strdup (path);
  file->store_path = g_strdup (store_path);
  file->tmp_path = g_strdup_printf ("%s/.%s.tmp-XXXXXX", dir, base);
  file->fd = g_mkstemp_full (file->tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  if (file->fd < 0)
    {
      int err = errno;
      _kv_file_set_errno_error (error, err,
                                err == ENOENT || err == ENOTDIR ? KV_ERROR_SNAPSHOT_EXPORT
                                                                : KV_ERROR_SNAPSHOT_IO,
                                "cannot create a file next to", path);
      g_clear_pointer (&file->tmp_path, g_free);
      g_clear_pointer (&file->path, g_free);
      g_clear_pointer (&file->store_path, g_free);
      return FALSE;
    }
  if (exists)
    {
      /* The replacement keeps what the operator set on the file it replaces
       * (a 0600 backup stays 0600). The owner only where permitted: as root,
       * or a group the caller belongs to. */
      if ((st.st_uid != geteuid () || st.st_gid != getegid ()) &&
          fchown (file->fd, st.st_uid, st.st_gid) != 0 &&
          fchown (file->fd, (uid_t) -1, st.st_gid) != 0)
        {
          /* Neither is permitted: the file stays the caller's, as documented. */
        }
      if (fchmod (file->fd, st.st_mode & 07777) != 0)
        {
          _kv_file_set_errno_error (error, errno, KV_ERROR_SNAPSHOT_IO,
                                    "cannot give the mode of the file it replaces to", path);
          _kv_atomic_file_abort (file);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_kv_atomic_file_write (KvAtomicFile *file, const void *data, gsize len, GError **error)
{
  const char *p = data;

  while (len > 0)
    {
      ssize_t n = write (file->fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          _kv_file_set_errno_error (error, errno, KV_ERROR_SNAPSHOT_IO, "cannot write", file->path);
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gboolean
_kv_atomic_file_commit (KvAtomicFile *file, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (file->path);
  int dfd;

  if (fsync (file->fd) != 0 || close (file->fd) != 0)
    {
      _kv_file_set_errno_error (error, errno, KV_ERROR_SNAPSHOT_IO, "cannot flush", file->path);
      file->fd = -1;
      return FALSE;
    }
  file->fd = -1;
  /* What is at the name may have changed while the file was written. */
  {
    struct stat st;
    gboolean exists;
    if (!check_destination (file->path, file->store_path, &exists, &st, error))
      return FALSE;
  }
  if (g_rename (file->tmp_path, file->path) != 0)
    {
      _kv_file_set_errno_error (error, errno, KV_ERROR_SNAPSHOT_IO, "cannot rename into",
                                file->path);
      return FALSE;
    }
  g_clear_pointer (&file->tmp_path, g_free);
  /* The rename is durable only once the directory entry is. */
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return TRUE;
}

void
_kv_atomic_file_abort (KvAtomicFile *file)
{
  if (file->fd >= 0)
    close (file->fd);
  file->fd = -1;
  if (file->tmp_path)
    g_unlink (file->tmp_path);
  g_clear_pointer (&file->tmp_path, g_free);
  g_clear_pointer (&file->path, g_free);
  g_clear_pointer (&file->store_path, g_free);
}

FILE *
_kv_file_open_read (const char *path, GError **error)
{
  FILE *f;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ, "cannot read %s: it is a directory",
                   path);
      return NULL;
    }
  f = fopen (path, "rbe");
  if (f == NULL)
    _kv_file_set_errno_error (error, errno, KV_ERROR_SNAPSHOT_READ, "cannot open", path);
  return f;
}

void
_kv_import_set_error (GError **error, const GError *cause, const char *what, const char *file_name,
                      const char *records_name, const char *place_name,
                      const KvTransferSummary *committed, guint64 place)
{
  if (cause->code == KV_ERROR_OPERATION_CANCELED)
    g_set_error (error, KV_ERROR, cause->code,
                 "%s %s: stopped by the caller; %" G_GUINT64_FORMAT " %s (%" G_GUINT64_FORMAT
                 " bytes, through %s %" G_GUINT64_FORMAT
                 ") were imported before, the %ss after them were not",
                 what, file_name, committed->records, records_name, committed->bytes, place_name,
                 place, place_name);
  else
    g_set_error (error, KV_ERROR, cause->code,
                 "%s %s: %s; %" G_GUINT64_FORMAT " %s (%" G_GUINT64_FORMAT
                 " bytes, through %s %" G_GUINT64_FORMAT
                 ") were imported before it, the batch with the failing %s was not",
                 what, file_name, cause->message, committed->records, records_name,
                 committed->bytes, place_name, place, place_name);
}

guint64
_kv_file_size (FILE *f)
{
  struct stat st;

  if (fstat (fileno (f), &st) != 0 || !S_ISREG (st.st_mode))
    return 0;
  return (guint64) st.st_size;
}

#define EXPORT_PAGE 1000
#define FLUSH_AT (1u << 20)

/* The pages an export walks, in key order. */
typedef struct
{
  KvStore *store;
  const char *prefix;
  /* Cursor paging: what scan() gives the k6 API, cheap where the backend
   * can seek (LMDB, a tracked memory store). */
  char *cursor;
  /* Key-list paging: an untracked memory store has no order to seek in, so
   * every scan page would sort the whole store again (quadratic: minutes
   * for a million keys). Its matching keys are sorted once instead, and
   * values fetched a page at a time; a key deleted meanwhile is skipped. */
  GPtrArray *keys;
  guint next_key;
  gboolean done;
  char *data_file; /* the store's own file, never to be replaced (nullable) */
} ExportPages;

static gboolean
export_pages_init (ExportPages *p, KvStore *store, const char *prefix, guint64 max, GError **error)
{
  KvCore *core;
  gboolean more, ok = TRUE;

  memset (p, 0, sizeof *p);
  p->store = store;
  p->prefix = prefix;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  p->data_file = g_strdup (_kv_backend_data_file (core->backend));
  if (!_kv_backend_scan_seeks (core->backend))
    {
      p->keys = g_ptr_array_new_with_free_func (g_free);
      ok = _kv_backend_scan (core->backend, prefix, NULL, max, TRUE, p->keys, &more, error);
    }
  _kv_core_release (core);
  return ok;
}

static gboolean
export_pages_next (ExportPages *p, guint64 want, GPtrArray **out_page, GError **error)
{
  g_autoptr (GPtrArray) page = NULL;
  g_autofree GBytes **values = NULL;
  guint n;
  KvCore *core;
  gboolean ok;

  if (p->keys == NULL)
    {
      char *next = NULL;
      if (!kv_store_scan (p->store, p->prefix, p->cursor, (gint64) want, out_page, &next, &p->done,
                          error))
        return FALSE;
      g_free (p->cursor);
      p->cursor = next;
      return TRUE;
    }
  n = (guint) MIN ((guint64) (p->keys->len - p->next_key), want);
  page = g_ptr_array_new_with_free_func ((GDestroyNotify) kv_entry_free);
  values = g_new0 (GBytes *, MAX (n, 1));
  core = _kv_core_acquire (p->store, error);
  if (core == NULL)
    return FALSE;
  ok = _kv_backend_get_many (core->backend, (const char *const *) p->keys->pdata + p->next_key, n,
                             values, error);
  _kv_core_release (core);
  for (guint i = 0; i < n; i++)
    if (values[i])
      {
        if (ok)
          g_ptr_array_add (page, _kv_entry_new (p->keys->pdata[p->next_key + i], values[i]));
        g_bytes_unref (values[i]);
      }
  if (!ok)
    return FALSE;
  p->next_key += n;
  p->done = p->next_key >= p->keys->len;
  *out_page = g_steal_pointer (&page);
  return TRUE;
}

static void
export_pages_clear (ExportPages *p)
{
  g_clear_pointer (&p->cursor, g_free);
  g_clear_pointer (&p->keys, g_ptr_array_unref);
  g_clear_pointer (&p->data_file, g_free);
}

gboolean
_kv_export_entries (KvStore *store, const char *file_name, const char *prefix, guint64 max,
                    const char *header, KvEntryFormatter format, gpointer data,
                    KvProgressReporter *progress, KvTransferSummary *out_summary, GError **error)
{
  KvAtomicFile file = { .fd = -1 };
  g_autoptr (GString) buf = g_string_sized_new (FLUSH_AT + 4096);
  ExportPages pages;
  KvTransferSummary sum = { 0 };
  guint64 total = 0;

  if (!export_pages_init (&pages, store, prefix, max, error))
    goto fail;
  /* A key list is counted already; otherwise counting costs a walk of the
   * prefix on disk: only for a listener. */
  if (pages.keys)
    total = pages.keys->len;
  else if (_kv_progress_wanted (progress) && !kv_store_count (store, prefix, &total, error))
    goto fail;
  if (max > 0)
    total = MIN (total, max);
  if (!_kv_atomic_file_begin (&file, file_name, pages.data_file, error) ||
      !_kv_progress_stage (progress, KV_PROGRESS_STAGE_COPYING, total, 0, error))
    goto fail;
  if (header)
    {
      g_string_append (buf, header);
      if (!_kv_progress_add (progress, 0, buf->len, error))
        goto fail;
    }
  while (!pages.done && (max == 0 || sum.records < max))
    {
      g_autoptr (GPtrArray) page = NULL;
      guint64 want = max ? MIN (EXPORT_PAGE, max - sum.records) : EXPORT_PAGE;

      if (!export_pages_next (&pages, want, &page, error))
        goto fail;
      for (guint i = 0; i < page->len; i++)
        {
          gsize before = buf->len;

          if (!format (buf, page->pdata[i], data, error))
            goto fail;
          sum.records++;
          if (!_kv_progress_add (progress, 1, buf->len - before, error))
            goto fail;
          if (buf->len >= FLUSH_AT)
            {
              if (!_kv_atomic_file_write (&file, buf->str, buf->len, error))
                goto fail;
              sum.bytes += buf->len;
              g_string_truncate (buf, 0);
            }
        }
    }
  if (!_kv_atomic_file_write (&file, buf->str, buf->len, error))
    goto fail;
  sum.bytes += buf->len;
  if (!_kv_progress_flush (progress, error) ||
      !_kv_progress_stage (progress, KV_PROGRESS_STAGE_COMMITTING, 0, 0, error) ||
      !_kv_atomic_file_commit (&file, error))
    goto fail;
  _kv_atomic_file_abort (&file);
  export_pages_clear (&pages);
  if (out_summary)
    *out_summary = sum;
  return TRUE;

fail:
  _kv_atomic_file_abort (&file);
  export_pages_clear (&pages);
  return FALSE;
}
