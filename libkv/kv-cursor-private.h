/* kv-cursor-private.h — opaque scan cursors: the prefix and the last key, checksummed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *_kv_cursor_encode (const char *prefix, const char *last_key);
/* Sets *out_last_key (NULL for an empty cursor); KV_ERROR_INVALID_CURSOR when
 * @cursor does not decode or was made for another prefix. */
gboolean _kv_cursor_decode (const char *cursor, const char *prefix, char **out_last_key,
                            GError **error);

G_END_DECLS
