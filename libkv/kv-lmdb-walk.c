/* kv-lmdb-walk.c — reading every page of an LMDB file where a crash cannot hurt.
 *
 * LMDB checks no page it reads: a crafted or damaged file can make it
 * divide by zero, touch memory past the end of the map or fail an
 * assertion. A file from elsewhere (a snapshot to verify or restore) is
 * therefore read once in a forked child process first; only when the child
 * read every page without dying does the caller read the file itself.
 *
 * fork() rather than a helper program: nothing to install or find at run
 * time, and the child starts with the file name and sizes it needs. The
 * price is POSIX's rule that after fork() in a threaded program the child
 * may only call async-signal-safe functions. The child here calls LMDB's
 * read functions (which use malloc, open, pread, mmap and no locks when
 * opened with MDB_NOLOCK), sigaction, setrlimit, alarm, write and _exit —
 * no GLib, no stdio. glibc's fork resets malloc's locks in the child, which
 * makes malloc safe there; on a C library that does not, a child that
 * inherits a held malloc lock hangs until its alarm ends it, and the check
 * fails as "did not finish" instead of hanging the caller.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kv-lmdb-walk-private.h"

/* How the child's result travels: a status and an LMDB/errno code. */
typedef struct
{
  int status;
  int rc;
} WalkResult;

enum
{
  WALK_OK = 1,
  WALK_LMDB_ERROR,   /* rc: an LMDB or errno code */
  WALK_LOOP,         /* more entries than the file can hold: its pages form a cycle */
  WALK_TOO_MANY_DBS, /* more named databases than the child opens */
};

#define WALK_MAX_DBS 64

/* Reads every byte of the keys and values under @cursor's database; entries
 * counted into *@entries, which must stay below @max_entries. */
static int
walk_db (MDB_txn *txn, MDB_dbi dbi, guint64 max_entries, guint64 *entries, volatile guint8 *sink,
         int *out_rc)
{
  MDB_cursor *cursor;
  MDB_val k, v;
  int rc = mdb_cursor_open (txn, dbi, &cursor);

  for (int op = MDB_FIRST; rc == 0 && (rc = mdb_cursor_get (cursor, &k, &v, op)) == 0;
       op = MDB_NEXT)
    {
      const guint8 *kp = k.mv_data, *vp = v.mv_data;
      /* A stride below the smallest page size touches every page a value spans. */
      for (gsize i = 0; i < k.mv_size; i += 256)
        *sink ^= kp[i];
      for (gsize i = 0; i < v.mv_size; i += 256)
        *sink ^= vp[i];
      if (v.mv_size > 0)
        *sink ^= vp[v.mv_size - 1];
      if (++*entries > max_entries)
        {
          mdb_cursor_close (cursor);
          return WALK_LOOP;
        }
    }
  if (rc == 0 || rc == MDB_NOTFOUND)
    mdb_cursor_close (cursor);
  if (rc == MDB_NOTFOUND)
    return WALK_OK;
  *out_rc = rc;
  return WALK_LMDB_ERROR;
}

/* The child's whole job. */
static WalkResult
walk (const char *path, guint64 max_entries)
{
  WalkResult res = { WALK_LMDB_ERROR, 0 };
  volatile guint8 sink = 0;
  guint64 entries = 0;
  MDB_env *env = NULL;
  MDB_txn *txn = NULL;
  MDB_cursor *cursor = NULL;
  MDB_dbi main_dbi;
  MDB_val k, v;
  int rc, ndbs = 0;

  rc = mdb_env_create (&env);
  if (rc == 0)
    rc = mdb_env_set_maxdbs (env, WALK_MAX_DBS);
  if (rc == 0)
    rc = mdb_env_open (env, path, MDB_NOSUBDIR | MDB_RDONLY | MDB_NOLOCK | MDB_NOTLS, 0644);
  if (rc == 0)
    rc = mdb_txn_begin (env, NULL, MDB_RDONLY, &txn);
  if (rc == 0)
    rc = mdb_dbi_open (txn, NULL, 0, &main_dbi);
  if (rc != 0)
    {
      res.rc = rc;
      return res;
    }
  res.status = walk_db (txn, main_dbi, max_entries, &entries, &sink, &res.rc);
  /* Each main-database key that names a database: walk that database too. */
  rc = res.status == WALK_OK ? mdb_cursor_open (txn, main_dbi, &cursor) : 0;
  for (int op = MDB_FIRST;
       res.status == WALK_OK && rc == 0 && (rc = mdb_cursor_get (cursor, &k, &v, op)) == 0;
       op = MDB_NEXT)
    {
      char name[512];
      MDB_dbi dbi;
      int orc;

      if (k.mv_size == 0 || k.mv_size >= sizeof name || memchr (k.mv_data, '\0', k.mv_size))
        continue;
      memcpy (name, k.mv_data, k.mv_size);
      name[k.mv_size] = '\0';
      orc = mdb_dbi_open (txn, name, 0, &dbi);
      if (orc == MDB_DBS_FULL || ++ndbs > WALK_MAX_DBS - 2)
        res.status = WALK_TOO_MANY_DBS;
      else if (orc == 0)
        res.status = walk_db (txn, dbi, max_entries, &entries, &sink, &res.rc);
      else if (orc != MDB_INCOMPATIBLE && orc != MDB_NOTFOUND)
        {
          res.status = WALK_LMDB_ERROR;
          res.rc = orc;
        }
    }
  if (res.status == WALK_OK && rc != 0 && rc != MDB_NOTFOUND)
    {
      res.status = WALK_LMDB_ERROR;
      res.rc = rc;
    }
  (void) sink;
  return res; /* the process ends: nothing to close */
}

static G_NORETURN void
child_main (const char *path, guint64 max_entries, unsigned int seconds, int fd)
{
  static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE,  SIGILL,
                                       SIGABRT, SIGSYS, SIGTRAP, SIGALRM };
  struct sigaction dfl;
  struct rlimit no_core = { 0, 0 };
  sigset_t all;
  WalkResult res;
  const char *p;
  gsize left;

  /* Die of the signal, visibly to the parent: not in a handler the
   * program installed (the Go runtime has one for each of these). */
  memset (&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (gsize i = 0; i < G_N_ELEMENTS (crash_signals); i++)
    sigaction (crash_signals[i], &dfl, NULL);
  sigfillset (&all);
  sigprocmask (SIG_UNBLOCK, &all, NULL);
  /* A crash here is an expected outcome, not a core file. */
  setrlimit (RLIMIT_CORE, &no_core);
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  alarm (seconds);

  res = walk (path, max_entries);
  for (p = (const char *) &res, left = sizeof res; left > 0;)
    {
      ssize_t n = write (fd, p, left);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      p += n;
      left -= (gsize) n;
    }
  _exit (0);
}

gboolean
_kv_lmdb_walk_in_child (const char *path, guint64 file_size, const char *what, KvError code,
                        GError **error)
{
  /* Every entry needs a node header and an index slot: 10 bytes at least. */
  guint64 max_entries = file_size / 10 + 16;
  /* A backstop only: the entry bound already ends looping walks. */
  unsigned int seconds = (unsigned int) MIN (60 + file_size / (8u << 20), 3600);
  WalkResult res = { 0, 0 };
  gsize got = 0;
  int fds[2], status = 0;
  pid_t pid;

  if (pipe2 (fds, O_CLOEXEC) != 0)
    {
      g_set_error (error, KV_ERROR, code, "cannot check %s %s: %s", what, path, g_strerror (errno));
      return FALSE;
    }
  pid = fork ();
  if (pid < 0)
    {
      int saved = errno;
      close (fds[0]);
      close (fds[1]);
      g_set_error (error, KV_ERROR, code,
                   "cannot check %s %s: cannot start the checking process: %s", what, path,
                   g_strerror (saved));
      return FALSE;
    }
  if (pid == 0)
    {
      close (fds[0]);
      child_main (path, max_entries, seconds, fds[1]);
    }
  close (fds[1]);
  while (got < sizeof res)
    {
      ssize_t n = read (fds[0], (char *) &res + got, sizeof res - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (gsize) n;
    }
  close (fds[0]);
  /* ECHILD (a program that ignores SIGCHLD): the pipe alone tells. */
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;

  if (got == sizeof res && res.status == WALK_OK)
    return TRUE;
  if (got == sizeof res && res.status == WALK_LMDB_ERROR)
    g_set_error (error, KV_ERROR, code, "%s %s is damaged: %s", what, path, mdb_strerror (res.rc));
  else if (got == sizeof res && res.status == WALK_LOOP)
    g_set_error (error, KV_ERROR, code,
                 "%s %s is damaged: reading it yields more entries than it can hold (its pages "
                 "form a loop)",
                 what, path);
  else if (got == sizeof res && res.status == WALK_TOO_MANY_DBS)
    g_set_error (error, KV_ERROR, code, "%s %s holds more than %d databases: not a libkv file",
                 what, path, WALK_MAX_DBS - 2);
  else if (WIFSIGNALED (status) && WTERMSIG (status) == SIGALRM)
    g_set_error (error, KV_ERROR, code,
                 "%s %s could not be read within %u s: it is damaged (or the disk too slow)", what,
                 path, seconds);
  else if (WIFSIGNALED (status))
    g_set_error (error, KV_ERROR, code,
                 "%s %s is damaged: reading its pages crashed the checking process (%s)", what,
                 path, g_strsignal (WTERMSIG (status)));
  else
    g_set_error (error, KV_ERROR, code,
                 "%s %s is damaged: the checking process ended without a result", what, path);
  return FALSE;
}
