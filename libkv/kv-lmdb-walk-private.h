/* kv-lmdb-walk-private.h — reading every page of an LMDB file where a crash cannot hurt.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "kv-error.h"

G_BEGIN_DECLS

/* Opens @path read-only (without a lock file) in a forked child process and
 * reads every key and every byte of every value of every database in it.
 * FALSE with @code (and a message naming the file as @what) when the child
 * finds an error, crashes on the file (LMDB follows damaged pages blindly),
 * or does not finish in time. Run it only after _kv_lmdb_preflight() passed,
 * on a file nobody writes. See docs/DECISIONS.md for why fork and what the
 * child may do. */
gboolean _kv_lmdb_walk_in_child (const char *path, guint64 file_size, const char *what,
                                 KvError code, GError **error);

G_END_DECLS
