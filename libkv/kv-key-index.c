/* kv-key-index.c — an ordered set of keys with O(log n) bounds, rank and select.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-key-index-private.h"

struct _KvKeyIndex
{
  GSequence *seq;
};

/* Bounds are binary searches over positions. Not g_sequence_search(): it
 * flags the sequence as "being searched" (a write), so two threads holding a
 * shard's read lock could not both search it. Position lookups only walk the
 * tree, so any number of readers may run them at once; the price is
 * O(log² n) per bound instead of O(log n). */
typedef enum
{
  PROBE_BEFORE_KEY,   /* sorts just before @text: lower bound */
  PROBE_AFTER_KEY,    /* sorts just after @text: upper bound */
  PROBE_AFTER_PREFIX, /* sorts after every key starting with @text */
} ProbeKind;

/* < 0 when the probe sorts before @key; never 0, so the boundary is exact. */
static int
probe_compare (ProbeKind kind, const char *text, gsize text_len, const char *key)
{
  switch (kind)
    {
    case PROBE_BEFORE_KEY:
      return strcmp (text, key) <= 0 ? -1 : 1;
    case PROBE_AFTER_KEY:
      return strcmp (text, key) < 0 ? -1 : 1;
    case PROBE_AFTER_PREFIX:
    default:
      /* Keys with the prefix (0) and keys below it sort before the probe. */
      return strncmp (text, key, text_len) < 0 ? -1 : 1;
    }
}

static gint
compare_keys (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return strcmp (a, b);
}

/* The first position whose key sorts after the probe. */
static gint
search (KvKeyIndex *index, ProbeKind kind, const char *text)
{
  gsize text_len = strlen (text);
  gint lo = 0, hi = g_sequence_get_length (index->seq);

  while (lo < hi)
    {
      gint mid = lo + (hi - lo) / 2;
      const char *key = g_sequence_get (g_sequence_get_iter_at_pos (index->seq, mid));
      if (probe_compare (kind, text, text_len, key) < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

KvKeyIndex *
_kv_key_index_new (GDestroyNotify key_free)
{
  KvKeyIndex *index = g_new0 (KvKeyIndex, 1);
  index->seq = g_sequence_new (key_free);
  return index;
}

void
_kv_key_index_free (KvKeyIndex *index)
{
  if (index == NULL)
    return;
  g_sequence_free (index->seq);
  g_free (index);
}

void
_kv_key_index_clear (KvKeyIndex *index)
{
  g_sequence_remove_range (g_sequence_get_begin_iter (index->seq),
                           g_sequence_get_end_iter (index->seq));
}

gint
_kv_key_index_length (KvKeyIndex *index)
{
  return g_sequence_get_length (index->seq);
}

GSequenceIter *
_kv_key_index_insert (KvKeyIndex *index, char *key)
{
  /* Callers hold the shard's write lock, so the search inside is exclusive. */
  return g_sequence_insert_sorted (index->seq, key, compare_keys, NULL);
}

void
_kv_key_index_remove (GSequenceIter *iter)
{
  g_sequence_remove (iter);
}

gint
_kv_key_index_lower_bound (KvKeyIndex *index, const char *key)
{
  return search (index, PROBE_BEFORE_KEY, key);
}

gint
_kv_key_index_upper_bound (KvKeyIndex *index, const char *key)
{
  return search (index, PROBE_AFTER_KEY, key);
}

gint
_kv_key_index_prefix_end (KvKeyIndex *index, const char *prefix)
{
  return search (index, PROBE_AFTER_PREFIX, prefix);
}

void
_kv_key_index_prefix_range (KvKeyIndex *index, const char *prefix, gint *begin, gint *end)
{
  if (prefix == NULL || *prefix == '\0')
    {
      *begin = 0;
      *end = g_sequence_get_length (index->seq);
      return;
    }
  *begin = _kv_key_index_lower_bound (index, prefix);
  *end = _kv_key_index_prefix_end (index, prefix);
}

GSequenceIter *
_kv_key_index_iter_at (KvKeyIndex *index, gint pos)
{
  return g_sequence_get_iter_at_pos (index->seq, pos);
}

const char *
_kv_key_index_get (KvKeyIndex *index, gint pos)
{
  return g_sequence_get (g_sequence_get_iter_at_pos (index->seq, pos));
}
