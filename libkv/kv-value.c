/* kv-value.c — key validation and value encoding shared by the store and every backend.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-value-private.h"

const char *
_kv_key_problem (const char *key)
{
  gsize len;

  if (key == NULL || *key == '\0')
    return "key must be a non-empty string";
  len = strlen (key);
  if (len > KV_MAX_KEY_LENGTH)
    return "key is longer than " G_STRINGIFY (KV_MAX_KEY_LENGTH) " bytes";
  if (!g_utf8_validate_len (key, len, NULL))
    return "key is not valid UTF-8";
  return NULL;
}

gboolean
_kv_key_validate (const char *key, GError **error)
{
  const char *problem = _kv_key_problem (key);

  if (problem == NULL)
    return TRUE;
  /* Quote a prefix only: the key may be huge or not text. */
  if (key && *key && g_utf8_validate (key, -1, NULL))
    g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS, "%s: \"%.40s%s\"", problem, key,
                 strlen (key) > 40 ? "…" : "");
  else
    g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS, problem);
  return FALSE;
}

gboolean
_kv_prefix_validate (const char *prefix, gboolean required, GError **error)
{
  if (prefix == NULL || *prefix == '\0')
    {
      if (!required)
        return TRUE;
      g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                           "prefix is required and must be a non-empty string");
      return FALSE;
    }
  if (strlen (prefix) > KV_MAX_KEY_LENGTH || !g_utf8_validate (prefix, -1, NULL))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                   "prefix must be valid UTF-8 of at most %d bytes", KV_MAX_KEY_LENGTH);
      return FALSE;
    }
  return TRUE;
}

gboolean
_kv_limit_validate (gint64 value, gint64 cap, const char *what, guint64 *out, GError **error)
{
  if (value > cap)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                   "%s %" G_GINT64_FORMAT " is above the maximum of %" G_GINT64_FORMAT, what, value,
                   cap);
      return FALSE;
    }
  *out = value > 0 ? (guint64) value : 0;
  return TRUE;
}

GBytes *
_kv_bytes_new (const char *data, gsize len)
{
  char *copy = g_malloc (len + 1);

  if (len)
    memcpy (copy, data, len);
  copy[len] = '\0';
  return g_bytes_new_take (copy, len);
}

GBytes *
_kv_value_encode (KvSerialization mode, const char *data, gsize len, GError **error)
{
  char *canonical;
  gsize canonical_len;

  if (data == NULL && len > 0)
    {
      g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS, "value is NULL");
      return NULL;
    }
  if (len > KV_MAX_VALUE_SIZE)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                   "value is %" G_GSIZE_FORMAT " bytes; the limit is %u bytes", len,
                   KV_MAX_VALUE_SIZE);
      return NULL;
    }
  if (mode == KV_SERIALIZATION_STRING)
    return _kv_bytes_new (data ? data : "", len);

  canonical = kv_json_canonicalize (data ? data : "", (gssize) len, &canonical_len, error);
  if (canonical == NULL)
    return NULL;
  if (canonical_len > KV_MAX_VALUE_SIZE)
    {
      g_free (canonical);
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                   "value is %" G_GSIZE_FORMAT " bytes as canonical JSON; the limit is %u bytes",
                   canonical_len, KV_MAX_VALUE_SIZE);
      return NULL;
    }
  /* kv_json_canonicalize NUL-terminates, so the buffer can be taken as is. */
  return g_bytes_new_take (canonical, canonical_len);
}

static gboolean
parse_integer_text (const char *text, gsize len, gint64 *out)
{
  char buf[24];

  /* An optional '-' and 1..19 digits; no '+', spaces, fractions or exponents. */
  if (len == 0 || len >= sizeof buf)
    return FALSE;
  memcpy (buf, text, len);
  buf[len] = '\0';
  if (strspn (buf + (buf[0] == '-'), "0123456789") != len - (buf[0] == '-') ||
      len == (gsize) (buf[0] == '-'))
    return FALSE;
  return g_ascii_string_to_signed (buf, 10, G_MININT64, G_MAXINT64, out, NULL);
}

gboolean
_kv_value_to_int64 (GBytes *value, KvSerialization mode, gint64 *out, GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (value, &len);

  if (mode == KV_SERIALIZATION_JSON && len >= 2 && data[0] == '"' && data[len - 1] == '"')
    {
      /* A JSON string holding an integer; canonical text escapes nothing in digits. */
      data++;
      len -= 2;
    }
  if (parse_integer_text (data, len, out))
    return TRUE;
  g_set_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE, "stored value %.*s%s is not a 64-bit integer",
               (int) MIN (len, 40), data, len > 40 ? "…" : "");
  return FALSE;
}

GBytes *
_kv_value_from_int64 (gint64 value)
{
  char buf[24];
  int n = g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);

  return _kv_bytes_new (buf, (gsize) n);
}

const char *
_kv_serialization_name (KvSerialization mode)
{
  return mode == KV_SERIALIZATION_JSON ? "json" : "string";
}

char *
_kv_bytes_shown (const char *data, gsize len, gsize max)
{
  GString *out = g_string_new (NULL);

  /* g_strescape stops at a NUL: escape one byte at a time. */
  for (gsize i = 0; i < MIN (len, max); i++)
    {
      if (data[i] == '\0')
        g_string_append (out, "\\0");
      else
        {
          char one[2] = { data[i], 0 };
          g_autofree char *e = g_strescape (one, NULL);
          g_string_append (out, e);
        }
    }
  return g_string_free (out, FALSE);
}
