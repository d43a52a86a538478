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
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
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

/* Adds one unit in the last place to the @n digits (value 0.DIGITS × 10^*exp10);
 * TRUE, with the digits and *exp10 updated, if the result reads back as @d. */
static gboolean
digits_up_round_trip (char *digits, int n, int *exp10, double d)
{
  char up[32], text[48];
  int exp_up = *exp10;
  int i;

  memcpy (up, digits, (gsize) n);
  for (i = n - 1; i >= 0 && up[i] == '9'; i--)
    up[i] = '0';
  if (i >= 0)
    up[i]++;
  else
    {
      up[0] = '1'; /* 9.99 → 10.0: one more power of ten, same length */
      exp_up++;
    }
  g_snprintf (text, sizeof text, "0.%.*se%d", n, up, exp_up);
  if (g_ascii_strtod (text, NULL) != d)
    return FALSE;
  memcpy (digits, up, (gsize) n);
  *exp10 = exp_up;
  return TRUE;
}

/* Numbers are written the way JavaScript's Number#toString writes them (the
 * shortest digit string that reads back to the same double, fixed notation
 * for exponents in [-7, 21)), so a value JSON.stringify'd by a k6 script and
 * the same value canonicalized here are the same bytes. */
void
_kv_json_append_double (GString *out, double d)
{
  char buf[64];
  char digits[32];
  int ndigits = 0;
  int exp10 = 0;
  const char *e;

  if (d == 0)
    {
      /* -0 is kept (JSON.stringify would write 0): every JavaScript number round-trips. */
      g_string_append (out, signbit (d) ? "-0" : "0");
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

  /* Shortest digits that round-trip: for each length, the correctly rounded
   * string; next to a power of two, whose lower neighbour is twice as close,
   * that one may fall just below the rounding interval while the string one
   * unit above it is inside (2^-1017 is 7.120236347223045e-307, not the
   * 17-digit ...0444), so that one is tried too. */
  for (int precision = 0; precision < 17; precision++)
    {
      char format[16];
      double back;
      /* g_ascii_formatd: a '.' whatever the process locale says. */
      g_snprintf (format, sizeof format, "%%.%de", precision);
      g_ascii_formatd (buf, sizeof buf, format, d);
      ndigits = 0;
      for (const char *p = buf; *p && *p != 'e'; p++)
        if (g_ascii_isdigit (*p))
          digits[ndigits++] = *p;
      e = strchr (buf, 'e');
      exp10 = atoi (e + 1) + 1; /* value = 0.DIGITS × 10^exp10 */
      back = g_ascii_strtod (buf, NULL);
      if (back == d)
        break;
      if (back < d && digits_up_round_trip (digits, ndigits, &exp10, d))
        break;
    }
  while (ndigits > 1 && digits[ndigits - 1] == '0')
    ndigits--;
  digits[ndigits] = '\0';

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
    _kv_json_append_double (out, json_node_get_double (node));
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
    case JSON_NODE_OBJECT:
      write_object (out, json_node_get_object (node));
      break;
    case JSON_NODE_ARRAY:
      write_array (out, json_node_get_array (node));
      break;
    case JSON_NODE_VALUE:
      write_value (out, node);
      break;
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
_kv_json_node_to_canonical (JsonNode *node, gsize *out_len)
{
  GString *out = g_string_sized_new (64);

  g_return_val_if_fail (node != NULL, NULL);
  write_node (out, node);
  if (out_len)
    *out_len = out->len;
  return g_string_free (out, FALSE);
}
