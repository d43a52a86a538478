/* kv-json.c — canonical JSON text: the stored form that makes byte equality value equality.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv-json-private.h"

static void write_node (GString *out, JsonNode *node);

void
_kv_json_append_string_len (GString *out, const char *s, gsize len)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s, *end = p + len; p < end; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
write_string (GString *out, const char *s)
{
  _kv_json_append_string_len (out, s, strlen (s));
}

/* Numbers are written the way JavaScript's Number#toString writes them (the
 * shortest digit string that reads back to the same double, fixed notation
 * for exponents in [-7, 21)), so a value JSON.stringify'd by a k6 script and
 * the same value canonicalized here are the same bytes. */
static void
write_double (GString *out, double d)
{
  char buf[64];
  char digits[32];
  int ndigits = 0;
  int exp10 = 0;
  const char *e;

  if (d == 0)
    {
      g_string_append_c (out, '0'); /* also -0, as JSON.stringify does */
      return;
    }
  if (!isfinite (d))
    {
      g_string_append (out, "null"); /* cannot come from JSON; JSON.stringify's choice */
      return;
    }
  if (d < 0)
    {
      g_string_append_c (out, '-');
      d = -d;
    }

  /* Shortest precision that round-trips, in %e form: "d.ddde±XX". */
  for (int precision = 0; precision < 17; precision++)
    {
      char format[16];
      /* g_ascii_formatd: a '.' whatever the process locale says. */
      g_snprintf (format, sizeof format, "%%.%de", precision);
      g_ascii_formatd (buf, sizeof buf, format, d);
      if (g_ascii_strtod (buf, NULL) == d)
        break;
    }
  for (const char *p = buf; *p && *p != 'e'; p++)
    if (g_ascii_isdigit (*p))
      digits[ndigits++] = *p;
  while (ndigits > 1 && digits[ndigits - 1] == '0')
    ndigits--;
  digits[ndigits] = '\0';
  e = strchr (buf, 'e');
  exp10 = atoi (e + 1) + 1; /* value = 0.DIGITS × 10^exp10 */

  if (ndigits <= exp10 && exp10 <= 21)
    {
      g_string_append (out, digits);
      for (int i = ndigits; i < exp10; i++)
        g_string_append_c (out, '0');
    }
  else if (0 < exp10 && exp10 <= 21)
    {
      g_string_append_len (out, digits, exp10);
      g_string_append_c (out, '.');
      g_string_append (out, digits + exp10);
    }
  else if (-6 < exp10 && exp10 <= 0)
    {
      g_string_append (out, "0.");
      for (int i = exp10; i < 0; i++)
        g_string_append_c (out, '0');
      g_string_append (out, digits);
    }
  else
    {
      g_string_append_c (out, digits[0]);
      if (ndigits > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%c%d", exp10 - 1 < 0 ? '-' : '+', abs (exp10 - 1));
    }
}

static void
write_value (GString *out, JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (type == G_TYPE_DOUBLE)
    write_double (out, json_node_get_double (node));
  else if (type == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
  else if (type == G_TYPE_STRING)
    write_string (out, json_node_get_string (node));
  else
    g_string_append (out, "null");
}

static int
compare_member_names (gconstpointer a, gconstpointer b)
{
  /* strcmp on UTF-8 is code point order: bytewise, as our keys are ordered. */
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
write_object (GString *out, JsonObject *obj)
{
  GList *members = json_object_get_members (obj);
  guint n = g_list_length (members);
  g_autofree const char **names = g_new (const char *, n + 1);
  guint i = 0;

  for (GList *l = members; l; l = l->next)
    names[i++] = l->data;
  g_list_free (members);
  qsort (names, n, sizeof *names, compare_member_names);

  g_string_append_c (out, '{');
  for (i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      write_string (out, names[i]);
      g_string_append_c (out, ':');
      write_node (out, json_object_get_member (obj, names[i]));
    }
  g_string_append_c (out, '}');
}

static void
write_array (GString *out, JsonArray *arr)
{
  guint n = json_array_get_length (arr);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      write_node (out, json_array_get_element (arr, i));
    }
  g_string_append_c (out, ']');
}

static void
write_node (GString *out, JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT: write_object (out, json_node_get_object (node)); break;
    case JSON_NODE_ARRAY: write_array (out, json_node_get_array (node)); break;
    case JSON_NODE_VALUE: write_value (out, node); break;
    case JSON_NODE_NULL:
    default: g_string_append (out, "null"); break;
    }
}

char *
kv_json_node_to_canonical (JsonNode *node, gsize *out_len)
{
  GString *out = g_string_sized_new (64);

  g_return_val_if_fail (node != NULL, NULL);
  write_node (out, node);
  if (out_len)
    *out_len = out->len;
  return g_string_free (out, FALSE);
}


/* ---- Strict syntax check ------------------------------------------------------------------ */

/* json-glib 1.6 accepts more than JSON (single quotes, hex numbers, comments,
 * unknown escapes) and parses recursively without a depth limit. Values
 * arriving from outside are checked against RFC 8259 first, with a nesting
 * limit, so that what we store is JSON every other tool reads the same way
 * and a hostile document cannot exhaust the stack. */
#define KV_JSON_MAX_DEPTH 512

typedef struct
{
  const char *p;
  const char *end;
  const char *problem;
} Scanner;

static gboolean scan_value (Scanner *s, int depth);

static void
skip_ws (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static gboolean
fail (Scanner *s, const char *problem)
{
  if (s->problem == NULL)
    s->problem = problem;
  return FALSE;
}

static gboolean
scan_literal (Scanner *s, const char *word)
{
  gsize n = strlen (word);
  if ((gsize) (s->end - s->p) < n || memcmp (s->p, word, n) != 0)
    return fail (s, "unexpected character");
  s->p += n;
  return TRUE;
}

static gboolean
scan_digits (Scanner *s)
{
  const char *start = s->p;
  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;
  return s->p > start;
}

static gboolean
scan_number (Scanner *s)
{
  if (s->p < s->end && *s->p == '-')
    s->p++;
  if (s->p < s->end && *s->p == '0')
    s->p++;
  else if (!(s->p < s->end && *s->p >= '1' && *s->p <= '9') || !scan_digits (s))
    return fail (s, "malformed number");
  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      if (!scan_digits (s))
        return fail (s, "malformed number");
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!scan_digits (s))
        return fail (s, "malformed number");
    }
  return TRUE;
}

static gboolean
scan_string (Scanner *s)
{
  s->p++; /* opening quote */
  while (s->p < s->end)
    {
      unsigned char c = (unsigned char) *s->p++;
      if (c == '"')
        return TRUE;
      if (c < 0x20)
        return fail (s, "unescaped control character in string");
      if (c != '\\')
        continue;
      if (s->p >= s->end)
        break;
      c = (unsigned char) *s->p++;
      if (c == 'u')
        {
          for (int i = 0; i < 4; i++, s->p++)
            if (s->p >= s->end || !g_ascii_isxdigit (*s->p))
              return fail (s, "malformed \\u escape");
        }
      else if (!strchr ("\"\\/bfnrt", c) || c == '\0')
        return fail (s, "unknown escape in string");
    }
  return fail (s, "unterminated string");
}

static gboolean
scan_container (Scanner *s, int depth, char close, gboolean members)
{
  if (depth >= KV_JSON_MAX_DEPTH)
    return fail (s, "nested deeper than " G_STRINGIFY (KV_JSON_MAX_DEPTH) " levels");
  s->p++; /* opening bracket */
  skip_ws (s);
  if (s->p < s->end && *s->p == close)
    {
      s->p++;
      return TRUE;
    }
  for (;;)
    {
      skip_ws (s);
      if (members)
        {
          if (s->p >= s->end || *s->p != '"')
            return fail (s, "expected a member name");
          if (!scan_string (s))
            return FALSE;
          skip_ws (s);
          if (s->p >= s->end || *s->p != ':')
            return fail (s, "expected ':'");
          s->p++;
        }
      if (!scan_value (s, depth + 1))
        return FALSE;
      skip_ws (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          continue;
        }
      if (s->p < s->end && *s->p == close)
        {
          s->p++;
          return TRUE;
        }
      return fail (s, members ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static gboolean
scan_value (Scanner *s, int depth)
{
  skip_ws (s);
  if (s->p >= s->end)
    return fail (s, "unexpected end of text");
  switch (*s->p)
    {
    case '{': return scan_container (s, depth, '}', TRUE);
    case '[': return scan_container (s, depth, ']', FALSE);
    case '"': return scan_string (s);
    case 't': return scan_literal (s, "true");
    case 'f': return scan_literal (s, "false");
    case 'n': return scan_literal (s, "null");
    default:
      if (*s->p == '-' || g_ascii_isdigit (*s->p))
        return scan_number (s);
      return fail (s, "unexpected character");
    }
}

static gboolean
check_strict_syntax (const char *json, gsize len, GError **error)
{
  Scanner s = { json, json + len, NULL };

  if (!g_utf8_validate_len (json, len, NULL))
    s.problem = "text is not valid UTF-8";
  else if (scan_value (&s, 0))
    {
      skip_ws (&s);
      if (s.p == s.end)
        return TRUE;
      s.problem = "unexpected text after the value";
    }
  g_set_error (error, KV_ERROR, KV_ERROR_SERIALIZER, "value is not valid JSON: %s at byte %" G_GSIZE_FORMAT,
               s.problem, (gsize) (s.p - json));
  return FALSE;
}

gboolean
_kv_json_check (const char *json, gsize len, GError **error)
{
  return check_strict_syntax (json, len, error);
}

JsonNode *
_kv_json_parse_strict (const char *json, gsize len, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local = NULL;
  JsonNode *root;

  /* json-glib stops at an embedded NUL; such text is not JSON anyway. */
  if (memchr (json, '\0', len) != NULL)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SERIALIZER, "value is not valid JSON: it contains a NUL byte");
      return NULL;
    }
  if (!check_strict_syntax (json, len, error))
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, (gssize) len, &local))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SERIALIZER, "value is not valid JSON: %s",
                   local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SERIALIZER, "value is not valid JSON: it is empty");
      return NULL;
    }
  return json_node_ref (root);
}

char *
kv_json_canonicalize (const char *json, gssize len, gsize *out_len, GError **error)
{
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  if (len < 0)
    len = (gssize) strlen (json);
  root = _kv_json_parse_strict (json, (gsize) len, error);
  if (root == NULL)
    return NULL;
  return kv_json_node_to_canonical (root, out_len);
}

