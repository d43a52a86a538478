/* kva-test-seed.c — writes a store for tests/test-kv-admin.sh, which needs
 * stores with known contents and kv-admin has no command that writes yet.
 * Not installed.
 *
 *   kva-test-seed STORE OPTIONS_JSON [KEY VALUE]...
 *
 * Opens STORE (options as openKv() takes them, STORE as the path), stores
 * each VALUE (JSON text in json mode, bytes in string mode) and closes it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* No config.h: the installed-package test (debian/tests) compiles this file
 * alone against the installed libkv. */
#include <stdio.h>
#include <string.h>

#include <libkv/kv.h>

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvOptions) options = NULL;
  g_autoptr (KvStore) store = NULL;

  if (argc < 3 || (argc - 3) % 2 != 0)
    {
      fprintf (stderr, "usage: kva-test-seed STORE OPTIONS_JSON [KEY VALUE]...\n");
      return 2;
    }

  options = kv_options_new_from_json (argv[2], &error);
  if (options != NULL)
    {
      kv_options_set_path (options, argv[1]);
      store = kv_store_open (options, &error);
    }
  for (int i = 3; store != NULL && i < argc; i += 2)
    if (!kv_store_set (store, argv[i], argv[i + 1], strlen (argv[i + 1]), &error))
      break;

  if (error != NULL)
    {
      fprintf (stderr, "kva-test-seed: %s (%s)\n", error->message,
               kv_error_code_get_name (error->code));
      return 1;
    }
  kv_store_close (store);
  return 0;
}
