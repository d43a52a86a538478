/* fuzz-common.c — what every fuzz target shares: failing, error checks, scratch files, stores.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fuzz/fuzz-properties.h"

const FuzzTarget fuzz_targets[] = {
  { "json", fuzz_one_json },
  { "options", fuzz_one_options },
  { "jsonl", fuzz_one_jsonl },
  { "csv", fuzz_one_csv },
  { "snapshot", fuzz_one_snapshot },
  { "cursor", fuzz_one_cursor },
  { "store-file", fuzz_one_store_file },
  { NULL, NULL },
};

void
fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
}

void
fuzz_fail (const char *target, const char *format, ...)
{
  va_list ap;

  fprintf (stderr, "\nFUZZ PROPERTY FAILED (%s): ", target);
  va_start (ap, format);
  vfprintf (stderr, format, ap);
  va_end (ap);
  fputc ('\n', stderr);
  fflush (stderr);
  abort ();
}

void
fuzz_check_error (const char *target, const char *what, const GError *error)
{
  FUZZ_CHECK (target, error != NULL, "%s failed without a GError", what);
  FUZZ_CHECK (target, error->domain == KV_ERROR, "%s: error domain %s, not KV_ERROR (%s)", what,
              g_quark_to_string (error->domain), error->message);
  FUZZ_CHECK (target, error->code >= 0 && error->code < KV_ERROR_N_CODES,
              "%s: error code %d is not a KvError", what, error->code);
  FUZZ_CHECK (target, error->message != NULL && g_utf8_validate (error->message, -1, NULL),
              "%s: the error message is not valid UTF-8", what);
}

static char *scratch_dir;

static void
remove_scratch_dir (void)
{
  GDir *dir = g_dir_open (scratch_dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (scratch_dir, name, NULL);
      g_unlink (path);
    }
  if (dir)
    g_dir_close (dir);
  g_rmdir (scratch_dir);
}

const char *
fuzz_scratch_dir (void)
{
  if (scratch_dir == NULL)
    {
      g_autoptr (GError) error = NULL;
      scratch_dir = g_dir_make_tmp ("libkv-fuzz-XXXXXX", &error);
      if (scratch_dir == NULL)
        {
          fprintf (stderr, "fuzz: no scratch directory: %s\n", error->message);
          exit (2);
        }
      atexit (remove_scratch_dir);
    }
  return scratch_dir;
}

char *
fuzz_write_file (const char *name, const void *data, size_t size)
{
  char *path = g_build_filename (fuzz_scratch_dir (), name, NULL);
  g_autoptr (GError) error = NULL;

  if (!g_file_set_contents (path, data, (gssize) size, &error))
    {
      fprintf (stderr, "fuzz: cannot write %s: %s\n", path, error->message);
      exit (2);
    }
  return path;
}

void
fuzz_remove_file (const char *path)
{
  g_autofree char *lock = g_strconcat (path, "-lock", NULL);

  g_unlink (path);
  g_unlink (lock);
}

KvStore *
fuzz_seeded_memory_store (KvSerialization mode)
{
  static const char *const seeds[][2] = {
    { "seed:1", "{\"n\":1}" },
    { "seed:2", "\"two\"" },
    { "key", "[3]" },
  };
  g_autoptr (KvOptions) options = kv_options_new ();
  g_autoptr (GError) error = NULL;
  KvStore *store;

  kv_options_set_backend (options, KV_BACKEND_MEMORY);
  kv_options_set_serialization (options, mode);
  store = kv_store_open (options, &error);
  if (store == NULL)
    fuzz_fail ("setup", "cannot open a memory store: %s", error->message);
  for (gsize i = 0; i < G_N_ELEMENTS (seeds); i++)
    if (!kv_store_set (store, seeds[i][0], seeds[i][1], strlen (seeds[i][1]), &error))
      fuzz_fail ("setup", "cannot seed the memory store: %s", error->message);
  return store;
}

char *
fuzz_store_dump (const char *target, KvStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = kv_store_list (store, NULL, 0, &error);
  GString *out = g_string_new (NULL);

  FUZZ_CHECK (target, entries != NULL, "listing the target store failed: %s",
              error ? error->message : "(no error)");
  for (guint i = 0; i < entries->len; i++)
    {
      const KvEntry *e = entries->pdata[i];
      gsize len;
      const char *value = g_bytes_get_data (kv_entry_get_value (e), &len);
      g_autofree char *k = g_strescape (kv_entry_get_key (e), NULL);
      g_autofree char *v = g_strndup (value, MIN (len, 64));
      g_autofree char *ve = g_strescape (v, NULL);
      /* The checksum compares every byte; the text is for the reader. */
      g_autofree char *sum =
          g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) value, len);
      g_string_append_printf (out, "%s=%s (%" G_GSIZE_FORMAT " bytes, sha256 %.16s)\n", k, ve, len,
                              sum);
    }
  return g_string_free (out, FALSE);
}
