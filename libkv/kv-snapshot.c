/* kv-snapshot.c — backup and restore through snapshot files in the disk backend's format.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "kv-json-private.h"
#include "kv-lmdb-snapshot-private.h"
#include "kv-store-private.h"

static const char best_effort_warning[] =
    "allowConcurrentWrites: writers kept running during the backup, so the snapshot may mix "
    "moments; back up without it for a point-in-time copy";

/* ---- Reading a snapshot ------------------------------------------------------------------- */

/* What makes an entry one a snapshot may not hold (NULL: nothing). Restore
 * and verify refuse such an entry; backup refuses to write it, so that
 * every snapshot backup writes can be restored. */
static const char *
entry_problem (const char *key, gsize key_len, const void *value, gsize value_len,
               KvSerialization mode)
{
  g_autofree char *copy = NULL;
  const char *problem;

  if (memchr (key, '\0', key_len) != NULL)
    return "key holds a NUL byte";
  copy = g_strndup (key, key_len);
  problem = _kv_key_problem (copy);
  if (problem == NULL && mode == KV_SERIALIZATION_JSON)
    {
      if (!_kv_json_check (value, value_len, NULL))
        problem = "value is not JSON";
    }
  return problem;
}

/* Checks the format and every entry; fills @info. The reader stays open. */
static gboolean
reader_verify (KvLmdbSnapshotReader *r, const char *path, KvProgressReporter *progress,
               KvSnapshotInfo *info, GError **error)
{
  g_autoptr (GByteArray) previous_buf = g_byte_array_new ();
  GByteArray *previous = NULL; /* the last key read, once there is one */
  KvLmdbSnapshotHeader header;
  GError *failed = NULL;
  const void *key, *value;
  gsize key_len, value_len;

  memset (info, 0, sizeof *info);
  info->file_size = _kv_lmdb_snapshot_file_size (r);
  _kv_lmdb_snapshot_header (r, &header);
  if (!header.libkv_format)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                   "%s is an LMDB file but not a libkv snapshot (format \"%s\" expected)", path,
                   _kv_lmdb_format_name ());
      return FALSE;
    }
  /* Restore could not match any other serialization to a store, so verify
   * refuses what restore would. */
  if (!header.serialization_known)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                   "snapshot %s records a serialization other than \"json\" and \"string\"", path);
      return FALSE;
    }
  info->serialization = header.serialization;
  info->created_at = header.created_at;
  info->claims = header.claims;
  if (!_kv_progress_stage (progress, KV_PROGRESS_STAGE_CHECKING, header.recorded_entries, 0, error))
    return FALSE;

  /* Every page of the data is read: a truncated or damaged file fails here. */
  _kv_lmdb_snapshot_rewind (r);
  while (_kv_lmdb_snapshot_next (r, &key, &key_len, &value, &value_len, &failed))
    {
      const char *problem = entry_problem (key, key_len, value, value_len, info->serialization);
      /* The file's B-tree is trusted for its order: a crafted one can hold a
       * key twice or out of order, which a restore (a copy through puts)
       * would then merge. Every key must sort strictly after the one before. */
      if (problem == NULL && previous != NULL &&
          _kv_lmdb_snapshot_compare_keys (r, previous->data, previous->len, key, key_len) >= 0)
        problem = "keys are out of order or repeated (a damaged or crafted file)";
      if (problem)
        {
          g_autofree char *shown = _kv_bytes_shown (key, key_len, 100);
          g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ, "snapshot %s: entry \"%.100s\": %s",
                       path, shown, problem);
          return FALSE;
        }
      g_byte_array_set_size (previous_buf, 0);
      g_byte_array_append (previous_buf, key, (guint) key_len);
      previous = previous_buf;
      info->entries++;
      info->bytes += key_len + value_len;
      if (!_kv_progress_add (progress, 1, key_len + value_len, error))
        return FALSE;
    }
  if (failed)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ, "snapshot %s is damaged: %s", path,
                   failed->message);
      g_error_free (failed);
      return FALSE;
    }
  return _kv_progress_flush (progress, error);
}

gboolean
kv_snapshot_verify (const char *file_name, KvSnapshotInfo *out_info, GError **error)
{
  return kv_snapshot_verify_full (file_name, NULL, NULL, out_info, error);
}

gboolean
kv_snapshot_verify_full (const char *file_name, KvProgressFunc progress, gpointer progress_data,
                         KvSnapshotInfo *out_info, GError **error)
{
  KvProgressReporter reporter = KV_PROGRESS_REPORTER_INIT (progress, progress_data, "verify");
  g_autoptr (KvLmdbSnapshotReader) r = NULL;
  KvSnapshotInfo info;
  gboolean ok;

  g_return_val_if_fail (file_name != NULL, FALSE);
  r = _kv_lmdb_snapshot_open (file_name, &reporter, error);
  if (r == NULL)
    return FALSE;
  ok = reader_verify (r, file_name, &reporter, &info, error);
  if (ok && out_info)
    *out_info = info;
  return ok;
}

/* ---- Backup ------------------------------------------------------------------------------- */

static gboolean
maintenance_begin (KvCore *core, KvError what, GError **error)
{
  if (g_atomic_int_compare_and_exchange (&core->maintenance, 0, (gint) what))
    return TRUE;
  if (g_atomic_int_get (&core->maintenance) == KV_ERROR_BACKUP_IN_PROGRESS)
    g_set_error_literal (error, KV_ERROR, KV_ERROR_BACKUP_IN_PROGRESS,
                         "a backup of this store is already running");
  else
    g_set_error_literal (error, KV_ERROR, KV_ERROR_RESTORE_IN_PROGRESS,
                         "a restore of this store is already running");
  return FALSE;
}

static void
maintenance_end (KvCore *core)
{
  g_atomic_int_set (&core->maintenance, 0);
}

static const char *
resolve_path (KvCore *core, const char *file_name)
{
  if (file_name && *file_name)
    return file_name;
  /* The memory backend shares the disk backend's default file (the seed's
   * "shared .k6.kv" workflow); on disk, no name means the live file. */
  return kv_options_get_path (core->options);
}

typedef struct
{
  KvLmdbSnapshotWriter *out;
  guint64 entries, bytes, max_entries, max_bytes;
  KvSerialization mode;
  KvProgressReporter *progress;
  GError *error;
} SnapshotWriter;

static gboolean
write_one (const char *key, gsize key_len, const void *value, gsize value_len, gpointer data)
{
  SnapshotWriter *w = data;
  const char *problem = entry_problem (key, key_len, value, value_len, w->mode);

  if (problem)
    {
      g_autofree char *shown = _kv_bytes_shown (key, key_len, 100);
      g_set_error (&w->error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT,
                   "cannot back up entry \"%s\": %s, and restore would refuse the snapshot; "
                   "nothing was written",
                   shown, problem);
      return FALSE;
    }
  w->entries++;
  w->bytes += key_len + value_len;
  if ((w->max_entries && w->entries > w->max_entries) || (w->max_bytes && w->bytes > w->max_bytes))
    {
      g_set_error (&w->error, KV_ERROR, KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED,
                   "the store holds more than the backup budget (maxEntries %" G_GUINT64_FORMAT
                   ", maxBytes %" G_GUINT64_FORMAT "); nothing was written",
                   w->max_entries, w->max_bytes);
      return FALSE;
    }
  return _kv_lmdb_snapshot_writer_put (w->out, key, key_len, value, value_len, &w->error) &&
         _kv_progress_add (w->progress, 1, key_len + value_len, &w->error);
}

gboolean
kv_store_backup (KvStore *store, const char *file_name, gboolean allow_concurrent_writes,
                 gint64 max_entries, gint64 max_bytes, KvBackupSummary *out_summary, GError **error)
{
  return kv_store_backup_full (store, file_name, allow_concurrent_writes, max_entries, max_bytes,
                               NULL, NULL, out_summary, error);
}

gboolean
kv_store_backup_full (KvStore *store, const char *file_name, gboolean allow_concurrent_writes,
                      gint64 max_entries, gint64 max_bytes, KvProgressFunc progress,
                      gpointer progress_data, KvBackupSummary *out_summary, GError **error)
{
  KvProgressReporter reporter = KV_PROGRESS_REPORTER_INIT (progress, progress_data, "backup");
  KvAtomicFile file = { .fd = -1 };
  SnapshotWriter w = { 0 };
  KvBackupSummary sum = { 0 };
  const char *path;
  gboolean best_effort, ok = FALSE;
  KvCore *core;
  struct stat st;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  /* As in xk6-kv, a budget <= 0 is no budget. */
  max_entries = MAX (max_entries, 0);
  max_bytes = MAX (max_bytes, 0);
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  path = resolve_path (core, file_name);
  /* A backend that reads from a moment (LMDB's transactions) copies one
   * moment anyway; any other lets writers run only when asked to. */
  best_effort = allow_concurrent_writes && !core->backend->vtable->point_in_time_reads;
  if (_kv_backend_is_file (core->backend, path))
    {
      /* The live disk file already is the data: report it, write nothing. */
      sum.no_op = TRUE;
      ok = _kv_backend_count (core->backend, &sum.entries, error);
      sum.bytes = stat (path, &st) == 0 ? (guint64) st.st_size : 0;
      goto out_release;
    }
  if (!maintenance_begin (core, KV_ERROR_BACKUP_IN_PROGRESS, error))
    goto out_release;
  if (!_kv_atomic_file_begin (&file, path, _kv_backend_data_file (core->backend), error))
    goto out_maintenance;

  w.mode = core->mode;
  w.max_entries = (guint64) max_entries;
  w.max_bytes = (guint64) max_bytes;
  w.progress = &reporter;
  {
    guint64 total = 0;
    /* The size now, as an estimate: writers may change it while the copy runs. */
    if (!_kv_backend_count (core->backend, &total, error) ||
        !_kv_progress_stage (&reporter, KV_PROGRESS_STAGE_COPYING, total, 0, error))
      goto out_file;
  }
  w.out = _kv_lmdb_snapshot_writer_new (&file, error);
  if (w.out == NULL)
    goto out_file;
  if (!_kv_backend_dump (core->backend, !best_effort, write_one, &w, &w.error) && w.error == NULL)
    g_set_error (&w.error, KV_ERROR, KV_ERROR_SNAPSHOT_EXPORT,
                 "writing snapshot %s failed: reading the store failed", path);
  if (w.error == NULL && _kv_progress_flush (&reporter, &w.error))
    {
      /* From here the backup runs to its end. */
      (void) _kv_progress_stage (&reporter, KV_PROGRESS_STAGE_COMMITTING, 0, 0, NULL);
      (void) _kv_lmdb_snapshot_writer_finish (w.out, core->mode, w.entries, &w.error);
    }
  g_clear_pointer (&w.out, _kv_lmdb_snapshot_writer_free);
  if (w.error)
    {
      g_propagate_error (error, w.error);
      goto out_file;
    }
  if (!_kv_atomic_file_commit (&file, error))
    goto out_file;
  sum.entries = w.entries;
  sum.bytes = stat (path, &st) == 0 ? (guint64) st.st_size : 0;
  sum.best_effort = best_effort;
  sum.warning = sum.best_effort ? best_effort_warning : NULL;
  ok = TRUE;

out_file:
  _kv_atomic_file_abort (&file);
out_maintenance:
  maintenance_end (core);
out_release:
  _kv_core_release (core);
  if (ok && out_summary)
    *out_summary = sum;
  return ok;
}

/* ---- Restore ------------------------------------------------------------------------------ */

/* The snapshot's entries as the backend's replace_all() reads them. */
typedef struct
{
  KvLmdbSnapshotReader *r;
  char *key;
} SnapshotSource;

static gboolean
source_next (gpointer data, const char **key, GBytes **value, GError **error)
{
  SnapshotSource *s = data;
  const void *k, *v;
  gsize k_len, v_len;
  GError *failed = NULL;

  if (!_kv_lmdb_snapshot_next (s->r, &k, &k_len, &v, &v_len, &failed))
    {
      if (failed)
        {
          g_prefix_error (&failed, "reading the snapshot failed: ");
          g_propagate_error (error, failed);
        }
      return FALSE;
    }
  g_free (s->key);
  s->key = g_strndup (k, k_len);
  *key = s->key;
  *value = _kv_bytes_new (v, v_len);
  return TRUE;
}

static void
source_rewind (gpointer data)
{
  _kv_lmdb_snapshot_rewind (((SnapshotSource *) data)->r);
}

gboolean
kv_store_restore (KvStore *store, const char *file_name, gint64 max_entries, gint64 max_bytes,
                  KvRestoreSummary *out_summary, GError **error)
{
  return kv_store_restore_full (store, file_name, max_entries, max_bytes, NULL, NULL, out_summary,
                                error);
}

gboolean
kv_store_restore_full (KvStore *store, const char *file_name, gint64 max_entries, gint64 max_bytes,
                       KvProgressFunc progress, gpointer progress_data,
                       KvRestoreSummary *out_summary, GError **error)
{
  KvProgressReporter reporter = KV_PROGRESS_REPORTER_INIT (progress, progress_data, "restore");
  g_autoptr (KvLmdbSnapshotReader) r = NULL;
  SnapshotSource src = { NULL };
  KvEntrySource source = { source_next, source_rewind, &src };
  KvLmdbSnapshotHeader header;
  KvSnapshotInfo info;
  KvRestoreSummary sum = { 0 };
  const char *path;
  gboolean ok = FALSE;
  KvCore *core;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  max_entries = MAX (max_entries, 0);
  max_bytes = MAX (max_bytes, 0);
  core = _kv_core_acquire (store, error);
  if (core == NULL)
    return FALSE;
  path = resolve_path (core, file_name);
  if (_kv_backend_is_file (core->backend, path))
    {
      struct stat st;
      sum.no_op = TRUE;
      sum.bytes = stat (path, &st) == 0 ? (guint64) st.st_size : 0;
      ok = _kv_backend_count (core->backend, &sum.entries, error);
      goto out_release;
    }
  if (!_kv_core_check_writable (core, error) ||
      !maintenance_begin (core, KV_ERROR_RESTORE_IN_PROGRESS, error))
    goto out_release;

  /* Check everything before touching the store. */
  r = _kv_lmdb_snapshot_open (path, &reporter, error);
  if (r == NULL || !reader_verify (r, path, &reporter, &info, error))
    goto out_maintenance;
  src.r = r;
  _kv_lmdb_snapshot_rewind (r); /* verify read it to its end */
  /* Values keep the serialization they were written with (see
   * kv-backend-lmdb-open.c); a snapshot that records none is taken as it is. */
  _kv_lmdb_snapshot_header (r, &header);
  if (header.has_serialization && header.serialization != core->mode)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_SERIALIZATION,
                   "snapshot %s holds serialization \"%s\" values, the store \"%s\"; the "
                   "store was not changed",
                   path, _kv_serialization_name (header.serialization),
                   _kv_serialization_name (core->mode));
      goto out_maintenance;
    }
  if ((max_entries && info.entries > (guint64) max_entries) ||
      (max_bytes && info.bytes > (guint64) max_bytes))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_BUDGET_EXCEEDED,
                   "snapshot %s holds %" G_GUINT64_FORMAT " entries and %" G_GUINT64_FORMAT
                   " bytes, over the restore budget (maxEntries %" G_GINT64_FORMAT
                   ", maxBytes %" G_GINT64_FORMAT "); the store was not changed",
                   path, info.entries, info.bytes, max_entries, max_bytes);
      goto out_maintenance;
    }
  /* From here the restore runs to its end: a half-replaced store is no
   * state to stop in. */
  (void) _kv_progress_stage (&reporter, KV_PROGRESS_STAGE_COMMITTING, 0, 0, NULL);
  if (!_kv_backend_replace_all (core->backend, &source, error))
    goto out_maintenance;
  sum.entries = info.entries;
  sum.bytes = info.file_size;
  ok = TRUE;

out_maintenance:
  g_free (src.key);
  maintenance_end (core);
out_release:
  _kv_core_release (core);
  if (ok && out_summary)
    *out_summary = sum;
  return ok;
}
