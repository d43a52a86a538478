/* kv-progress.c — reporting progress to a caller's KvProgressFunc.
 *
 * Throttled by amount, not by time: a clock read per record would cost more
 * than the report, and a caller that draws knows best how often to draw.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "kv-progress-private.h"

#define REPORT_EVERY_RECORDS 256
#define REPORT_EVERY_BYTES (G_GUINT64_CONSTANT (1) << 20)

static gboolean
report (KvProgressReporter *r, GError **error)
{
  gboolean go_on = r->func (&r->now, r->data);

  r->reported_records = r->now.records;
  r->reported_bytes = r->now.bytes;
  if (go_on || r->now.stage == KV_PROGRESS_STAGE_COMMITTING)
    return TRUE;
  g_set_error (error, KV_ERROR, KV_ERROR_OPERATION_CANCELED, "%s was stopped by its caller",
               r->what);
  return FALSE;
}

gboolean
_kv_progress_stage (KvProgressReporter *r, KvProgressStage stage, guint64 records_total,
                    guint64 bytes_total, GError **error)
{
  r->now =
      (KvProgress){ .stage = stage, .records_total = records_total, .bytes_total = bytes_total };
  return r->func == NULL || report (r, error);
}

gboolean
_kv_progress_add (KvProgressReporter *r, guint64 records, guint64 bytes, GError **error)
{
  r->now.records += records;
  r->now.bytes += bytes;
  if (r->func == NULL)
    return TRUE;
  if (r->now.records - r->reported_records < REPORT_EVERY_RECORDS &&
      r->now.bytes - r->reported_bytes < REPORT_EVERY_BYTES)
    return TRUE;
  return report (r, error);
}

gboolean
_kv_progress_flush (KvProgressReporter *r, GError **error)
{
  return r->func == NULL || report (r, error);
}
