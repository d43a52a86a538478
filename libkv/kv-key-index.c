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

/* Bounds are found with g_sequence_search() and a probe that compares as
 * "just before" or "just after" a boundary but never equal to any key, so the
 * search lands exactly on the boundary whatever order GSequence passes the
 * arguments in. The probe is recognised by its address. */
typedef enum
{
  PROBE_BEFORE_KEY,   /* sorts just before @text: lower bound */
  PROBE_AFTER_KEY,    /* sorts just after @text: upper bound */
  PROBE_AFTER_PREFIX, /* sorts after every key starting with @text */
} ProbeKind;

typedef struct
{
  ProbeKind kind;
  const char *text;
  gsize text_len;
} Probe;

static const char probe_marker[] = "probe";

/* < 0 when the probe sorts before @key. */
static int
probe_compare (const Probe *probe, const char *key)
{
  int c;

  switch (probe->kind)
    {
    case PROBE_BEFORE_KEY:
      return strcmp (probe->text, key) <= 0 ? -1 : 1;
    case PROBE_AFTER_KEY:
      return strcmp (probe->text, key) < 0 ? -1 : 1;
    case PROBE_AFTER_PREFIX:
    default:
      c = strncmp (probe->text, key, probe->text_len);
      /* Keys with the prefix (c == 0) and keys below it sort before the probe. */
      return c < 0 ? -1 : 1;
    }
}

static gint
compare_keys (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Probe *probe = user_data;

  if (a == probe_marker)
    return probe_compare (probe, b);
  if (b == probe_marker)
    return -probe_compare (probe, a);
  return strcmp (a, b);
}

static gint
search (KvKeyIndex *index, ProbeKind kind, const char *text)
{
  Probe probe = { kind, text, strlen (text) };
  GSequenceIter *it = g_sequence_search (index->seq, (gpointer) probe_marker, compare_keys, &probe);
  return g_sequence_iter_get_position (it);
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
  /* A plain comparison: the probe marker never takes part in an insert. */
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
