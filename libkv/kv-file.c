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

gboolean
_kv_atomic_file_begin (KvAtomicFile *file, const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);

  memset (file, 0, sizeof *file);
  file->fd = -1;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT, "cannot write %s: it is a directory",
                   path);
      return FALSE;
    }
  file->path = g_strdup (path);
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
      return FALSE;
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
_kv_import_set_error (GError **error, const GError *cause, const char *what,
                      const char *file_name, const char *records_name, const char *place_name,
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
} ExportPages;

static gboolean
export_pages_init (ExportPages *p, KvStore *store, const char *prefix, guint64 max,
                   GError **error)
{
  const KvOptions *options = kv_store_get_options (store);
  KvCore *core;
  gboolean more, ok;

  memset (p, 0, sizeof *p);
  p->store = store;
  p->prefix = prefix;
  if (kv_options_get_backend (options) != KV_BACKEND_MEMORY || kv_options_get_track_keys (options))
    return TRUE;
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  p->keys = g_ptr_array_new_with_free_func (g_free);
  ok = core->backend->vtable->scan (core->backend, prefix, NULL, max, TRUE, p->keys, &more, error);
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
  ok = core->backend->vtable->get_many (core->backend,
                                        (const char *const *) p->keys->pdata + p->next_key, n,
                                        values, error);
  _kv_core_release (core);
  for (guint i = 0; i < n; i++)
    if (values[i])
      {
        if (ok)
          g_ptr_array_add (page, kv_entry_new (p->keys->pdata[p->next_key + i], values[i]));
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
}

gboolean
_kv_export_entries (KvStore *store, const char *file_name, const char *prefix, guint64 max,
                    const char *header, KvEntryFormatter format, gpointer data,
                    KvProgressReporter *progress, KvTransferSummary *out_summary,
                    GError **error)
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
  if (!_kv_atomic_file_begin (&file, file_name, error) ||
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
