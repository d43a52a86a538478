/* fuzz-json.c — canonical JSON: kv_json_canonicalize() on any bytes.
 *
 * Properties: a success is valid UTF-8 without insignificant whitespace and
 * canonicalizes to itself byte for byte (canonical form is a fixed point); a
 * refusal is a KV_ERROR with a valid UTF-8 message.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz/fuzz-properties.h"

#define T "json"

/* Offset of the first whitespace byte outside a string literal, or -1. */
static gssize
insignificant_whitespace (const char *text, gsize len)
{
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];
      if (in_string)
        {
          if (c == '\\')
            i++; /* the escaped character, whatever it is */
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        return (gssize) i;
    }
  return -1;
}

int
fuzz_one_json (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *again = NULL;
  gsize len = 0, again_len = 0;
  g_autofree char *out = kv_json_canonicalize ((const char *) data, (gssize) size, &len, &error);
  gssize ws;

  if (out == NULL)
    {
      fuzz_check_error (T, "kv_json_canonicalize", error);
      return 0;
    }
  FUZZ_CHECK (T, error == NULL, "success with an error set: %s", error->message);
  FUZZ_CHECK (T, out[len] == '\0', "the result is not NUL-terminated at out_len");
  /* g_utf8_validate() with a length also refuses NUL bytes: a raw NUL is not JSON either. */
  FUZZ_CHECK (T, g_utf8_validate (out, (gssize) len, NULL),
              "the canonical form is not valid UTF-8 (or holds a NUL)");
  ws = insignificant_whitespace (out, len);
  FUZZ_CHECK (T, ws < 0,
              "insignificant whitespace at byte %" G_GSSIZE_FORMAT " of the canonical form", ws);
  again = kv_json_canonicalize (out, (gssize) len, &again_len, &error);
  FUZZ_CHECK (T, again != NULL, "the canonical form does not canonicalize again: %s",
              error->message);
  FUZZ_CHECK (T, again_len == len && memcmp (again, out, len) == 0,
              "canonicalizing the canonical form changes it:\n  once:  %s\n  twice: %s", out,
              again);
  return 0;
}
