/* kv-json.h — canonical JSON: the stored form of every value in json mode.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <glib.h>
#include <libkv/kv-version-macros.h>

G_BEGIN_DECLS

/**
 * kv_json_canonicalize:
 * @json: JSON text (any value, not only objects)
 * @len: length of @json in bytes, or -1 if it is NUL-terminated
 * @out_len: (out) (optional): length of the result, without its NUL
 * @error: return location for a #GError (%KV_ERROR_SERIALIZER on bad JSON), or %NULL
 *
 * Rewrites @json in canonical form: object members sorted bytewise by name
 * (a repeated name keeps its last value, as JSON.parse does), no
 * insignificant whitespace, integer literals within the 64-bit range digit for
 * digit, every other number as the double JSON.parse reads, in the shortest
 * form that reads back to it (as Number#toString writes it), strings escaped
 * minimally (U+0000 as `\u0000`: strings and names keep their NULs).
 * Two JSON texts denote the same value exactly when their canonical forms are
 * byte-equal, which is what compare-and-swap relies on.
 *
 * @json must be strict RFC 8259 JSON in UTF-8, nested at most 512 levels. A
 * number beyond the double range (`1e400`) and an unpaired surrogate escape
 * (`"\ud800"`, which has no UTF-8 form) are refused too. The error message
 * names the problem and its byte offset and never quotes @json.
 *
 * Returns: (transfer full) (nullable): NUL-terminated canonical text; g_free() it
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
char *kv_json_canonicalize (const char *json, gssize len, gsize *out_len, GError **error);

G_END_DECLS
