/* fuzz-cursor.c — scan cursors: _kv_cursor_decode() and kv_store_scan_keys() with forged cursors.
 *
 * Cursors carry a checksum, so random text almost never decodes; the harness
 * therefore also forges cursors with a correct checksum around fuzzed
 * contents. Input: a settings byte — bits 0-1 the mode, bits 2-4 the prefix
 * (of prefixes[]), bits 5-7 the page size (0: everything) — then a payload:
 *   mode 0: the payload is the cursor text;
 *   mode 1: the prefix followed by the payload is the last key, in a cursor
 *           forged for the prefix (a key a page could have ended on);
 *   mode 2: the payload is the whole decoded cursor (version, prefix length,
 *           prefix, key), the harness only appends the checksum;
 *   mode 3: the payload is the last key, in a cursor forged for the next
 *           prefix of prefixes[].
 *
 * Properties: a refusal is KV_ERROR_INVALID_CURSOR, from the decoder and from
 * every backend alike; a decoded cursor gives, on a memory store, a tracked
 * memory store and a disk store, the same pages, whose keys all have the
 * prefix, come strictly after the cursor's key and strictly increase.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz/fuzz-properties.h"
#include "libkv/kv-cursor-private.h"

#define T "cursor"
#define MAX_PAGES 16

static const char *const prefixes[] = { "", "a", "a:", "b:", "c", "zz" };
static const char *const keys[] = { "a", "a:1", "a:2", "a:2x", "b:1", "b:\xc3\xa9", "c", "c\x7f" };

static const char *const backend_options[] = {
  "{\"backend\":\"memory\",\"memory\":{\"shardCount\":2}}",
  "{\"backend\":\"memory\",\"trackKeys\":true,\"memory\":{\"shardCount\":2}}",
  NULL, /* disk: the path is set below */
};
#define N_STORES G_N_ELEMENTS (backend_options)

static KvStore *stores[N_STORES];

static void
open_stores (void)
{
  for (gsize i = 0; i < N_STORES; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (KvOptions) options = NULL;
      if (backend_options[i])
        options = kv_options_new_from_json (backend_options[i], &error);
      else
        {
          g_autofree char *path = g_build_filename (fuzz_scratch_dir (), "cursor.kv", NULL);
          options = kv_options_new ();
          kv_options_set_path (options, path);
        }
      if (options == NULL || (stores[i] = kv_store_open (options, &error)) == NULL)
        fuzz_fail ("setup", "cannot open store %" G_GSIZE_FORMAT ": %s", i, error->message);
      for (gsize k = 0; k < G_N_ELEMENTS (keys); k++)
        if (!kv_store_set (stores[i], keys[k], "1", 1, &error))
          fuzz_fail ("setup", "cannot seed store %" G_GSIZE_FORMAT ": %s", i, error->message);
    }
}

/* base64 of @body and the first 4 bytes of its SHA-256, as kv-cursor.c checks it. */
static char *
with_checksum (const guint8 *body, gsize len)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buf = g_malloc (len + 32);
  gsize digest_len = 32;

  memcpy (buf, body, len);
  g_checksum_update (sum, body, (gssize) len);
  g_checksum_get_digest (sum, buf + len, &digest_len);
  return g_base64_encode (buf, len + 4);
}

/* A cursor for @prefix whose last key is @key_start followed by @last. */
static char *
forge (const char *prefix, const char *key_start, const guint8 *last, gsize last_len)
{
  gsize plen = strlen (prefix), slen = strlen (key_start);
  g_autofree guint8 *body = g_malloc (5 + plen + slen + last_len);

  body[0] = 1;
  body[1] = (guint8) (plen >> 24), body[2] = (guint8) (plen >> 16);
  body[3] = (guint8) (plen >> 8), body[4] = (guint8) plen;
  memcpy (body + 5, prefix, plen);
  memcpy (body + 5 + plen, key_start, slen);
  if (last_len)
    memcpy (body + 5 + plen + slen, last, last_len);
  return with_checksum (body, 5 + plen + slen + last_len);
}

/* Every page from @cursor on, as one string of keys; NULL when the first
 * page is refused (with @error set). */
static char *
scan_all (KvStore *store, const char *prefix, const char *cursor, gint64 limit, const char *after,
          GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *prev = g_strdup (after);
  g_autofree char *next = g_strdup (cursor);

  for (int page = 0; page < MAX_PAGES; page++)
    {
      g_autoptr (GPtrArray) got = NULL;
      g_autofree char *following = NULL;
      gboolean done = FALSE;
      if (!kv_store_scan_keys (store, prefix, next, limit, &got, &following, &done, error))
        {
          FUZZ_CHECK (T, page == 0, "page %d of a scan is refused: %s", page, (*error)->message);
          return NULL;
        }
      for (guint i = 0; i < got->len; i++)
        {
          const char *key = got->pdata[i];
          FUZZ_CHECK (T, g_str_has_prefix (key, prefix), "key \"%s\" is outside prefix \"%s\"", key,
                      prefix);
          FUZZ_CHECK (T, prev == NULL || strcmp (key, prev) > 0,
                      "key \"%s\" does not come after \"%s\"", key, prev);
          g_free (prev);
          prev = g_strdup (key);
          g_string_append_printf (out, "%s\n", key);
        }
      if (done)
        break;
      g_free (next);
      next = g_steal_pointer (&following);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

int
fuzz_one_cursor (const uint8_t *data, size_t size)
{
  g_autofree char *cursor = NULL, *last = NULL, *first_pages = NULL;
  g_autoptr (GError) decode_error = NULL;
  const char *prefix;
  const guint8 *payload;
  gsize payload_len;
  gint64 limit;
  int mode;
  gboolean decoded;

  if (stores[0] == NULL)
    open_stores ();
  if (size < 1)
    return 0;
  mode = data[0] & 3;
  prefix = prefixes[(data[0] >> 2 & 7) % G_N_ELEMENTS (prefixes)];
  limit = data[0] >> 5;
  payload = data + 1;
  payload_len = size - 1;
  switch (mode)
    {
    case 0:
      cursor = g_strndup ((const char *) payload, payload_len);
      break;
    case 1:
      cursor = forge (prefix, prefix, payload, payload_len);
      break;
    case 2:
      cursor = with_checksum (payload, payload_len);
      break;
    default:
      cursor = forge (prefixes[((data[0] >> 2 & 7) + 1) % G_N_ELEMENTS (prefixes)], "", payload,
                      payload_len);
      break;
    }

  decoded = _kv_cursor_decode (cursor, prefix, &last, &decode_error);
  if (!decoded)
    {
      fuzz_check_error (T, "_kv_cursor_decode", decode_error);
      FUZZ_CHECK (T, g_error_matches (decode_error, KV_ERROR, KV_ERROR_INVALID_CURSOR),
                  "_kv_cursor_decode refuses with %s, not InvalidCursorError",
                  kv_error_code_get_name (decode_error->code));
    }
  if (decoded && last && *last)
    {
      /* What the encoder makes of the decoded key is the cursor it came from. */
      g_autofree char *encoded = _kv_cursor_encode (prefix, last);
      g_autofree char *back = NULL;
      g_autoptr (GError) error = NULL;
      FUZZ_CHECK (T, _kv_cursor_decode (encoded, prefix, &back, &error) && g_str_equal (back, last),
                  "an encoded cursor does not decode to its key");
    }
  if (mode == 1 && strlen (prefix) + payload_len > 0 && memchr (payload, '\0', payload_len) == NULL)
    FUZZ_CHECK (T,
                decoded && last && strlen (last) == strlen (prefix) + payload_len &&
                    g_str_has_prefix (last, prefix) &&
                    memcmp (last + strlen (prefix), payload, payload_len) == 0,
                "a well-formed cursor for key of %" G_GSIZE_FORMAT " bytes does not decode to it",
                strlen (prefix) + payload_len);

  for (gsize i = 0; i < N_STORES; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *pages = scan_all (stores[i], prefix, cursor, limit, last, &error);
      if (!decoded)
        {
          FUZZ_CHECK (T, pages == NULL,
                      "store %" G_GSIZE_FORMAT " scans from a cursor the decoder refuses", i);
          FUZZ_CHECK (T, g_error_matches (error, KV_ERROR, KV_ERROR_INVALID_CURSOR),
                      "store %" G_GSIZE_FORMAT " refuses a bad cursor with %s: %s", i,
                      kv_error_code_get_name (error->code), error->message);
          continue;
        }
      FUZZ_CHECK (T, pages != NULL,
                  "store %" G_GSIZE_FORMAT " refuses a cursor the decoder accepts: %s (%s)", i,
                  kv_error_code_get_name (error->code), error->message);
      if (i == 0)
        first_pages = g_steal_pointer (&pages);
      else
        FUZZ_CHECK (T, g_str_equal (pages, first_pages),
                    "store %" G_GSIZE_FORMAT " scans other keys than store 0:\n%s---\n%s", i, pages,
                    first_pages);
    }
  return 0;
}
