/* kva-common.c — option parsing, store opening, output and errors shared by
 * every kv-admin command.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kva-common.h"

#define KVA_COMMON_DESCRIPTION                                                                     \
  "STORE is the path of a disk (LMDB) store; it is opened read-only unless the command\n"          \
  "writes, so it is safe to run against a store a k6 test is using.\n"                             \
  "\n"                                                                                             \
  "Exit status: 0 on success, 1 if the operation failed, 2 on bad usage."

gboolean
kva_usage_error (KvaInvocation *invocation, GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  invocation->bad_usage = TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "%s (see '%s --help')", message,
               g_get_prgname ());
  return FALSE;
}

gboolean
kva_expect_args (KvaInvocation *invocation, int argc, char **argv, int n_expected,
                 const char *names, GError **error)
{
  int given = argc - 1;

  if (given < n_expected)
    return kva_usage_error (invocation, error, "missing argument: %s", names);
  if (given > n_expected)
    return kva_usage_error (invocation, error, "unexpected argument '%s'", argv[1 + n_expected]);
  return TRUE;
}

gboolean
kva_expect_path_arg (KvaInvocation *invocation, int argc, char **argv, const char *name,
                     const char **out_path, GError **error)
{
  if (!kva_expect_args (invocation, argc, argv, 1, name, error))
    return FALSE;
  if (*argv[1] == '\0')
    return kva_usage_error (invocation, error, "%s must not be empty", name);
  *out_path = argv[1];
  return TRUE;
}

gboolean
kva_check_output_path (KvaInvocation *invocation, const char *name, const char *path,
                       gboolean allow_store, GError **error)
{
  g_autofree char *lock = g_strconcat (invocation->store_path, "-lock", NULL);
  g_autoptr (GFile) store_file = g_file_new_for_path (invocation->store_path);
  g_autoptr (GFile) lock_file = g_file_new_for_path (lock);
  g_autoptr (GFile) output_file = g_file_new_for_path (path);

  if (!allow_store && g_file_equal (store_file, output_file))
    return kva_usage_error (invocation, error, "%s must not be STORE itself", name);
  if (g_file_equal (lock_file, output_file))
    return kva_usage_error (invocation, error, "%s must not be STORE's lock file (%s)", name, lock);
  return TRUE;
}

/* Whether the --options JSON (already parsed once by libkv) sets serialization. */
static gboolean
options_name_serialization (const char *options_json)
{
  g_autoptr (JsonNode) root = options_json ? json_from_string (options_json, NULL) : NULL;

  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
         json_object_has_member (json_node_get_object (root), "serialization");
}

KvStore *
kva_invocation_open_store (KvaInvocation *invocation, GError **error)
{
  const char *path = invocation->store_path;
  gboolean writable = (invocation->flags & KVA_BUILTIN_FLAG_WRITES) != 0;
  g_autoptr (KvOptions) options = NULL;
  g_autoptr (GError) local_error = NULL;
  KvStore *store;

  options = kv_options_new_from_json (invocation->options_json, &local_error);
  if (options == NULL)
    {
      /* A malformed --options value is a usage error, but keep libkv's code so
       * the message still names the JavaScript error a script would see. */
      invocation->bad_usage = TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "--options: ");
      return NULL;
    }

  kv_options_set_path (options, path);
  /* readOnly is a disk option; a memory store is private to this process, so
   * there is nobody to protect. */
  if (!writable && kv_options_get_backend (options) == KV_BACKEND_DISK)
    kv_options_set_disk_read_only (options, TRUE);

  store = kv_store_open (options, &local_error);
  /* A disk store records its serialization; unless --options names one,
   * read the store the way it was written rather than refuse. */
  if (store == NULL && g_error_matches (local_error, KV_ERROR, KV_ERROR_INVALID_SERIALIZATION) &&
      !options_name_serialization (invocation->options_json))
    {
      g_clear_error (&local_error);
      kv_options_set_serialization (options,
                                    kv_options_get_serialization (options) == KV_SERIALIZATION_JSON
                                        ? KV_SERIALIZATION_STRING
                                        : KV_SERIALIZATION_JSON);
      store = kv_store_open (options, &local_error);
    }
  if (store == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  /* libkv's disk errors name the path already; say it once. */
  if (store == NULL && error != NULL && strstr ((*error)->message, path) == NULL)
    g_prefix_error (error, "cannot open %s: ", path);
  return store;
}

gboolean
kva_option_context_parse (GOptionContext *context, const GOptionEntry *entries, int *argc,
                          char ***argv, KvaInvocation *invocation, KvaBuiltinFlags flags,
                          GError **error)
{
  const GOptionEntry common_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &invocation->json,
      "Print machine-readable JSON on standard output", NULL },
    { "options", 0, 0, G_OPTION_ARG_STRING, &invocation->options_json,
      "Store options as openKv() takes them, e.g. '{\"backend\":\"memory\"}' (STORE sets the path)",
      "JSON" },
    { "no-progress", 0, 0, G_OPTION_ARG_NONE, &invocation->no_progress,
      "Draw no progress bar, even on a terminal", NULL },
    { NULL },
  };
  g_autoptr (GError) local_error = NULL;

  invocation->flags = flags;
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, common_entries, NULL);
  if (invocation->command != NULL && invocation->command->summary != NULL)
    g_option_context_set_summary (context, invocation->command->summary);
  /* A command that describes itself says what it needs to (compact, verify). */
  if (!(flags & KVA_BUILTIN_FLAG_NO_STORE) && g_option_context_get_description (context) == NULL)
    g_option_context_set_description (context, KVA_COMMON_DESCRIPTION);

  if (!g_option_context_parse (context, argc, argv, &local_error))
    return kva_usage_error (invocation, error, "%s", local_error->message);

  /* GOption leaves the "--" that ends the options among the arguments (it
   * does when positional arguments precede it); drop it so that
   * `get STORE -- -key` reads the key "-key". */
  for (int i = 1; i < *argc; i++)
    if (strcmp ((*argv)[i], "--") == 0)
      {
        memmove (&(*argv)[i], &(*argv)[i + 1], sizeof (char *) * (gsize) (*argc - i - 1));
        (*argc)--;
        (*argv)[*argc] = NULL;
        break;
      }

  if (flags & KVA_BUILTIN_FLAG_NO_STORE)
    return TRUE;

  if (*argc < 2)
    return kva_usage_error (invocation, error, "missing argument: STORE");
  invocation->store_path = (*argv)[1];
  if (*invocation->store_path == '\0')
    return kva_usage_error (invocation, error, "STORE must not be empty");

  /* Take STORE off, so commands see only their own arguments after argv[0]. */
  memmove (&(*argv)[1], &(*argv)[2], sizeof (char *) * (gsize) (*argc - 2));
  (*argc)--;
  (*argv)[*argc] = NULL;
  return TRUE;
}

void
kva_print_json_text (const char *json)
{
  fputs (json, stdout);
  fputc ('\n', stdout);
}

/* @node as canonical JSON text: json-glib writes it, libkv canonicalizes it
 * (sorted members, shortest numbers), as every JSON kv-admin prints. */
static char *
node_to_canonical (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  char *canonical = kv_json_canonicalize (text, -1, NULL, NULL);

  /* json-glib writes only valid JSON; should canonicalizing fail, print it as written. */
  return canonical != NULL ? canonical : g_steal_pointer (&text);
}

void
kva_print_json_node (JsonNode *node)
{
  g_autofree char *text = node_to_canonical (node);

  kva_print_json_text (text);
}

static void
print_human_member (const char *name, JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node) && json_object_get_size (json_node_get_object (node)) > 0)
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *member = l->data;
          g_autofree char *child_name =
              name == NULL ? g_strdup (member) : g_strconcat (name, ".", member, NULL);

          print_human_member (child_name, json_object_get_member (object, member));
        }
      return;
    }

  if (name != NULL)
    printf ("%s: ", name);
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    fputs (json_node_get_string (node), stdout);
  else
    {
      g_autofree char *text = node_to_canonical (node);
      fputs (text, stdout);
    }
  fputc ('\n', stdout);
}

void
kva_print_json_human (JsonNode *node)
{
  print_human_member (NULL, node);
}

JsonNode *
kva_parse_store_json (const char *json, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, json, -1, &local_error) ||
      (root = json_parser_get_root (parser)) == NULL)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_UNEXPECTED_STORE_OUTPUT,
                   "libkv returned JSON that does not parse: %s",
                   local_error != NULL ? local_error->message : "empty document");
      return NULL;
    }
  return json_node_copy (root);
}

gboolean
kva_print_raw (GBytes *bytes, GError **error)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  if ((size > 0 && fwrite (data, 1, size, stdout) != size) ||
      ((size == 0 || data[size - 1] != '\n') && fputc ('\n', stdout) == EOF) ||
      fflush (stdout) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "cannot write to standard output: %s", g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

char *
kva_format_error (const GError *error)
{
  g_autofree char *message = g_strdup (error->message);

  g_strchomp (message);
  if (error->domain == KV_ERROR)
    return g_strdup_printf ("%s (%s)", message, kv_error_code_get_name (error->code));
  return g_steal_pointer (&message);
}

int
kva_exit_code_for_error (const KvaInvocation *invocation, const GError *error)
{
  if (invocation->bad_usage || error->domain == G_OPTION_ERROR)
    return KVA_EXIT_USAGE;
  /* Stopped by Ctrl-C or kill: the shell's convention, 128 + the signal. */
  if (invocation->stop_signal != 0 &&
      g_error_matches (error, KV_ERROR, KV_ERROR_OPERATION_CANCELED))
    return 128 + invocation->stop_signal;
  return KVA_EXIT_FAILED;
}

gboolean
kva_stdout_error (GError **error)
{
  int saved_errno = errno;

  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "cannot write to standard output: %s", g_strerror (saved_errno));
  return FALSE;
}

JsonNode *
kva_value_to_json (KvStore *store, const char *key, GBytes *value, GError **error)
{
  gsize size;
  const char *data = g_bytes_get_data (value, &size);

  if (kv_options_get_serialization (kv_store_get_options (store)) == KV_SERIALIZATION_JSON)
    {
      JsonNode *parsed = kva_parse_store_json (data, NULL);

      if (parsed == NULL)
        {
          /* Stores record their mode and refuse the other one at open, so
           * this is a store from before that record: likely a string store
           * read as json. Say how to fix it. */
          g_set_error (error, KV_ERROR, KV_ERROR_UNEXPECTED_STORE_OUTPUT,
                       "value of key \"%s\" is not JSON; if the store was created with "
                       "serialization \"string\", add --options='{\"serialization\":\"string\"}'",
                       key);
          return NULL;
        }
      return parsed;
    }

  /* String mode stores bytes; JSON can only carry them as a string. */
  if (memchr (data, '\0', size) != NULL || !g_utf8_validate (data, (gssize) size, NULL))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_UNEXPECTED_STORE_OUTPUT,
                   "value of key \"%s\" is not UTF-8 text and cannot be printed as JSON; "
                   "run without --json for the raw bytes",
                   key);
      return NULL;
    }
  return json_node_init_string (json_node_alloc (), data);
}

gboolean
kva_builder_add_entry (JsonBuilder *builder, KvStore *store, const char *key, GBytes *value,
                       GError **error)
{
  JsonNode *node = kva_value_to_json (store, key, value, error);

  if (node == NULL)
    return FALSE;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, key);
  json_builder_set_member_name (builder, "value");
  json_builder_add_value (builder, node);
  json_builder_end_object (builder);
  return TRUE;
}

gboolean
kva_print_entry_line (const char *key, GBytes *value, GError **error)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (value, &size);

  if (fputs (key, stdout) == EOF || fputc ('\t', stdout) == EOF ||
      (size > 0 && fwrite (data, 1, size, stdout) != size) || fputc ('\n', stdout) == EOF)
    return kva_stdout_error (error);
  return TRUE;
}

gboolean
kva_check_limit (KvaInvocation *invocation, const char *option, gint64 value, gint64 max,
                 GError **error)
{
  if (value < 0 || value > max)
    return kva_usage_error (invocation, error,
                            "%s must be between 0 (no limit) and %" G_GINT64_FORMAT
                            ", not %" G_GINT64_FORMAT,
                            option, max, value);
  return TRUE;
}

gboolean
kva_parse_delimiter (KvaInvocation *invocation, const char *text, char *out, GError **error)
{
  *out = 0;
  if (text == NULL)
    return TRUE;
  if (strcmp (text, "\\t") == 0 || strcmp (text, "tab") == 0)
    {
      *out = '\t';
      return TRUE;
    }
  if (strlen (text) != 1 || (guchar) text[0] >= 0x80 || text[0] == '"' || text[0] == '\r' ||
      text[0] == '\n')
    return kva_usage_error (invocation, error,
                            "--delimiter must be one ASCII character other than '\"', CR and LF "
                            "(or 'tab'), not '%s'",
                            text);
  *out = text[0];
  return TRUE;
}
