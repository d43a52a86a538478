/* kva-guard.c — runs a kv-admin command in a child process, so that a damaged
 * store file can kill only the child.
 *
 * LMDB does not check the pages it reads. libkv refuses what cheap checks
 * find before LMDB maps a file (truncation, bad meta pages, foreign files)
 * and reads a snapshot completely in a child before verify or restore trust
 * it; but opening a plain store file reads it in place, on every call, and
 * damage deep inside its pages can still crash the reader (SIGSEGV, SIGBUS).
 * kv-admin is the tool people point at files they suspect, so it forks
 * before it does anything (it has no other thread yet, so the child may do
 * everything a normal process does), lets the child run the command, and
 * turns a crash of the child into one line and exit status 1. Signals that
 * end the command (SIGPIPE, SIGKILL, an uncaught SIGINT) end the parent the
 * same way; SIGINT and SIGTERM sent to the parent with kill(1) are passed on
 * to the child, which stops the way it always did.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kva-common.h"

static volatile pid_t child_pid;

/* A signal sent to the parent alone (kill PID) goes on to the child. A
 * terminal's Ctrl-C already reaches both (they share the process group),
 * and passing it on again would count as the second Ctrl-C that kills the
 * child at once. */
static void
forward_signal (int signo, siginfo_t *info, void *context)
{
  (void) context;
  if (child_pid > 0 && info != NULL && info->si_code <= 0)
    kill (child_pid, signo);
}

static gboolean
is_crash (int signo)
{
  return signo == SIGSEGV || signo == SIGBUS || signo == SIGFPE || signo == SIGILL ||
         signo == SIGABRT || signo == SIGSYS || signo == SIGTRAP;
}

int
kva_guard_fork (const char *command, const char *file)
{
  static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
  struct sigaction sa = { 0 };
  int status = 0, signo;
  pid_t pid;

  fflush (NULL);
  pid = fork ();
  if (pid < 0)
    return -1; /* run unguarded rather than not at all */
  if (pid == 0)
    {
      /* The child dies of a crash signal, so the parent sees it as one: a
       * runtime's own handler (AddressSanitizer's turns SIGSEGV into a report
       * and exit status 1) would hide the crash behind an ordinary failure. */
      static const int crashes[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };
      struct sigaction dfl = { 0 };
      dfl.sa_handler = SIG_DFL;
      for (gsize i = 0; i < G_N_ELEMENTS (crashes); i++)
        sigaction (crashes[i], &dfl, NULL);
      return -1;
    }

  child_pid = pid;
  sa.sa_sigaction = forward_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset (&sa.sa_mask);
  for (gsize i = 0; i < G_N_ELEMENTS (forwarded); i++)
    {
      struct sigaction old;
      sigaction (forwarded[i], NULL, &old);
      /* What the caller ignores (SIGINT of a background job) stays ignored. */
      if (old.sa_handler != SIG_IGN)
        sigaction (forwarded[i], &sa, NULL);
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return KVA_EXIT_FAILED;
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  signo = WTERMSIG (status);
  if (is_crash (signo))
    {
      fprintf (stderr,
               "kv-admin: %s: %s%s is damaged: reading it crashed kv-admin's worker process (%s); "
               "check a copy with 'kv-admin verify' and restore a backup (%s)\n",
               command, file ? "" : "the store file", file ? file : "", g_strsignal (signo),
               kv_error_code_get_name (KV_ERROR_DISK_STORE_READ));
      return KVA_EXIT_FAILED;
    }
  /* End the way the child ended. */
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigaction (signo, &sa, NULL);
  {
    sigset_t set;
    sigemptyset (&set);
    sigaddset (&set, signo);
    sigprocmask (SIG_UNBLOCK, &set, NULL);
  }
  raise (signo);
  return 128 + signo;
}
