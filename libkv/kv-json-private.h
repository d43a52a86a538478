/* kv-json-private.h — JSON helpers shared inside the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kv.h"

G_BEGIN_DECLS

/* Appends @s (@len bytes, may hold NULs) as a JSON string, escaped minimally. */
void _kv_json_append_string_len (GString *out, const char *s, gsize len);

/* Parses RFC 8259 JSON strictly (see kv-json.c); KV_ERROR_SERIALIZER on bad text. */
JsonNode *_kv_json_parse_strict (const char *json, gsize len, GError **error);

/* Whether @json (@len bytes) is one strict RFC 8259 text in UTF-8, without
 * building it; KV_ERROR_SERIALIZER with the problem and its byte otherwise. */
gboolean _kv_json_check (const char *json, gsize len, GError **error);

G_END_DECLS
