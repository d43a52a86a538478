/* kv-json-canonical.c — JSON text to canonical JSON text in one strict pass, and a reader for
 * canonical text.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kv-json-private.h"

/* Values are canonicalized straight from their text, not through json-glib:
 * json-glib 1.6 accepts more than JSON (single quotes, hex numbers, comments,
 * unknown escapes), parses recursively without a depth limit, reads integer
 * literals beyond 64 bits as wrapped gint64s, and decodes strings into
 * NUL-terminated C strings, so "a\u0000b" would become "a" (issue 10, D1,
 * D2). Here the text is checked against RFC 8259 as it is rewritten, nesting
 * is limited, strings are decoded into counted bytes, and each number literal
 * is read by strtoll/strtod from its own digits. */
#define KV_JSON_MAX_DEPTH 512

typedef struct
{
  gsize start; /* the member's text in out: "name":value */
  gsize end;
  gsize name; /* its decoded name in names */
  gsize name_len;
  const char *name_ptr; /* set once the object is complete (names no longer moves) */
  guint index;
} Member;

typedef struct
{
  const char *text;
  const char *p;
  const char *end;
  GString *out;
  GString *names;   /* decoded member names of the open objects, innermost last */
  GString *str;     /* the string being decoded */
  GArray *members;  /* Member, of the open objects, innermost last */
  GArray *spans;    /* Span: the members of the objects in reorders, in canonical order */
  GArray *reorders; /* Reorder: the objects written out of canonical order */
  const char *problem;
  char problem_buf[64];
} Canon;

/* Objects are written in text order as they are read. One that is not in
 * canonical order (or repeats a name) is recorded, and the text is then
 * written again, once, with each recorded object's members in order
 * (emit_range): moving an object's text as soon as it ends would move a
 * deep value once per enclosing object (512 levels × 64 MiB). */
typedef struct
{
  gsize start, end;
} Span;

typedef struct
{
  gsize open, end; /* the object's text, braces included */
  guint first, n;  /* its members in spans */
} Reorder;

static gboolean canon_value (Canon *c, int depth);

static gboolean
fail (Canon *c, const char *problem)
{
  if (c->problem == NULL)
    c->problem = problem;
  return FALSE;
}

static void
skip_ws (Canon *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static gboolean
canon_literal (Canon *c, const char *word)
{
  gsize n = strlen (word);
  if ((gsize) (c->end - c->p) < n || memcmp (c->p, word, n) != 0)
    return fail (c, "unexpected character");
  c->p += n;
  g_string_append (c->out, word);
  return TRUE;
}

static gboolean
scan_digits (Canon *c)
{
  const char *start = c->p;
  while (c->p < c->end && g_ascii_isdigit (*c->p))
    c->p++;
  return c->p > start;
}

/* An integer literal that fits in 64 bits is kept digit for digit (counters
 * beyond 2^53 stay exact); every other number is the double strtod reads,
 * correctly rounded as JSON.parse reads it, written as Number#toString does.
 * A literal beyond the double range (1e400) is refused: it has no value to
 * keep (JSON.parse makes it Infinity, which JSON cannot write back). */
static gboolean
canon_number (Canon *c)
{
  const char *start = c->p;
  gboolean integer = TRUE;
  g_autofree char *heap = NULL;
  char stack[64];
  char *text;
  gsize n;
  double d;

  if (c->p < c->end && *c->p == '-')
    c->p++;
  if (c->p < c->end && *c->p == '0')
    c->p++;
  else if (!(c->p < c->end && *c->p >= '1' && *c->p <= '9') || !scan_digits (c))
    return fail (c, "malformed number");
  if (c->p < c->end && *c->p == '.')
    {
      integer = FALSE;
      c->p++;
      if (!scan_digits (c))
        return fail (c, "malformed number");
    }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E'))
    {
      integer = FALSE;
      c->p++;
      if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
        c->p++;
      if (!scan_digits (c))
        return fail (c, "malformed number");
    }

  n = (gsize) (c->p - start);
  text = n < sizeof stack ? stack : (heap = g_malloc (n + 1));
  memcpy (text, start, n);
  text[n] = '\0';
  if (integer)
    {
      gint64 v;
      char *endp;
      errno = 0;
      v = g_ascii_strtoll (text, &endp, 10);
      if (errno == 0 && endp == text + n)
        {
          /* -0 stays -0, as JSON.parse reads it: a JavaScript number
           * round-trips exactly, and Go's encoding/json (xk6-kv) keeps it too. */
          if (v == 0 && text[0] == '-')
            g_string_append (c->out, "-0");
          else
            g_string_append_printf (c->out, "%" G_GINT64_FORMAT, v);
          return TRUE;
        }
    }
  d = g_ascii_strtod (text, NULL);
  if (isinf (d))
    {
      c->p = start;
      return fail (c, "number is beyond the range of a double");
    }
  _kv_json_append_double (c->out, d);
  return TRUE;
}

static int
hex4 (const char *p)
{
  int v = 0;
  for (int i = 0; i < 4; i++)
    {
      int x = g_ascii_xdigit_value (p[i]);
      if (x < 0)
        return -1;
      v = v * 16 + x;
    }
  return v;
}

/* Decodes the string at c->p (its opening quote) into @into, as bytes: NUL
 * included, surrogate pairs joined into UTF-8. An unpaired surrogate escape
 * has no UTF-8 form and is refused. The text was checked to be UTF-8. */
static gboolean
decode_string (Canon *c, GString *into)
{
  c->p++; /* opening quote */
  while (c->p < c->end)
    {
      const char *run = c->p;
      unsigned char ch;

      while (c->p < c->end && *c->p != '"' && *c->p != '\\' && (unsigned char) *c->p >= 0x20)
        c->p++;
      g_string_append_len (into, run, c->p - run);
      if (c->p >= c->end)
        break;
      ch = (unsigned char) *c->p;
      if (ch == '"')
        {
          c->p++;
          return TRUE;
        }
      if (ch < 0x20)
        return fail (c, "unescaped control character in string");
      /* A backslash. */
      if (c->p + 1 >= c->end)
        break;
      ch = (unsigned char) c->p[1];
      if (ch == 'u')
        {
          const char *esc = c->p;
          int u = c->end - c->p >= 6 ? hex4 (c->p + 2) : -1;
          if (u < 0)
            return fail (c, "malformed \\u escape");
          c->p += 6;
          if (u >= 0xD800 && u <= 0xDBFF)
            {
              int lo =
                  c->end - c->p >= 6 && c->p[0] == '\\' && c->p[1] == 'u' ? hex4 (c->p + 2) : -1;
              if (lo >= 0xDC00 && lo <= 0xDFFF)
                {
                  c->p += 6;
                  u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                }
              else
                u = -u;
            }
          else if (u >= 0xDC00 && u <= 0xDFFF)
            u = -u;
          if (u < 0)
            {
              c->p = esc;
              g_snprintf (c->problem_buf, sizeof c->problem_buf,
                          "unpaired surrogate \\u%04x (not Unicode)", -u);
              return fail (c, c->problem_buf);
            }
          g_string_append_unichar (into, (gunichar) u);
          continue;
        }
      switch (ch)
        {
        case '"':
          g_string_append_c (into, '"');
          break;
        case '\\':
          g_string_append_c (into, '\\');
          break;
        case '/':
          g_string_append_c (into, '/');
          break;
        case 'b':
          g_string_append_c (into, '\b');
          break;
        case 'f':
          g_string_append_c (into, '\f');
          break;
        case 'n':
          g_string_append_c (into, '\n');
          break;
        case 'r':
          g_string_append_c (into, '\r');
          break;
        case 't':
          g_string_append_c (into, '\t');
          break;
        default:
          return fail (c, "unknown escape in string");
        }
      c->p += 2;
    }
  return fail (c, "unterminated string");
}

static gboolean
canon_string (Canon *c)
{
  g_string_truncate (c->str, 0);
  if (!decode_string (c, c->str))
    return FALSE;
  _kv_json_append_string_len (c->out, c->str->str, c->str->len);
  return TRUE;
}

static int
compare_members (const void *a, const void *b)
{
  const Member *x = a, *y = b;
  int r = memcmp (x->name_ptr, y->name_ptr, MIN (x->name_len, y->name_len));

  if (r == 0 && x->name_len != y->name_len)
    r = x->name_len < y->name_len ? -1 : 1;
  if (r == 0)
    r = x->index < y->index ? -1 : 1;
  return r;
}

static gboolean
same_name (const Member *x, const Member *y)
{
  return x->name_len == y->name_len && memcmp (x->name_ptr, y->name_ptr, x->name_len) == 0;
}

/* The members were written in text order; if that is not canonical order
 * (bytewise by decoded name, i.e. code point order) or a name repeats,
 * records the object with its members sorted, keeping the last of a repeated
 * name as JSON.parse does. Text already canonical is recorded nowhere. */
static void
finish_object (Canon *c, guint first, gsize open)
{
  Member *m = &g_array_index (c->members, Member, first);
  guint n = c->members->len - first;
  gboolean sorted = TRUE;
  Reorder r = { open, 0, c->spans->len, 0 };

  for (guint i = 0; i < n; i++)
    m[i].name_ptr = c->names->str + m[i].name;
  for (guint i = 1; i < n && sorted; i++)
    sorted = compare_members (&m[i - 1], &m[i]) < 0 && !same_name (&m[i - 1], &m[i]);
  if (sorted)
    return;
  qsort (m, n, sizeof *m, compare_members);
  for (guint i = 0; i < n; i++)
    {
      Span span = { m[i].start, m[i].end };
      if (i + 1 < n && same_name (&m[i], &m[i + 1]))
        continue;
      g_array_append_val (c->spans, span);
      r.n++;
    }
  g_array_append_val (c->reorders, r); /* its end is set once '}' is written */
}

static int
compare_reorders (const void *a, const void *b)
{
  const Reorder *x = a, *y = b;
  return x->open < y->open ? -1 : x->open > y->open;
}

static void emit_range (const Canon *c, GString *final, gsize from, gsize to);

static void
emit_object (const Canon *c, GString *final, const Reorder *r)
{
  g_string_append_c (final, '{');
  for (guint i = 0; i < r->n; i++)
    {
      const Span *span = &g_array_index (c->spans, Span, r->first + i);
      if (i > 0)
        g_string_append_c (final, ',');
      emit_range (c, final, span->start, span->end);
    }
  g_string_append_c (final, '}');
}

/* Copies c->out[from, to) to @final, writing each recorded object in it in
 * canonical order. Recorded objects are sorted by position; one inside
 * another is reached through the outer one's members. */
static void
emit_range (const Canon *c, GString *final, gsize from, gsize to)
{
  const Reorder *r = (const Reorder *) (gpointer) c->reorders->data;
  guint n = c->reorders->len, lo = 0, hi = n;

  while (lo < hi) /* the first recorded object at or after from */
    {
      guint mid = lo + (hi - lo) / 2;
      if (r[mid].open < from)
        lo = mid + 1;
      else
        hi = mid;
    }
  while (lo < n && r[lo].open < to)
    {
      const Reorder *obj = &r[lo];
      g_string_append_len (final, c->out->str + from, (gssize) (obj->open - from));
      emit_object (c, final, obj);
      from = obj->end;
      while (lo < n && r[lo].open < from) /* skip the objects nested in it */
        lo++;
    }
  g_string_append_len (final, c->out->str + from, (gssize) (to - from));
}

static gboolean
canon_container (Canon *c, int depth, char close, gboolean object)
{
  guint first = c->members->len;
  gsize names_mark = c->names->len;
  gsize body;
  gboolean ok = FALSE;

  if (depth >= KV_JSON_MAX_DEPTH)
    return fail (c, "nested deeper than " G_STRINGIFY (KV_JSON_MAX_DEPTH) " levels");
  c->p++; /* opening bracket */
  g_string_append_c (c->out, object ? '{' : '[');
  body = c->out->len;
  skip_ws (c);
  if (c->p < c->end && *c->p == close)
    {
      c->p++;
      g_string_append_c (c->out, close);
      return TRUE;
    }
  for (;;)
    {
      Member m = { 0 };

      skip_ws (c);
      if (c->out->len > body)
        g_string_append_c (c->out, ',');
      if (object)
        {
          m.start = c->out->len;
          m.index = c->members->len - first;
          if (c->p >= c->end || *c->p != '"')
            {
              fail (c, "expected a member name");
              break;
            }
          m.name = c->names->len;
          if (!decode_string (c, c->names))
            break;
          m.name_len = c->names->len - m.name;
          _kv_json_append_string_len (c->out, c->names->str + m.name, m.name_len);
          skip_ws (c);
          if (c->p >= c->end || *c->p != ':')
            {
              fail (c, "expected ':'");
              break;
            }
          c->p++;
          g_string_append_c (c->out, ':');
        }
      if (!canon_value (c, depth + 1))
        break;
      if (object)
        {
          m.end = c->out->len;
          g_array_append_val (c->members, m);
        }
      skip_ws (c);
      if (c->p < c->end && *c->p == ',')
        {
          c->p++;
          continue;
        }
      if (c->p < c->end && *c->p == close)
        {
          c->p++;
          ok = TRUE;
          break;
        }
      fail (c, object ? "expected ',' or '}'" : "expected ',' or ']'");
      break;
    }
  if (ok && object)
    {
      guint recorded = c->reorders->len;
      finish_object (c, first, body - 1);
      g_string_append_c (c->out, close);
      if (c->reorders->len > recorded)
        g_array_index (c->reorders, Reorder, recorded).end = c->out->len;
    }
  else if (ok)
    g_string_append_c (c->out, close);
  g_array_set_size (c->members, first);
  g_string_truncate (c->names, names_mark);
  return ok;
}

static gboolean
canon_value (Canon *c, int depth)
{
  skip_ws (c);
  if (c->p >= c->end)
    return fail (c, "unexpected end of text");
  switch (*c->p)
    {
    case '{':
      return canon_container (c, depth, '}', TRUE);
    case '[':
      return canon_container (c, depth, ']', FALSE);
    case '"':
      return canon_string (c);
    case 't':
      return canon_literal (c, "true");
    case 'f':
      return canon_literal (c, "false");
    case 'n':
      return canon_literal (c, "null");
    default:
      if (*c->p == '-' || g_ascii_isdigit (*c->p))
        return canon_number (c);
      return fail (c, "unexpected character");
    }
}

char *
kv_json_canonicalize (const char *json, gssize len, gsize *out_len, GError **error)
{
  Canon c = { 0 };
  const char *bad = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (json != NULL, NULL);

  if (len < 0)
    len = (gssize) strlen (json);
  c.text = c.p = json;
  c.end = json + len;
  if (memchr (json, '\0', (gsize) len) != NULL)
    {
      /* Raw NUL is never JSON (inside a string it is written \u0000). */
      c.p = memchr (json, '\0', (gsize) len);
      fail (&c, "a NUL byte");
    }
  else if (!g_utf8_validate_len (json, (gsize) len, &bad))
    {
      c.p = bad;
      fail (&c, "text is not valid UTF-8");
    }
  else
    {
      c.out = g_string_sized_new ((gsize) len + 1);
      c.names = g_string_new (NULL);
      c.str = g_string_new (NULL);
      c.members = g_array_new (FALSE, FALSE, sizeof (Member));
      c.spans = g_array_new (FALSE, FALSE, sizeof (Span));
      c.reorders = g_array_new (FALSE, FALSE, sizeof (Reorder));
      if (canon_value (&c, 0))
        {
          skip_ws (&c);
          if (c.p == c.end)
            ok = TRUE;
          else
            fail (&c, "unexpected text after the value");
        }
      if (ok && c.reorders->len > 0)
        {
          GString *final = g_string_sized_new (c.out->len + 1);
          qsort (c.reorders->data, c.reorders->len, sizeof (Reorder), compare_reorders);
          emit_range (&c, final, 0, c.out->len);
          g_string_free (c.out, TRUE);
          c.out = final;
        }
      g_string_free (c.names, TRUE);
      g_string_free (c.str, TRUE);
      g_array_unref (c.members);
      g_array_unref (c.spans);
      g_array_unref (c.reorders);
    }
  if (ok)
    {
      if (out_len)
        *out_len = c.out->len;
      return g_string_free (c.out, FALSE);
    }
  if (c.out)
    g_string_free (c.out, TRUE);
  /* Messages are fixed text and offsets: never bytes of the input, which may not be UTF-8. */
  g_set_error (error, KV_ERROR, KV_ERROR_SERIALIZER,
               "value is not valid JSON: %s at byte %" G_GSIZE_FORMAT, c.problem,
               (gsize) (c.p - json));
  return NULL;
}

gboolean
_kv_json_check (const char *json, gsize len, GError **error)
{
  g_autofree char *canonical = kv_json_canonicalize (json, (gssize) len, NULL, error);
  return canonical != NULL;
}

/* ---- Reading canonical text --------------------------------------------------------------- */

/* Canonical text has no whitespace and is known to be valid, so skipping a
 * value only has to find its end: strings by their closing quote, containers
 * by bracket depth outside strings. */
static const char *
skip_string (const char *p, const char *end)
{
  for (p++; p < end && *p != '"'; p++)
    if (*p == '\\')
      p++;
  return p < end ? p + 1 : end;
}

static const char *
skip_value (const char *p, const char *end)
{
  int depth = 0;

  while (p < end)
    {
      switch (*p)
        {
        case '"':
          p = skip_string (p, end);
          if (depth == 0)
            return p;
          continue;
        case '{':
        case '[':
          depth++;
          break;
        case '}':
        case ']':
          if (depth == 0)
            return p; /* the end of the enclosing object */
          if (--depth == 0)
            return p + 1;
          break;
        case ',':
          if (depth == 0)
            return p;
          break;
        default:
          break;
        }
      p++;
    }
  return p;
}

gboolean
_kv_json_members_init (KvJsonMembers *it, const char *canonical, gsize len)
{
  it->p = canonical;
  it->end = canonical + len;
  if (len < 2 || canonical[0] != '{')
    return FALSE;
  it->p++;
  return TRUE;
}

gboolean
_kv_json_members_next (KvJsonMembers *it, const char **name, gsize *name_len, const char **value,
                       gsize *value_len)
{
  const char *v;

  if (it->p < it->end && *it->p == ',')
    it->p++;
  if (it->p >= it->end || *it->p != '"')
    return FALSE;
  *name = it->p;
  it->p = skip_string (it->p, it->end);
  *name_len = (gsize) (it->p - *name);
  it->p++; /* ':' */
  v = it->p;
  it->p = skip_value (it->p, it->end);
  *value = v;
  *value_len = (gsize) (it->p - v);
  return TRUE;
}

void
_kv_json_string_decode (const char *quoted, gsize len, GString *into)
{
  Canon c = { 0 };

  c.text = c.p = quoted;
  c.end = quoted + len;
  g_string_truncate (into, 0);
  (void) decode_string (&c, into); /* canonical text: cannot fail */
}
