/* kv-admin.c — command-line administration of libkv stores: finds the
 * command in the table, runs it, and turns its error into one line on stderr
 * and an exit code.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "kva-builtins.h"

/* Sorted by name: the order `kv-admin --help` lists them in. */
static const KvaCommand commands[] = {
  { "backup", kva_builtin_backup, "Write a snapshot of a store to a file" },
  { "claims", kva_builtin_claims, "List the claims held on a store's keys" },
  { "compact", kva_builtin_compact, "Write a compacted copy of a store (a backup)" },
  { "count", kva_builtin_count, "Print the number of keys in a store" },
  { "export", kva_builtin_export, "Write entries to a JSONL or CSV file" },
  { "get", kva_builtin_get, "Print the value stored under a key" },
  { "import", kva_builtin_import, "Read entries from a JSONL or CSV file into a store" },
  { "list", kva_builtin_list, "List entries or keys in key order" },
  { "restore", kva_builtin_restore, "Replace a store's contents with a snapshot" },
  { "scan", kva_builtin_scan, "Print one page of entries and the cursor of the next" },
  { "stats", kva_builtin_stats, "Show a store's statistics" },
  { "verify", kva_builtin_verify, "Check a snapshot or a closed store file" },
  { NULL, NULL, NULL },
};

static void
print_usage (FILE *out)
{
  fputs ("Usage:\n"
         "  kv-admin COMMAND STORE [OPTION…]\n"
         "\n"
         "Inspect and maintain libkv key-value stores.\n"
         "\n"
         "Commands:\n",
         out);
  for (const KvaCommand *c = commands; c->name != NULL; c++)
    fprintf (out, "  %-10s %s\n", c->name, c->summary);
  fputs ("\n"
         "Options of every command:\n"
         "  --json            print machine-readable JSON\n"
         "  --options=JSON    store options as openKv() takes them; STORE sets the path\n"
         "  --no-progress     draw no progress bar, even on a terminal\n"
         "  -h, --help        show the command's help\n"
         "\n"
         "Run 'kv-admin COMMAND --help' for the options of one command.\n",
         out);
}

static const KvaCommand *
find_command (const char *name)
{
  for (const KvaCommand *c = commands; c->name != NULL; c++)
    if (strcmp (c->name, name) == 0)
      return c;
  return NULL;
}

int
main (int argc, char **argv)
{
  KvaInvocation invocation = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *prgname = NULL;
  g_autofree char *message = NULL;
  const char *command_name;
  int exit_code;

  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      print_usage (stderr);
      return KVA_EXIT_USAGE;
    }

  command_name = argv[1];
  if (strcmp (command_name, "--help") == 0 || strcmp (command_name, "-h") == 0 ||
      strcmp (command_name, "help") == 0)
    {
      print_usage (stdout);
      return KVA_EXIT_OK;
    }
  if (strcmp (command_name, "--version") == 0)
    {
      printf ("kv-admin (libkv) %s\n", PACKAGE_VERSION);
      return KVA_EXIT_OK;
    }
  if (command_name[0] == '-')
    {
      fprintf (stderr,
               "kv-admin: unknown option '%s'; options go after the command "
               "(see 'kv-admin --help')\n",
               command_name);
      return KVA_EXIT_USAGE;
    }

  invocation.command = find_command (command_name);
  if (invocation.command == NULL)
    {
      fprintf (stderr, "kv-admin: %s: unknown command (see 'kv-admin --help')\n", command_name);
      return KVA_EXIT_USAGE;
    }

  /* A damaged store file may crash whoever reads it: let that be a child. */
  {
    /* The STORE (or FILE) argument, for the message: the first non-option. */
    const char *file = NULL;
    for (int i = 2; i < argc && file == NULL; i++)
      if (argv[i][0] != '-')
        file = argv[i];
    exit_code = kva_guard_fork (invocation.command->name, file);
  }
  if (exit_code >= 0)
    return exit_code;

  /* "kv-admin get" is what the command's --help shows in its usage line. */
  prgname = g_strdup_printf ("kv-admin %s", invocation.command->name);
  g_set_prgname (prgname);
  argv[1] = prgname;

  if (invocation.command->fn (argc - 1, argv + 1, &invocation, &error))
    {
      exit_code = KVA_EXIT_OK;
      /* The signal came during a step that cannot stop (writing a restore). */
      if (invocation.stop_signal != 0)
        fprintf (stderr, "kv-admin: %s: %s came too late to stop the operation: it completed\n",
                 invocation.command->name, g_strsignal (invocation.stop_signal));
    }
  else
    {
      g_assert (error != NULL);
      kva_progress_end (&invocation);
      message = kva_format_error (error);
      fprintf (stderr, "kv-admin: %s: %s%s\n", invocation.command->name,
               invocation.stop_signal != 0 &&
                       g_error_matches (error, KV_ERROR, KV_ERROR_OPERATION_CANCELED)
                   ? "interrupted: "
                   : "",
               message);
      exit_code = kva_exit_code_for_error (&invocation, error);
    }

  if (fflush (stdout) != 0 && exit_code == KVA_EXIT_OK)
    {
      fprintf (stderr, "kv-admin: %s: cannot write to standard output: %s\n",
               invocation.command->name, g_strerror (errno));
      exit_code = KVA_EXIT_FAILED;
    }

  g_free (invocation.options_json);
  return exit_code;
}
