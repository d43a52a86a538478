/* kv-cursor.c — opaque scan cursors: the prefix and the last key, checksummed.
 *
 * A cursor is base64 of: a version byte, the prefix length (4 bytes, big
 * endian), the prefix, the last key returned, and the first 4 bytes of the
 * SHA-256 of all that. The checksum is not a secret — cursors must work
 * across processes and runs — it catches edits and truncation, so a damaged
 * cursor is an error instead of a silently different page.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-cursor-private.h"
#include "kv.h"

#define CURSOR_VERSION 1
#define CHECK_LEN 4

static void
checksum (const guint8 *data, gsize len, guint8 out[CHECK_LEN])
{
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, data, (gssize) len);
  g_checksum_get_digest (sum, digest, &digest_len);
  memcpy (out, digest, CHECK_LEN);
}

char *
_kv_cursor_encode (const char *prefix, const char *last_key)
{
  gsize plen = prefix ? strlen (prefix) : 0;
  gsize klen = strlen (last_key);
  gsize len = 1 + 4 + plen + klen;
  g_autofree guint8 *buf = g_malloc (len + CHECK_LEN);

  buf[0] = CURSOR_VERSION;
  buf[1] = (guint8) (plen >> 24), buf[2] = (guint8) (plen >> 16);
  buf[3] = (guint8) (plen >> 8), buf[4] = (guint8) plen;
  if (plen)
    memcpy (buf + 5, prefix, plen);
  memcpy (buf + 5 + plen, last_key, klen);
  checksum (buf, len, buf + len);
  return g_base64_encode (buf, len + CHECK_LEN);
}

gboolean
_kv_cursor_decode (const char *cursor, const char *prefix, char **out_last_key, GError **error)
{
  g_autofree guint8 *buf = NULL;
  gsize len = 0, plen, want_plen = prefix ? strlen (prefix) : 0;
  guint8 check[CHECK_LEN];

  *out_last_key = NULL;
  if (cursor == NULL || *cursor == '\0')
    return TRUE;
  /* g_base64_decode skips characters outside the alphabet; insist on it. */
  if (strspn (cursor, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") !=
      strlen (cursor))
    goto bad;
  buf = g_base64_decode (cursor, &len);
  if (len < 1 + 4 + CHECK_LEN + 1 || buf[0] != CURSOR_VERSION)
    goto bad;
  len -= CHECK_LEN;
  checksum (buf, len, check);
  if (memcmp (check, buf + len, CHECK_LEN) != 0)
    goto bad;
  plen = ((gsize) buf[1] << 24) | ((gsize) buf[2] << 16) | ((gsize) buf[3] << 8) | buf[4];
  /* The encoder never writes an empty last key (a page ends on a key). */
  if (plen >= len - 5 || memchr (buf + 5, '\0', len - 5) != NULL)
    goto bad;
  if (plen != want_plen || (plen && memcmp (buf + 5, prefix, plen) != 0))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_CURSOR,
                   "cursor was made for another prefix; use a cursor only with the prefix that "
                   "produced it");
      return FALSE;
    }
  /* A page's last key has the page's prefix. One without it is forged, and
   * the backends would start such a scan at different places. */
  if (len - 5 - plen < plen || (plen && memcmp (buf + 5 + plen, prefix, plen) != 0))
    goto bad;
  *out_last_key = g_strndup ((const char *) buf + 5 + plen, len - 5 - plen);
  return TRUE;

bad:
  g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_CURSOR,
                       "cursor is not one this store produced (damaged or edited)");
  return FALSE;
}
