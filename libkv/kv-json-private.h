/* kv-json-private.h — JSON helpers shared inside the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "kv.h"

G_BEGIN_DECLS

/* Appends @s (@len bytes, may hold NULs, written \u0000) as a JSON string, escaped minimally. */
void _kv_json_append_string_len (GString *out, const char *s, gsize len);

/* Appends finite @d as Number#toString writes it (kv-json.c). */
void _kv_json_append_double (GString *out, double d);

/* TRUE if @json is strict RFC 8259 text libkv stores (kv_json_canonicalize accepts it);
 * KV_ERROR_SERIALIZER otherwise. */
gboolean _kv_json_check (const char *json, gsize len, GError **error);

/* Reading canonical text (kv_json_canonicalize's output, never other text):
 * the members of an object in order, each as its quoted name and its value's
 * canonical text, both pointing into the text. */
typedef struct
{
  const char *p;
  const char *end;
} KvJsonMembers;

/* FALSE if @canonical is not an object. */
gboolean _kv_json_members_init (KvJsonMembers *it, const char *canonical, gsize len);
gboolean _kv_json_members_next (KvJsonMembers *it, const char **name, gsize *name_len,
                                const char **value, gsize *value_len);

/* Replaces @into's contents with the bytes of the canonical string @quoted (quotes
 * included in @len); NULs are kept, so use @into->len, not strlen. */
void _kv_json_string_decode (const char *quoted, gsize len, GString *into);

/* Writes parsed @node in the canonical form kv_json_canonicalize() makes of
 * its text; @out_len (optional) gets its length. Free with g_free(). */
char *_kv_json_node_to_canonical (JsonNode *node, gsize *out_len);

G_END_DECLS
