/* kv-frontend.h — what a front end speaking the xk6-kv JavaScript API needs.
 *
 * The k6 extension (k6/x/kv) and kv-admin take options as the JSON object
 * openKv() takes, print stats() as JSON, name errors as the JavaScript API
 * throws them, and report the bbolt options xk6-kv accepts but LMDB has no
 * use for. That surface is shaped by JavaScript, not by C, so it lives here,
 * apart from the typed API of the other headers, which a C program needs
 * alone.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <libkv/kv-error.h>
#include <libkv/kv-options.h>
#include <libkv/kv-store.h>
#include <libkv/kv-version-macros.h>

G_BEGIN_DECLS

/* ---- openKv() options as JSON, and the options only k6 uses or bbolt knew ---- */

/**
 * kv_options_new_from_json:
 * @json: (nullable): the openKv() options object as JSON text; %NULL, `""`
 *   or `"null"` mean all defaults
 * @error: return location for a #GError, or %NULL
 *
 * Parses and validates options. A bad `backend` fails with
 * %KV_ERROR_INVALID_BACKEND, a bad `serialization` with
 * %KV_ERROR_INVALID_SERIALIZATION, anything else malformed with
 * %KV_ERROR_INVALID_OPTIONS naming the field. Unknown fields are ignored, as
 * xk6-kv ignores them.
 *
 * Returns: (transfer full) (nullable): the options, or %NULL with @error set
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
KvOptions *kv_options_new_from_json (const char *json, GError **error);

/**
 * kv_options_to_json:
 * @options: options
 *
 * Writes @options out in the openKv() object shape, for diagnostics and for
 * handing options to another process.
 *
 * Returns: (transfer full): the normalised options as canonical JSON, in the
 *   shape kv_options_new_from_json() reads. Free with g_free().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
char *kv_options_to_json (const KvOptions *options);

/**
 * kv_options_get_disk_ignored:
 * @options: options
 *
 * bbolt-only options (`noFreelistSync`, `preLoadFreelist`, `freelistType`)
 * have no LMDB meaning; they are validated, kept for kv_options_equal(), and
 * listed here so stats() can report them as ignored.
 *
 * Returns: (transfer full) (array zero-terminated=1): a %NULL-terminated array of
 *   the option names the user set that libkv ignores; free with g_strfreev().
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
char **kv_options_get_disk_ignored (const KvOptions *options);

/**
 * kv_options_set_metrics_operations:
 * @options: options
 * @enabled: %TRUE to ask the front end for operation metrics
 *
 * Sets the `metrics.operations` option, a front-end flag that libkv only
 * stores and compares.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
void kv_options_set_metrics_operations (KvOptions *options, gboolean enabled);

/**
 * kv_options_get_metrics_operations:
 * @options: options
 *
 * Gets the `metrics.operations` option.
 *
 * Returns: %TRUE if operation metrics were asked for
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_options_get_metrics_operations (const KvOptions *options);

/* ---- stats() as JSON ---- */

/**
 * kv_store_dup_stats_json:
 * @store: a #KvStore
 * @error: return location for a #GError, or %NULL
 *
 * A diagnostic snapshot in the shape of the JS API's `KVStats` (`backend`,
 * `serialization`, `trackKeys`, `count`, `claims`, `index`, `disk`, plus
 * backend details under `memory`/`lmdb`).
 *
 * Returns: (transfer full) (nullable): canonical JSON text; g_free() it;
 *   %NULL with @error set on failure
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
char *kv_store_dup_stats_json (KvStore *store, GError **error);

/* ---- the JavaScript error names ---- */

/**
 * kv_error_code_get_name:
 * @code: a #KvError code (an `int`, so that codes a newer libkv sent are accepted)
 *
 * Maps a code to the name the JavaScript API throws.
 *
 * Returns: (transfer none): the JavaScript error name of @code, e.g.
 *   `"StoreClosedError"`; `"UnknownError"` for a code this version does not know.
 *   The string is static.
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
const char *kv_error_code_get_name (int code);

/**
 * kv_error_code_from_name:
 * @name: a JavaScript error name such as `"KeyNotFoundError"`
 * @code: (out) (optional): where to store the code
 *
 * Maps a JavaScript error name back to its code; the inverse of
 * kv_error_code_get_name().
 *
 * Returns: %TRUE if @name is one of the names of the API, else %FALSE and
 *   @code is not touched
 *
 * Since: 1.0
 */
KV_AVAILABLE_IN_1_0
gboolean kv_error_code_from_name (const char *name, KvError *code);

G_END_DECLS
