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
  sigset_t waited, old_mask;
  struct sigaction sa = { 0 };
  int status = 0, signo;
  pid_t pid;

  /* The parent takes its signals synchronously (sigwaitinfo), not in
   * handlers: it only waits, and a handler's delivery can be put off past a
   * restarted waitpid (ThreadSanitizer's runtime does that), which lost a
   * SIGTERM. They are blocked before the fork, so the SIGCHLD of a child
   * that ends at once is not lost either. What the caller ignores (SIGINT of
   * a background job) stays ignored, and is not waited for. */
  sigemptyset (&waited);
  sigaddset (&waited, SIGCHLD);
  for (gsize i = 0; i < G_N_ELEMENTS (forwarded); i++)
    {
      struct sigaction old;
      if (sigaction (forwarded[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
        sigaddset (&waited, forwarded[i]);
    }
  fflush (NULL);
  sigprocmask (SIG_BLOCK, &waited, &old_mask);
  pid = fork ();
  if (pid < 0)
    {
      sigprocmask (SIG_SETMASK, &old_mask, NULL);
      return -1; /* run unguarded rather than not at all */
    }
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
      sigprocmask (SIG_SETMASK, &old_mask, NULL);
      return -1;
    }

  for (;;)
    {
      siginfo_t info;
      int got = sigwaitinfo (&waited, &info);
      pid_t done;

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        {
          /* Cannot wait for signals: wait for the child alone. */
          while (waitpid (pid, &status, 0) < 0)
            if (errno != EINTR)
              return KVA_EXIT_FAILED;
          break;
        }
      if (got != SIGCHLD)
        {
          /* A signal sent to the parent alone (kill PID) goes on to the child.
           * A terminal's Ctrl-C already reached both (one process group), and
           * passing it on again would count as the second Ctrl-C that kills
           * the child at once. */
          if (info.si_code <= 0)
            kill (pid, got);
          continue;
        }
      done = waitpid (pid, &status, WNOHANG);
      if (done == pid)
        break;
      if (done < 0 && errno != EINTR)
        return KVA_EXIT_FAILED;
    }
  sigprocmask (SIG_SETMASK, &old_mask, NULL);
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
