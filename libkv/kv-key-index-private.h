/* kv-key-index-private.h — an ordered set of keys with O(log n) bounds, rank and select.
 *
 * A thin layer over GSequence (a balanced tree that knows positions). Not
 * thread-safe: the owner locks around it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _KvKeyIndex KvKeyIndex;

/* @key_free: NULL when the keys are borrowed (their owner outlives them in the index). */
KvKeyIndex *_kv_key_index_new (GDestroyNotify key_free);
void _kv_key_index_free (KvKeyIndex *index);
void _kv_key_index_clear (KvKeyIndex *index);
gint _kv_key_index_length (KvKeyIndex *index);

/* Inserts @key (not already present) in order; the iterator stays valid until removed. */
GSequenceIter *_kv_key_index_insert (KvKeyIndex *index, char *key);
void _kv_key_index_remove (GSequenceIter *iter);

/* Position of the first key >= @key / > @key / past every key starting with @prefix. */
gint _kv_key_index_lower_bound (KvKeyIndex *index, const char *key);
gint _kv_key_index_upper_bound (KvKeyIndex *index, const char *key);
gint _kv_key_index_prefix_end (KvKeyIndex *index, const char *prefix);

/* [*begin, *end) are the positions of the keys starting with @prefix (NULL or "": all). */
void _kv_key_index_prefix_range (KvKeyIndex *index, const char *prefix, gint *begin, gint *end);

/* The key at @pos (0 <= pos < length); borrowed from the index. */
const char *_kv_key_index_get (KvKeyIndex *index, gint pos);
GSequenceIter *_kv_key_index_iter_at (KvKeyIndex *index, gint pos);

G_END_DECLS
