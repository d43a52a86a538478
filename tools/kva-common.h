/* kva-common.h — what every kv-admin command shares: the command table entry,
 * option parsing with the common options, opening the store, output, errors.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libkv/kv.h>

G_BEGIN_DECLS

#include <signal.h>

typedef struct _KvaInvocation KvaInvocation;

/* A builtin gets argv with argv[0] set to "kv-admin COMMAND"; it returns
 * FALSE with @error set on failure, and main() turns the error into one line
 * on stderr and an exit code. */
typedef gboolean (*KvaBuiltinFunc) (int argc, char **argv, KvaInvocation *invocation,
                                    GError **error);

typedef struct
{
  const char *name;
  KvaBuiltinFunc fn;
  const char *summary;
} KvaCommand;

/* Set by a command (through kva_option_context_parse()) to describe itself. */
typedef enum
{
  KVA_BUILTIN_FLAG_NONE = 0,
  /* The command changes the store: open it read-write. Without this flag a
   * disk store is opened read-only, so kv-admin can look at a store a k6 run
   * is writing without getting in its way. */
  KVA_BUILTIN_FLAG_WRITES = 1 << 0,
  /* The command takes no STORE argument and opens nothing. */
  KVA_BUILTIN_FLAG_NO_STORE = 1 << 1,
} KvaBuiltinFlags;

/* The progress line of a running operation (kva-progress.c). */
typedef struct
{
  const char *command, *verb;
  gboolean draw;           /* standard output and error are terminals, no --json */
  gboolean shown;          /* something is on the line now */
  gboolean reported;       /* a report arrived */
  gboolean signals_caught; /* SIGINT/SIGTERM ask libkv to stop */
  KvProgressStage stage;
  gint64 stage_started, last_draw;
  struct sigaction old_sigint, old_sigterm;
} KvaProgress;

struct _KvaInvocation
{
  const KvaCommand *command;
  /* Set when the failure is the caller's fault (bad option, missing or extra
   * argument): main() then exits 2 instead of 1. */
  gboolean bad_usage;
  KvaBuiltinFlags flags;
  /* The STORE argument and the common options, filled by kva_option_context_parse(). */
  const char *store_path;
  gboolean json;
  gboolean no_progress;
  char *options_json;
  KvaProgress progress;
  /* The signal that interrupted the operation, 0 if none. */
  int stop_signal;
};

/* Exit codes, as SPEC §7 fixes them. */
enum
{
  KVA_EXIT_OK = 0,
  KVA_EXIT_FAILED = 1,
  KVA_EXIT_USAGE = 2,
};

/**
 * kva_option_context_parse:
 * @context: the command's option context (its parameter string set)
 * @entries: (nullable): the command's own options
 * @argc: (inout): argument count; on return only the command's own
 *   positional arguments remain after argv[0]
 * @argv: (inout): arguments; argv[0] is the program name
 * @invocation: the running command; receives STORE and the common options
 * @flags: what the command does
 *
 * Adds the common options (`--json`, `--options`), parses, and takes the
 * STORE argument off the front of @argv. It opens nothing: a command checks
 * its own arguments first, so that bad usage is reported as such (exit 2)
 * even when the store would not open, then calls kva_invocation_open_store().
 */
gboolean kva_option_context_parse (GOptionContext *context, const GOptionEntry *entries, int *argc,
                                   char ***argv, KvaInvocation *invocation, KvaBuiltinFlags flags,
                                   GError **error);

/* Opens invocation->store_path with the common options applied: read-only
 * unless the command's flags say it writes. */
KvStore *kva_invocation_open_store (KvaInvocation *invocation, GError **error);

/* Fails with a usage error (exit 2) whose message is built from @format. */
gboolean kva_usage_error (KvaInvocation *invocation, GError **error, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

/* Usage error unless exactly @n_expected positional arguments remain after
 * argv[0]; @names lists them for the message ("KEY"). */
gboolean kva_expect_args (KvaInvocation *invocation, int argc, char **argv, int n_expected,
                          const char *names, GError **error);
/* Exactly one positional argument after STORE (or none for FILE-only commands), a
 * non-empty path named @name (libkv reads "" as "the store's own path"; on the
 * command line that is a typo). */
gboolean kva_expect_path_arg (KvaInvocation *invocation, int argc, char **argv, const char *name,
                              const char **out_path, GError **error);

/* Usage error if the output path @path (argument @name) names STORE's lock
 * file, or STORE itself unless @allow_store (backup onto STORE is libkv's
 * no-op). libkv refuses these too (exit 1); caught here they are the typo
 * they usually are (exit 2), as compact's OUTPUT == STORE. */
gboolean kva_check_output_path (KvaInvocation *invocation, const char *name, const char *path,
                                gboolean allow_store, GError **error);

/* Output. */

/* Prints @node as one line of canonical JSON on stdout. */
void kva_print_json_node (JsonNode *node);
/* Prints JSON text that is already canonical (as libkv returns it) on one line. */
void kva_print_json_text (const char *json);
/* Prints an object as `key: value` lines, nested members as `a.b: value`. */
void kva_print_json_human (JsonNode *node);
/* Parses JSON text that libkv produced; a failure means libkv broke its word. */
JsonNode *kva_parse_store_json (const char *json, GError **error);

/* Writes @bytes to stdout as they are, then a newline unless they end with one. */
gboolean kva_print_raw (GBytes *bytes, GError **error);

/* Builds the JSON form of a stored value: the parsed JSON in json mode, a
 * JSON string in string mode (which must then be UTF-8 text). Fails with
 * UnexpectedStoreOutputError naming @key otherwise. */
JsonNode *kva_value_to_json (KvStore *store, const char *key, GBytes *value, GError **error);

/* Adds `{"key":…,"value":…}` (the shape of a JSONL line) to @builder. */
gboolean kva_builder_add_entry (JsonBuilder *builder, KvStore *store, const char *key,
                                GBytes *value, GError **error);

/* Prints `KEY<TAB>VALUE` and a newline; the value as stored (canonical JSON
 * text in json mode, the bytes in string mode). */
gboolean kva_print_entry_line (const char *key, GBytes *value, GError **error);

/* Fails with the error for a failed write to standard output. */
gboolean kva_stdout_error (GError **error);

/* Option checks, all usage errors (exit 2). */

/* @value must be 0 (no limit) up to @max. */
gboolean kva_check_limit (KvaInvocation *invocation, const char *option, gint64 value, gint64 max,
                          GError **error);
/* Parses a one-character delimiter option into *@out (NULL leaves it 0). */
gboolean kva_parse_delimiter (KvaInvocation *invocation, const char *text, char *out,
                              GError **error);

/* Progress on a terminal: shown only when stdout and stderr are terminals,
 * without --json or --no-progress; never when output is piped or redirected. */
typedef enum
{
  /* A status line only: the operation reports no progress. */
  KVA_PROGRESS_STATUS = 0,
  /* The operation gets kva_progress_report(): a bar, and SIGINT/SIGTERM stop it cleanly. */
  KVA_PROGRESS_STOPPABLE = 1 << 0,
} KvaProgressFlags;

/* Starts the line for an operation; @verb names its copying stage ("exporting"). */
void kva_progress_begin (KvaInvocation *invocation, const char *verb, KvaProgressFlags flags);
/* The KvProgressFunc to pass libkv, with the invocation's progress as its data. */
gboolean kva_progress_report (const KvProgress *progress, gpointer data);
/* Erases the line and stops catching signals; records a signal that came. */
void kva_progress_end (KvaInvocation *invocation);

/* Crash guard (kva-guard.c). */

/* Forks; in the child returns -1 (run the command there). In the parent
 * waits for the child and returns the exit status to end with: the child's,
 * or 1 with a one-line message when a signal such as SIGSEGV killed it (a
 * damaged store file, named by @file if not NULL); other signals end the parent as they ended the
 * child. Returns -1 without forking if fork fails. Call before any thread
 * exists. */
int kva_guard_fork (const char *command, const char *file);

/* Errors. */

/* The one-line message for @error, without the program and command prefix:
 * `message (JsErrorName)` for libkv errors, the bare message for others. */
char *kva_format_error (const GError *error);

/* Exit code for a failed @invocation. */
int kva_exit_code_for_error (const KvaInvocation *invocation, const GError *error);

G_END_DECLS
