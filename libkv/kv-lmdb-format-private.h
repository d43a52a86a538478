/* kv-lmdb-format-private.h — the one place that spells libkv's LMDB file format.
 *
 * A store file and a snapshot file are both LMDB environments with the same
 * named databases and meta records; a snapshot adds two meta records and a
 * checksum trailer after the LMDB pages (kv-lmdb-snapshot.c, libkv-files(5)).
 * The disk backend, the snapshot code and the preflight all read these names
 * from here, so the format is written down once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <lmdb.h>
#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

/* The format this library writes into the meta database's "format" record. */
#define KV_LMDB_FORMAT "libkv-lmdb-1"

/* Named databases. User keys live apart from ours, so they never collide. */
#define KV_LMDB_DB_DATA "k6"       /* user keys and values (the name xk6-kv uses) */
#define KV_LMDB_DB_CLAIMS "claims" /* key -> encoded claim record */
#define KV_LMDB_DB_META "meta"     /* the records below */
#define KV_LMDB_MAX_DBS 4

/* Records of the meta database. */
#define KV_LMDB_META_FORMAT "format"                           /* KV_LMDB_FORMAT */
#define KV_LMDB_META_SERIALIZATION "serialization"             /* "json" or "string" */
#define KV_LMDB_META_CLAIM_TOKEN "claim_token"                 /* the last claim token handed out */
#define KV_LMDB_META_SNAPSHOT_ENTRIES "snapshot_entries"       /* snapshots only */
#define KV_LMDB_META_SNAPSHOT_CREATED_AT "snapshot_created_at" /* snapshots only, ms */

/* @data as an MDB_val, without a copy. */
static inline MDB_val
_kv_lmdb_val (const void *data, gsize len)
{
  return (MDB_val){ .mv_size = len, .mv_data = (void *) data };
}

/* A NUL-terminated string as an MDB_val (without its NUL). */
static inline MDB_val
_kv_lmdb_str (const char *str)
{
  return _kv_lmdb_val (str, strlen (str));
}

G_END_DECLS
