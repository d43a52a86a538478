/* kva-progress.c — kv-admin's progress bar, and stopping cleanly on Ctrl-C.
 *
 * libkv reports progress through a KvProgressFunc (kv-progress.h); this file
 * draws it as one line on standard error, redrawn in place at most ten times
 * a second, and erased when the work ends so the terminal keeps only the
 * command's output. Nothing is drawn unless both standard output and
 * standard error are terminals (piped or redirected output stays clean),
 * nor with --json, --no-progress or TERM=dumb.
 *
 * SIGINT and SIGTERM, while a long operation runs, do not kill kv-admin:
 * they make the next progress report say stop, so libkv removes its
 * temporary file or keeps the store untouched, and kv-admin exits 128 + the
 * signal. The handler is one-shot: a second Ctrl-C kills at once (the way
 * out of a step that cannot stop, like writing a restore into the store). A
 * signal the caller ignores stays ignored.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kva-common.h"

#define REDRAW_INTERVAL_US (G_USEC_PER_SEC / 10)
#define ETA_AFTER_US G_USEC_PER_SEC

static volatile sig_atomic_t stop_signal;

static void
on_stop_signal (int signo)
{
  stop_signal = signo;
}

static gboolean
want_bar (const KvaInvocation *invocation)
{
  const char *term = g_getenv ("TERM");

  return !invocation->json && !invocation->no_progress && isatty (STDOUT_FILENO) &&
         isatty (STDERR_FILENO) && !(term != NULL && strcmp (term, "dumb") == 0);
}

static int
terminal_columns (void)
{
  struct winsize ws;

  if (ioctl (STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
    return ws.ws_col;
  return 80;
}

static const char *
stage_label (const KvaProgress *bar, KvProgressStage stage)
{
  switch (stage)
    {
    case KV_PROGRESS_STAGE_CHECKSUM:
      return "checksum";
    case KV_PROGRESS_STAGE_CHECKING:
      return "checking";
    case KV_PROGRESS_STAGE_COPYING:
      return bar->verb;
    case KV_PROGRESS_STAGE_COMMITTING:
    default:
      return "committing";
    }
}

/* "1:05" or "1:02:05". */
static void
append_duration (GString *line, gint64 us)
{
  gint64 s = us / G_USEC_PER_SEC;

  if (s >= 3600)
    g_string_append_printf (line, "%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60),
                            (int) (s % 60));
  else
    g_string_append_printf (line, "%d:%02d", (int) (s / 60), (int) (s % 60));
}

/* "71.4 MiB" with a plain space: GLib puts U+00A0 there, which a terminal
 * in a non-UTF-8 locale shows as junk. */
static char *
format_size (guint64 bytes)
{
  char *size = g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
  char *nbsp;

  while ((nbsp = strstr (size, "\xc2\xa0")) != NULL)
    {
      nbsp[0] = ' ';
      memmove (nbsp + 1, nbsp + 2, strlen (nbsp + 2) + 1);
    }
  return size;
}

static void
draw (KvaProgress *bar, const KvProgress *p, gint64 now)
{
  g_autoptr (GString) line = g_string_new (NULL);
  g_autoptr (GString) tail = g_string_new (NULL);
  g_autofree char *size = format_size (p->bytes);
  guint64 done = p->records_total ? p->records : p->bytes;
  guint64 total = p->records_total ? p->records_total : p->bytes_total;
  int columns = terminal_columns ();

  g_string_append_printf (line, "%s: %-10s ", bar->command, stage_label (bar, p->stage));
  if (p->stage == KV_PROGRESS_STAGE_COMMITTING)
    g_string_append (tail, "...");
  else
    {
      if (p->records_total)
        g_string_append_printf (tail, "%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " records  %s",
                                p->records, p->records_total, size);
      else if (p->records || p->stage != KV_PROGRESS_STAGE_CHECKSUM)
        g_string_append_printf (tail, "%" G_GUINT64_FORMAT " records  %s", p->records, size);
      else
        g_string_append (tail, size);
      if (total && done > 0 && done < total && now - bar->stage_started >= ETA_AFTER_US)
        {
          g_string_append (tail, "  ");
          append_duration (tail, (gint64) ((double) (now - bar->stage_started) *
                                           (double) (total - done) / (double) done));
          g_string_append (tail, " left");
        }
    }
  if (total)
    {
      /* A width fixed by the terminal, not by the text, so the bar does not
       * jump as the numbers grow. */
      guint64 shown = MIN (done, total);
      int percent = (int) (shown * 100 / total);
      int width = CLAMP (columns - 60, 10, 30);
      int filled = (int) (shown * (guint64) width / total);

      g_string_append_c (line, '[');
      for (int i = 0; i < width; i++)
        g_string_append_c (line, i < filled ? '#' : '.');
      g_string_append_printf (line, "] %3d%%  ", percent);
    }
  g_string_append (line, tail->str);
  /* Never wrap: a wrapped line cannot be redrawn in place. */
  if (line->len >= (gsize) columns)
    g_string_truncate (line, (gsize) columns - 1);
  fprintf (stderr, "\r%s\033[K", line->str);
  fflush (stderr);
  bar->shown = TRUE;
}

gboolean
kva_progress_report (const KvProgress *progress, gpointer data)
{
  KvaProgress *bar = data;
  gint64 now = g_get_monotonic_time ();
  gboolean stage_changed = !bar->reported || progress->stage != bar->stage;
  gboolean complete = (progress->records_total && progress->records >= progress->records_total) ||
                      (progress->bytes_total && progress->bytes >= progress->bytes_total);

  if (stage_changed)
    bar->stage_started = now;
  bar->reported = TRUE;
  bar->stage = progress->stage;
  if (bar->draw && (stage_changed || complete || now - bar->last_draw >= REDRAW_INTERVAL_US))
    {
      draw (bar, progress, now);
      bar->last_draw = now;
    }
  return stop_signal == 0;
}

void
kva_progress_begin (KvaInvocation *invocation, const char *verb, KvaProgressFlags flags)
{
  KvaProgress *bar = &invocation->progress;
  struct sigaction sa = { 0 };

  memset (bar, 0, sizeof *bar);
  bar->command = invocation->command ? invocation->command->name : "kv-admin";
  bar->verb = verb;
  bar->draw = want_bar (invocation);

  stop_signal = 0;
  if (flags & KVA_PROGRESS_STOPPABLE)
    {
      sa.sa_handler = on_stop_signal;
      sa.sa_flags = SA_RESETHAND | SA_RESTART;
      sigemptyset (&sa.sa_mask);
      sigaction (SIGINT, &sa, &bar->old_sigint);
      sigaction (SIGTERM, &sa, &bar->old_sigterm);
      /* A signal the caller ignores stays ignored (SIGINT of a background
       * job in a script, nohup): this is the caller's choice. */
      if (bar->old_sigint.sa_handler == SIG_IGN)
        sigaction (SIGINT, &bar->old_sigint, NULL);
      if (bar->old_sigterm.sa_handler == SIG_IGN)
        sigaction (SIGTERM, &bar->old_sigterm, NULL);
      bar->signals_caught = TRUE;
    }

  if (bar->draw)
    {
      /* Said at once: the first report may come after a slow count. */
      fprintf (stderr, "%s: %s...", bar->command, verb);
      fflush (stderr);
      bar->shown = TRUE;
    }
}

void
kva_progress_end (KvaInvocation *invocation)
{
  KvaProgress *bar = &invocation->progress;

  if (bar->signals_caught)
    {
      sigaction (SIGINT, &bar->old_sigint, NULL);
      sigaction (SIGTERM, &bar->old_sigterm, NULL);
      bar->signals_caught = FALSE;
    }
  if (stop_signal != 0)
    invocation->stop_signal = stop_signal;
  if (bar->shown)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
      bar->shown = FALSE;
    }
}
