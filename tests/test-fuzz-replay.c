/* test-fuzz-replay.c — replays saved fuzz inputs through the fuzzers' property functions.
 *
 * Usage: test-fuzz-replay [GTest options] [NAME=DIR ...]
 *
 * Without arguments every target NAME replays its seed corpus
 * (fuzz/corpus/NAME/) and its regression inputs (tests/data/fuzz-crashes/NAME/).
 * Each NAME=DIR argument replays DIR's files through target NAME instead, e.g.
 * `test-fuzz-replay json=_build-fuzz/artifacts/json` for what `make fuzz` saved. Each
 * input runs in a subprocess; a broken property (it prints which) or a crash
 * fails that input's test. This needs no clang: the property functions are
 * plain C, shared with the libFuzzer harnesses.
 */
#include "config.h"

#include <string.h>

#include "fuzz/fuzz-properties.h"

typedef struct
{
  FuzzOneFunc one;
  char *path;
} Replay;

static void
replay_free (gpointer data)
{
  Replay *r = data;
  g_free (r->path);
  g_free (r);
}

/* Every registered input. Global, not owned by the test suite: a subprocess
 * runs one test and exits, and what it did not run must stay reachable. */
static GPtrArray *replays;

static void
test_replay (gconstpointer data)
{
  const Replay *r = data;
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;

  /* Each input in its own process: a crash (the known LMDB ones are SIGBUS and
   * SIGFPE) then fails one test and names its input, instead of ending the run. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      if (!g_test_trap_has_passed ())
        g_test_fail_printf ("input %s breaks a property or crashes (replay it alone with -p %s)",
                            r->path, g_test_get_path ());
      return;
    }
  g_assert_true (g_file_get_contents (r->path, &contents, &len, &error));
  g_assert_no_error (error);
  /* A copy of exactly @len bytes, so ASan sees any read past the input as libFuzzer would. */
  {
    g_autofree guint8 *input = g_memdup2 (contents, len);
    r->one (input, len);
  }
}

static const FuzzTarget *
target_named (const char *name)
{
  for (const FuzzTarget *t = fuzz_targets; t->name; t++)
    if (g_str_equal (t->name, name))
      return t;
  return NULL;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Adds one test per file of @dir; a missing directory adds none. */
static guint
add_dir (const FuzzTarget *t, const char *kind, const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    if (name[0] != '.' && !g_str_has_suffix (name, ".md"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      Replay *r = g_new0 (Replay, 1);
      g_autofree char *test_path = NULL;
      r->one = t->one;
      r->path = g_build_filename (dir, names->pdata[i], NULL);
      test_path = g_strdup_printf ("/fuzz/%s/%s/%s", t->name, kind, (char *) names->pdata[i]);
      g_ptr_array_add (replays, r);
      g_test_add_data_func (test_path, r, test_replay);
    }
  return names->len;
}

int
main (int argc, char **argv)
{
  guint added = 0;
  g_auto (GStrv) dirs = NULL;
  int status;

  /* --keep-going: every failing input is reported, not only the first. */
  g_autofree char **args = g_new0 (char *, argc + 2);
  args[0] = argv[0];
  args[1] = (char *) "--keep-going";
  memcpy (args + 2, argv + 1, sizeof (char *) * (gsize) (argc - 1));
  argc++;
  argv = args;
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  fuzz_init ();
  replays = g_ptr_array_new_with_free_func (replay_free);
  /* The subprocesses of test_replay() get no arguments: they read them from the
   * environment. */
  if (argc > 1)
    {
      g_autofree char *joined = g_strjoinv ("\n", argv + 1);
      g_setenv ("KV_FUZZ_REPLAY_DIRS", joined, TRUE);
    }
  dirs = g_getenv ("KV_FUZZ_REPLAY_DIRS") ? g_strsplit (g_getenv ("KV_FUZZ_REPLAY_DIRS"), "\n", -1)
                                          : NULL;
  if (dirs)
    for (int i = 0; dirs[i]; i++)
      {
        g_auto (GStrv) parts = g_strsplit (dirs[i], "=", 2);
        const FuzzTarget *t = parts[1] ? target_named (parts[0]) : NULL;
        if (t == NULL)
          {
            g_printerr ("usage: %s [NAME=DIR ...] (NAME: json, options, jsonl, csv, snapshot, "
                        "cursor, store-file)\n",
                        argv[0]);
            return 2;
          }
        added += add_dir (t, "dir", parts[1]);
      }
  else
    for (const FuzzTarget *t = fuzz_targets; t->name; t++)
      {
        g_autofree char *corpus =
            g_test_build_filename (G_TEST_DIST, "..", "fuzz", "corpus", t->name, NULL);
        g_autofree char *crashes =
            g_test_build_filename (G_TEST_DIST, "data", "fuzz-crashes", t->name, NULL);
        guint n = add_dir (t, "corpus", corpus);
        /* An empty corpus means the test is looking in the wrong place. */
        if (n == 0)
          g_error ("no seed inputs in %s", corpus);
        added += n + add_dir (t, "regression", crashes);
      }
  if (added == 0)
    g_printerr ("%s: no inputs to replay\n", argv[0]);
  status = g_test_run ();
  g_ptr_array_unref (replays);
  return status;
}
