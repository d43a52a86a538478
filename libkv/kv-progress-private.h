/* kv-progress-private.h — reporting progress to a caller's KvProgressFunc.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kv.h"

G_BEGIN_DECLS

/* One operation's reporter. With no callback every call is a cheap no-op
 * that succeeds, so operations report unconditionally. */
typedef struct
{
  KvProgressFunc func;
  gpointer data;
  /* The operation's name for the cancellation message ("exportJSONL"). */
  const char *what;
  KvProgress now;
  guint64 reported_records, reported_bytes;
} KvProgressReporter;

#define KV_PROGRESS_REPORTER_INIT(func, data, what)                                                \
  {                                                                                                \
    (func), (data), (what), { 0 }, 0, 0                                                            \
  }

/* Whether anyone listens: lets an operation skip work done only for the
 * report (counting a prefix for records_total). */
static inline gboolean
_kv_progress_wanted (const KvProgressReporter *r)
{
  return r->func != NULL;
}

/* Begins @stage with its totals (0: not known) and reports it. FALSE with
 * OPERATION_CANCELED when the callback asks to stop (never for COMMITTING). */
gboolean _kv_progress_stage (KvProgressReporter *r, KvProgressStage stage, guint64 records_total,
                             guint64 bytes_total, GError **error);
/* Counts @records and @bytes more, reporting every 256 records or 1 MiB. */
gboolean _kv_progress_add (KvProgressReporter *r, guint64 records, guint64 bytes, GError **error);
/* Reports the stage's counts as they stand (the end of a stage). */
gboolean _kv_progress_flush (KvProgressReporter *r, GError **error);

G_END_DECLS
