/* kv-value-private.h — key validation and value encoding shared by the store and every backend.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kv.h"

G_BEGIN_DECLS

/* Non-empty, at most KV_MAX_KEY_LENGTH bytes, valid UTF-8; else KV_ERROR_INVALID_OPTIONS. */
gboolean _kv_key_validate (const char *key, GError **error);

/* NULL and "" match every key; anything else must be something a key could
 * start with. @required: NULL and "" are KV_ERROR_INVALID_OPTIONS too. */
gboolean _kv_prefix_validate (const char *prefix, gboolean required, GError **error);

/* A limit or count argument: <= 0 means none (0), above @cap is
 * KV_ERROR_INVALID_OPTIONS naming @what. */
gboolean _kv_limit_validate (gint64 value, gint64 cap, const char *what, guint64 *out,
                             GError **error);

/* Why a key is invalid, or NULL if it is fine; static strings. */
const char *_kv_key_problem (const char *key);

/* A GBytes holding a copy of @data followed by a NUL its size does not count. */
GBytes *_kv_bytes_new (const char *data, gsize len);

/* @data as error messages show bytes from a file: at most @max of them,
 * escaped like a C string (so the message stays UTF-8), NUL as \0. Free with g_free(). */
char *_kv_bytes_shown (const char *data, gsize len, gsize max);

/* "json" or "string": the mode's name in options, stats and store metadata. */
const char *_kv_serialization_name (KvSerialization mode);

/* The stored form of a value coming in: canonical JSON in json mode, the bytes
 * as given in string mode; KV_ERROR_SERIALIZER for bad JSON,
 * KV_ERROR_INVALID_OPTIONS past KV_MAX_VALUE_SIZE. */
GBytes *_kv_value_encode (KvSerialization mode, const char *data, gsize len, GError **error);

/* The 64-bit integer a stored value holds (a JSON integer, or a JSON string
 * holding one; in string mode the text itself); KV_ERROR_VALUE_PARSE otherwise. */
gboolean _kv_value_to_int64 (GBytes *value, KvSerialization mode, gint64 *out, GError **error);

/* The stored form of an integer (the same text in both modes). */
GBytes *_kv_value_from_int64 (gint64 value);

/* A new entry: @key copied, a reference to @value taken. Free with kv_entry_free(). */
KvEntry *_kv_entry_new (const char *key, GBytes *value);

/* A batch item failure with no claim id; the strings are copied, a NULL
 * @message is an empty one. Free with kv_item_error_free(). */
KvItemError *_kv_item_error_new (gsize index, const char *key, const char *name,
                                 const char *message);

/* A Go-style duration ("1s", "1m30s", "250ms") or a plain number of
 * milliseconds, as disk.timeout takes it; KV_ERROR_INVALID_OPTIONS. */
gboolean _kv_parse_duration_ms (const char *text, guint64 *out_ms, GError **error);

/* A byte count: digits and an optional SI (kB, MB, GB, TB), IEC (KiB, MiB,
 * GiB, TiB) or B unit, as disk.mapSize takes it; KV_ERROR_INVALID_OPTIONS. */
gboolean _kv_parse_size (const char *text, guint64 *out_bytes, GError **error);

G_END_DECLS
