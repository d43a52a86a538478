/* kv-random.c — uniform choices for randomKey()/randomKeys(), shared by every backend.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "kv-backend-private.h"
#include "kv-random-private.h"

/* One generator per thread: the global g_random_* generator takes a lock per call. */
static GPrivate thread_rand = G_PRIVATE_INIT ((GDestroyNotify) g_rand_free);

static GRand *
get_rand (void)
{
  GRand *rand = g_private_get (&thread_rand);

  if (G_UNLIKELY (rand == NULL))
    {
      /* Seeded from the global generator so KV tests can make runs repeatable
       * with g_random_set_seed() before the first draw on a thread. */
      rand = g_rand_new_with_seed (g_random_int ());
      g_private_set (&thread_rand, rand);
    }
  return rand;
}

guint64
_kv_random_below (guint64 n)
{
  GRand *rand = get_rand ();
  guint64 limit, r;

  g_return_val_if_fail (n > 0, 0);
  if (n <= G_MAXINT32)
    return (guint64) g_rand_int_range (rand, 0, (gint32) n);
  /* Rejection sampling over 64 random bits keeps the choice exactly uniform. */
  limit = G_MAXUINT64 - (G_MAXUINT64 % n);
  do
    r = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
  while (r >= limit);
  return r % n;
}

GArray *
_kv_random_ranks (guint64 n, guint64 count, gboolean unique)
{
  GArray *ranks = g_array_new (FALSE, FALSE, sizeof (guint64));

  if (n == 0 || count == 0)
    return ranks;
  if (!unique)
    {
      for (guint64 i = 0; i < count; i++)
        {
          guint64 r = _kv_random_below (n);
          g_array_append_val (ranks, r);
        }
      return ranks;
    }
  if (count >= n)
    {
      /* Everything, in random order (Fisher–Yates). */
      g_array_set_size (ranks, (guint) n);
      for (guint64 i = 0; i < n; i++)
        g_array_index (ranks, guint64, i) = i;
      for (guint64 i = n - 1; i > 0; i--)
        {
          guint64 j = _kv_random_below (i + 1);
          guint64 t = g_array_index (ranks, guint64, i);
          g_array_index (ranks, guint64, i) = g_array_index (ranks, guint64, j);
          g_array_index (ranks, guint64, j) = t;
        }
      return ranks;
    }
  {
    /* Floyd's algorithm: count distinct ranks in O(count) draws, then shuffle
     * so the order is random too. */
    g_autoptr (GHashTable) chosen = g_hash_table_new (g_int64_hash, g_int64_equal);
    g_autofree guint64 *store = g_new (guint64, count);
    guint64 k = 0;

    for (guint64 j = n - count; j < n; j++)
      {
        guint64 t = _kv_random_below (j + 1);
        guint64 pick = g_hash_table_contains (chosen, &t) ? j : t;
        store[k] = pick;
        g_hash_table_add (chosen, &store[k]);
        k++;
      }
    g_array_append_vals (ranks, store, (guint) count);
    for (guint64 i = count - 1; i > 0; i--)
      {
        guint64 j = _kv_random_below (i + 1);
        guint64 t = g_array_index (ranks, guint64, i);
        g_array_index (ranks, guint64, i) = g_array_index (ranks, guint64, j);
        g_array_index (ranks, guint64, j) = t;
      }
    return ranks;
  }
}
