/* kv-test-helper.c — a second process for the multi-process and crash tests.
 *
 *   kv-test-helper increment PATH KEY N       incrementBy(KEY, 1) N times
 *   kv-test-helper drain PATH PREFIX          claim + complete until nothing is claimable;
 *                                             prints each completed key
 *   kv-test-helper add PATH PREFIX N          set PREFIX0..PREFIX(N-1)
 *   kv-test-helper write-forever PATH         set seq:<n> = n for n = 0, 1, ...; prints n after
 *                                             each set returned (it is durable then), forever
 *
 * It opens the store as openKv() does (the shared store) with default
 * durability. Exit status 0 on success, 1 with a message on failure.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkv/kv.h>

static KvStore *
open_store (const char *path, gboolean track_keys)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KvOptions) o = kv_options_new ();
  KvStore *store;

  kv_options_set_backend (o, KV_BACKEND_DISK);
  kv_options_set_path (o, path);
  kv_options_set_track_keys (o, track_keys);
  store = kv_store_open_shared (o, &error);
  if (store == NULL)
    {
      fprintf (stderr, "kv-test-helper: %s (%s)\n", error->message,
               kv_error_code_get_name (error->code));
      exit (1);
    }
  return store;
}

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    {
      fprintf (stderr, "kv-test-helper: %s\n", error ? error->message : "failed");
      exit (1);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  if (argc >= 5 && g_str_equal (argv[1], "increment"))
    {
      g_autoptr (KvStore) kv = open_store (argv[2], FALSE);
      long n = strtol (argv[4], NULL, 10);
      for (long i = 0; i < n; i++)
        check (kv_store_increment_by (kv, argv[3], 1, NULL, &error), error);
      return 0;
    }
  if (argc >= 4 && g_str_equal (argv[1], "drain"))
    {
      g_autoptr (KvStore) kv = open_store (argv[2], FALSE);
      for (;;)
        {
          g_autoptr (KvClaim) claim = kv_store_claim_random (kv, argv[3], "helper", 60000, &error);
          KvClaimRef ref;
          gboolean done = FALSE;
          check (error == NULL, error);
          if (claim == NULL)
            break;
          ref = (KvClaimRef){ kv_claim_get_id (claim), kv_claim_get_key (claim),
                              kv_claim_get_token (claim) };
          check (kv_store_complete_claim (kv, &ref, TRUE, &done, &error), error);
          check (done, NULL);
          printf ("%s\n", kv_claim_get_key (claim));
        }
      return 0;
    }
  if (argc >= 5 && g_str_equal (argv[1], "add"))
    {
      g_autoptr (KvStore) kv = open_store (argv[2], FALSE);
      long n = strtol (argv[4], NULL, 10);
      for (long i = 0; i < n; i++)
        {
          g_autofree char *key = g_strdup_printf ("%s%ld", argv[3], i);
          check (kv_store_set (kv, key, "1", 1, &error), error);
        }
      return 0;
    }
  if (argc >= 3 && g_str_equal (argv[1], "write-forever"))
    {
      g_autoptr (KvStore) kv = open_store (argv[2], FALSE);
      setvbuf (stdout, NULL, _IOLBF, 0);
      for (guint64 n = 0;; n++)
        {
          char key[32], value[32];
          g_snprintf (key, sizeof key, "seq:%" G_GUINT64_FORMAT, n);
          g_snprintf (value, sizeof value, "%" G_GUINT64_FORMAT, n);
          check (kv_store_set (kv, key, value, strlen (value), &error), error);
          /* Printed only after set() returned: from here on it must survive a kill. */
          printf ("%" G_GUINT64_FORMAT "\n", n);
        }
    }
  fprintf (stderr, "usage: kv-test-helper increment|drain|add|write-forever PATH ...\n");
  return 2;
}
