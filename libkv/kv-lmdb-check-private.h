/* kv-lmdb-check-private.h — every page of one LMDB snapshot checked before LMDB reads it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  KV_LMDB_CHECK_SOUND,    /* LMDB can read every tree of the snapshot safely */
  KV_LMDB_CHECK_DAMAGED,  /* @problem says what is wrong */
  KV_LMDB_CHECK_MOVED_ON, /* no meta page holds @txnid any more: commits landed; pin a newer one */
} KvLmdbCheck;

/* Checks, with bounds-checked preads on @fd and never LMDB, every page
 * LMDB would read in the snapshot whose meta page has transaction id
 * @txnid (or the newest one): the main database, every named database in it and, with
 * @free_list (a writer reuses the pages it lists), the free-page list and
 * the lists themselves. The caller must keep that snapshot's pages from
 * being reused while this runs: a read transaction at @txnid, or a file no
 * one writes.
 *
 * Sound means: every page number lies inside the snapshot's pages and is
 * used once (no page in two trees, no cycle, no free page still in use);
 * every tree page's header, node offsets, keys and in-page values lie
 * inside the page; overflow runs start with an overflow page long enough
 * for their value; keys are 1 to 511 bytes and strictly increase in
 * LMDB's order, and lie between their branch separators; all leaves sit at
 * the depth the database record gives, and the leaves hold the number of
 * entries it gives (so counting agrees with listing); named databases have
 * the flags libkv creates them with (none), values in them are plain or on
 * overflow pages, database records only in the main database. */
/* @txnid for a file no one writes: the snapshot LMDB would use. */
#define KV_LMDB_CHECK_NEWEST G_MAXUINT64

KvLmdbCheck _kv_lmdb_check (int fd, guint64 txnid, gboolean free_list, char **problem);

G_END_DECLS
