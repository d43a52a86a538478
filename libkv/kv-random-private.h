/* kv-random-private.h — uniform random choices for the backends' sampling (kv-random.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A uniformly random integer in [0, n), n > 0; thread-safe. */
guint64 _kv_random_below (guint64 n);

/* Picks @count values from [0, n) for random_keys(): distinct when @unique
 * (all n, shuffled, when count >= n), with repetition otherwise. */
GArray *_kv_random_ranks (guint64 n, guint64 count, gboolean unique);

G_END_DECLS
