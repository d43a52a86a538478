/* kva-test-seed.c — writes a store for tests/test-kv-admin.sh, which needs
 * stores with known contents and kv-admin has no command that writes yet.
 * Not installed.
 *
 *   kva-test-seed STORE OPTIONS_JSON [KEY VALUE | --claim KEY OWNER TTL_MS]...
 *
 * Opens STORE (options as openKv() takes them, STORE as the path), stores
 * each VALUE (JSON text in json mode, bytes in string mode), claims each
 * --claim KEY for OWNER ("" for none) for TTL_MS milliseconds (1 makes a
 * claim that is expired by the time anyone looks), and closes it.
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

  if (argc < 3)
    {
      fprintf (stderr, "usage: kva-test-seed STORE OPTIONS_JSON [KEY VALUE | --claim KEY OWNER "
                       "TTL_MS]...\n");
      return 2;
    }

  options = kv_options_new_from_json (argv[2], &error);
  if (options != NULL)
    {
      kv_options_set_path (options, argv[1]);
      store = kv_store_open (options, &error);
    }
  for (int i = 3; store != NULL && i < argc;)
    {
      if (strcmp (argv[i], "--claim") == 0)
        {
          KvClaim *claim;

          if (i + 3 >= argc)
            {
              fprintf (stderr, "kva-test-seed: --claim needs KEY OWNER TTL_MS\n");
              return 2;
            }
          claim = kv_store_claim_key (store, argv[i + 1], *argv[i + 2] ? argv[i + 2] : NULL,
                                      g_ascii_strtoll (argv[i + 3], NULL, 10), &error);
          if (claim == NULL)
            {
              if (error == NULL)
                {
                  fprintf (stderr, "kva-test-seed: %s: missing or already claimed\n", argv[i + 1]);
                  return 1;
                }
              break;
            }
          kv_claim_unref (claim);
          i += 4;
          continue;
        }
      if (i + 1 >= argc)
        {
          fprintf (stderr, "kva-test-seed: KEY %s has no VALUE\n", argv[i]);
          return 2;
        }
      if (!kv_store_set (store, argv[i], argv[i + 1], strlen (argv[i + 1]), &error))
        break;
      i += 2;
    }

  if (error != NULL)
    {
      fprintf (stderr, "kva-test-seed: %s (%s)\n", error->message,
               kv_error_code_get_name (error->code));
      return 1;
    }
  kv_store_close (store);
  return 0;
}
