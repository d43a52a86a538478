/* kv-csv.c — CSV (RFC 4180) export, import and validation.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-file-private.h"
#include "kv-json-private.h"
#include "kv-store-private.h"
#include "kv-value-private.h"

/* A row (a record, possibly over several lines) longer than this is refused. */
#define MAX_ROW (64u * 1024u * 1024u)

static gboolean
check_delimiter (char *delimiter, GError **error)
{
  if (*delimiter == '\0')
    *delimiter = ',';
  /* One ASCII byte: a byte of a multi-byte UTF-8 character would split characters. */
  if (*delimiter == '\r' || *delimiter == '\n' || *delimiter == '"' ||
      (unsigned char) *delimiter >= 0x80)
    {
      g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                           "delimiter must be one ASCII character other than CR, LF and '\"'");
      return FALSE;
    }
  return TRUE;
}

/* ---- Export ------------------------------------------------------------------------------- */

static void
append_field (GString *out, const char *s, gsize len, char delimiter)
{
  gboolean quote = FALSE;

  for (gsize i = 0; i < len && !quote; i++)
    quote = s[i] == delimiter || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  if (!quote)
    {
      g_string_append_len (out, s, (gssize) len);
      return;
    }
  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, s[i]);
    }
  g_string_append_c (out, '"');
}

typedef struct
{
  const char *const *columns;
  gsize n_columns;
  char delimiter;
  gboolean include_key;
  GHashTable *index; /* a column's name as a canonical JSON string → its position + 1 */
  const char **cell; /* per column: the row's member value (canonical text), or NULL */
  gsize *cell_len;
  GString *text; /* a decoded string cell */
} RowFormat;

/* The cell of a scalar member: a string's text, a number or boolean as its
 * canonical JSON, null as nothing. Stored values are read from their
 * canonical text, not through json-glib, so big numbers and NULs are not
 * mangled (issue 10, D1/D2). */
static gboolean
append_cell (GString *out, RowFormat *f, gsize c, const char *key, GError **error)
{
  const char *v = f->cell[c];
  gsize len = f->cell_len[c];

  if (v == NULL || (len == 4 && memcmp (v, "null", 4) == 0))
    return TRUE; /* empty cell */
  if (v[0] == '{' || v[0] == '[')
    {
      g_set_error (error, KV_ERROR, KV_ERROR_UNSUPPORTED_VALUE_TYPE,
                   "the value of key \"%.200s\" has a nested %s in column \"%s\"; CSV cells "
                   "are strings, numbers, booleans or null",
                   key, v[0] == '[' ? "array" : "object", f->columns[c]);
      return FALSE;
    }
  if (v[0] != '"')
    {
      append_field (out, v, len, f->delimiter);
      return TRUE;
    }
  _kv_json_string_decode (v, len, f->text);
  if (memchr (f->text->str, '\0', f->text->len))
    {
      /* The importer refuses a raw NUL; writing one would make a file that does not read back. */
      g_set_error (error, KV_ERROR, KV_ERROR_UNSUPPORTED_VALUE_TYPE,
                   "the value of key \"%.200s\" holds a NUL character in column \"%s\"; CSV "
                   "cells cannot hold it",
                   key, f->columns[c]);
      return FALSE;
    }
  append_field (out, f->text->str, f->text->len, f->delimiter);
  return TRUE;
}

static gboolean
format_row (GString *out, KvEntry *entry, gpointer data, GError **error)
{
  RowFormat *f = data;
  gsize len, name_len, value_len;
  const char *value = g_bytes_get_data (kv_entry_get_value (entry), &len);
  const char *key = kv_entry_get_key (entry);
  const char *name, *member;
  KvJsonMembers it;

  if (!_kv_json_members_init (&it, value, len))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_UNSUPPORTED_VALUE_TYPE,
                   "the value of key \"%.200s\" is not an object; CSV rows are flat objects", key);
      return FALSE;
    }
  memset (f->cell, 0, f->n_columns * sizeof *f->cell);
  while (_kv_json_members_next (&it, &name, &name_len, &member, &value_len))
    {
      g_autofree char *quoted = g_strndup (name, name_len);
      gsize c = GPOINTER_TO_SIZE (g_hash_table_lookup (f->index, quoted));
      if (c > 0)
        {
          f->cell[c - 1] = member;
          f->cell_len[c - 1] = value_len;
        }
    }
  if (f->include_key)
    {
      append_field (out, key, strlen (key), f->delimiter);
      if (f->n_columns)
        g_string_append_c (out, f->delimiter);
    }
  for (gsize c = 0; c < f->n_columns; c++)
    {
      if (c)
        g_string_append_c (out, f->delimiter);
      if (!append_cell (out, f, c, key, error))
        return FALSE;
    }
  g_string_append (out, "\r\n");
  return TRUE;
}

gboolean
kv_store_export_csv (KvStore *store, const char *file_name, const char *const *columns,
                     gsize n_columns, const char *prefix, gint64 limit, char delimiter,
                     gboolean include_key, KvTransferSummary *out_summary, GError **error)
{
  return kv_store_export_csv_full (store, file_name, columns, n_columns, prefix, limit, delimiter,
                                   include_key, NULL, NULL, out_summary, error);
}

gboolean
kv_store_export_csv_full (KvStore *store, const char *file_name, const char *const *columns,
                          gsize n_columns, const char *prefix, gint64 limit, char delimiter,
                          gboolean include_key, KvProgressFunc progress, gpointer progress_data,
                          KvTransferSummary *out_summary, GError **error)
{
  KvProgressReporter reporter = KV_PROGRESS_REPORTER_INIT (progress, progress_data, "exportCSV");
  g_autoptr (GString) header = g_string_new (NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree const char **cell = g_new0 (const char *, n_columns + 1);
  g_autofree gsize *cell_len = g_new0 (gsize, n_columns + 1);
  g_autoptr (GString) text = g_string_new (NULL);
  RowFormat format = { columns, n_columns, delimiter, include_key, index, cell, cell_len, text };
  guint64 max;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  if (file_name == NULL || *file_name == '\0' || n_columns == 0)
    {
      g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                           "exportCSV needs a fileName and at least one column");
      return FALSE;
    }
  if (include_key)
    g_hash_table_add (seen, (gpointer) "key"); /* the key column's header name */
  for (gsize c = 0; c < n_columns; c++)
    if (columns[c] == NULL || *columns[c] == '\0' ||
        !g_hash_table_add (seen, (gpointer) columns[c]))
      {
        g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                     "column %" G_GSIZE_FORMAT " is empty or repeated (with includeKey, \"key\" "
                     "is taken); columns are distinct names",
                     c + 1);
        return FALSE;
      }
  if (kv_options_get_serialization (kv_store_get_options (store)) != KV_SERIALIZATION_JSON)
    {
      g_set_error_literal (
          error, KV_ERROR, KV_ERROR_UNSUPPORTED_VALUE_TYPE,
          "exportCSV needs a store with serialization \"json\" (rows are objects)");
      return FALSE;
    }
  if (!check_delimiter (&format.delimiter, error) || !_kv_prefix_validate (prefix, FALSE, error) ||
      !_kv_limit_validate (limit, KV_JSONL_LIMIT_MAX, "exportCSV limit", &max, error))
    return FALSE;

  if (include_key)
    {
      append_field (header, "key", 3, format.delimiter);
      g_string_append_c (header, format.delimiter);
    }
  for (gsize c = 0; c < n_columns; c++)
    {
      if (c)
        g_string_append_c (header, format.delimiter);
      append_field (header, columns[c], strlen (columns[c]), format.delimiter);
    }
  g_string_append (header, "\r\n");
  for (gsize c = 0; c < n_columns; c++)
    {
      GString *quoted = g_string_new (NULL);
      _kv_json_append_string_len (quoted, columns[c], strlen (columns[c]));
      g_hash_table_insert (index, g_string_free (quoted, FALSE), GSIZE_TO_POINTER (c + 1));
    }
  return _kv_export_entries (store, file_name, prefix, max, header->str, format_row, &format,
                             &reporter, out_summary, error);
}

/* ---- Reading ------------------------------------------------------------------------------ */

typedef struct
{
  FILE *f;
  char delimiter;
  guint64 row;   /* rows read so far, the header included */
  guint64 bytes; /* consumed */
  GPtrArray *fields;
} RowReader;

/* Reads one record into r->fields. FALSE at the end of the file, or with
 * @error set for a malformed record (the row number is in the message). */
static gboolean
read_row (RowReader *r, GError **error)
{
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE, after_quote = FALSE, any = FALSE;
  gsize row_bytes = 0;
  int c;

  g_ptr_array_set_size (r->fields, 0);
  while ((c = getc (r->f)) != EOF)
    {
      any = TRUE;
      r->bytes++;
      if (c == '\0')
        {
          /* Cells are text: a C string would silently end at the NUL (issue 10, D2). */
          r->row++;
          g_set_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE,
                       "row %" G_GUINT64_FORMAT ", field %u: a NUL byte; CSV cells are text",
                       r->row, r->fields->len + 1);
          g_string_free (field, TRUE);
          return FALSE;
        }
      if (++row_bytes > MAX_ROW)
        {
          r->row++; /* the failing row counts, so error_at and the message agree */
          g_set_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE,
                       "row %" G_GUINT64_FORMAT " is longer than %u bytes", r->row, MAX_ROW);
          g_string_free (field, TRUE);
          return FALSE;
        }
      if (quoted)
        {
          if (c == '"')
            {
              int next = getc (r->f);
              if (next == '"')
                {
                  r->bytes++;
                  g_string_append_c (field, '"');
                  continue;
                }
              if (next != EOF)
                ungetc (next, r->f);
              quoted = FALSE;
              after_quote = TRUE;
            }
          else
            g_string_append_c (field, (char) c);
          continue;
        }
      if (c == '"' && field->len == 0 && !after_quote)
        {
          quoted = TRUE;
          continue;
        }
      if (c == (unsigned char) r->delimiter)
        {
          g_ptr_array_add (r->fields, g_string_free (g_steal_pointer (&field), FALSE));
          field = g_string_new (NULL);
          after_quote = FALSE;
          continue;
        }
      if (c == '\r' || c == '\n')
        {
          if (c == '\r')
            {
              int next = getc (r->f);
              if (next == '\n')
                r->bytes++;
              else if (next != EOF)
                ungetc (next, r->f);
            }
          break;
        }
      if (after_quote)
        {
          r->row++;
          g_set_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE,
                       "row %" G_GUINT64_FORMAT ": text after a closing quote", r->row);
          g_string_free (field, TRUE);
          return FALSE;
        }
      g_string_append_c (field, (char) c);
    }
  if (quoted)
    {
      r->row++;
      g_set_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE,
                   "row %" G_GUINT64_FORMAT ": a quoted field is not closed", r->row);
      g_string_free (field, TRUE);
      return FALSE;
    }
  if (!any)
    {
      g_string_free (field, TRUE);
      if (ferror (r->f))
        {
          g_set_error_literal (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ,
                               "reading the CSV file failed");
          return FALSE;
        }
      return FALSE;
    }
  g_ptr_array_add (r->fields, g_string_free (field, FALSE));
  r->row++;
  return TRUE;
}

/* Opens @file_name and reads the header (or numbers the columns); finds the key column. */
typedef struct
{
  RowReader r;
  GPtrArray *names; /* column names */
  gint key_index;   /* -1: none */
  gboolean pending; /* without a header, the first data row is already in r.fields */
} CsvInput;

static void
csv_input_close (CsvInput *in)
{
  if (in->r.f)
    fclose (in->r.f);
  g_clear_pointer (&in->r.fields, g_ptr_array_unref);
  g_clear_pointer (&in->names, g_ptr_array_unref);
}

/* FALSE with @error for I/O or option problems; a bad header is reported in *problem. */
static gboolean
csv_input_open (CsvInput *in, const char *file_name, const char *key_column, char delimiter,
                gboolean has_header, GError **problem, GError **error)
{
  g_autoptr (GHashTable) seen = NULL;

  memset (in, 0, sizeof *in);
  in->key_index = -1;
  in->r.delimiter = delimiter;
  in->r.fields = g_ptr_array_new_with_free_func (g_free);
  in->names = g_ptr_array_new_with_free_func (g_free);
  in->r.f = _kv_file_open_read (file_name, error);
  if (in->r.f == NULL)
    return FALSE;
  if (!read_row (&in->r, problem))
    {
      if (*problem == NULL && has_header)
        g_set_error_literal (problem, KV_ERROR, KV_ERROR_VALUE_PARSE,
                             "row 1: the header is missing");
      return TRUE;
    }
  /* A hash set: the check stays linear in the number of columns (issue 10, D18). */
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < in->r.fields->len; i++)
    {
      const char *name = in->r.fields->pdata[i];
      if (has_header && !g_utf8_validate (name, -1, NULL))
        {
          /* Named by position: the bytes themselves cannot go into a message. */
          g_set_error (problem, KV_ERROR, KV_ERROR_VALUE_PARSE,
                       "row 1: the name of column %u is not valid UTF-8", i + 1);
          return TRUE;
        }
      /* A repeated column name would make one cell silently replace another. */
      if (has_header && !g_hash_table_add (seen, (gpointer) name))
        {
          g_set_error (problem, KV_ERROR, KV_ERROR_VALUE_PARSE,
                       "row 1: column \"%s\" appears more than once in the header", name);
          return TRUE;
        }
      g_ptr_array_add (in->names, has_header ? g_strdup (name) : g_strdup_printf ("%u", i + 1));
    }
  in->pending = !has_header;
  if (key_column)
    {
      for (guint i = 0; i < in->names->len && in->key_index < 0; i++)
        if (g_str_equal (in->names->pdata[i], key_column))
          in->key_index = (gint) i;
      if (in->key_index < 0)
        g_set_error (problem, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                     "keyColumn \"%s\" is not one of the %u columns", key_column, in->names->len);
    }
  return TRUE;
}

/* The next data row, checked: FALSE at the end or with *problem set. */
static gboolean
csv_next (CsvInput *in, GError **problem)
{
  if (in->pending)
    in->pending = FALSE;
  else if (!read_row (&in->r, problem))
    return FALSE;
  if (in->r.fields->len != in->names->len)
    {
      g_set_error (problem, KV_ERROR, KV_ERROR_VALUE_PARSE,
                   "row %" G_GUINT64_FORMAT " has %u fields; the header has %u", in->r.row,
                   in->r.fields->len, in->names->len);
      return FALSE;
    }
  for (guint i = 0; i < in->r.fields->len; i++)
    if (!g_utf8_validate (in->r.fields->pdata[i], -1, NULL))
      {
        g_set_error (problem, KV_ERROR, KV_ERROR_VALUE_PARSE,
                     "row %" G_GUINT64_FORMAT ", column %u: the cell is not valid UTF-8", in->r.row,
                     i + 1);
        return FALSE;
      }
  if (in->key_index >= 0)
    {
      const char *problem_text = _kv_key_problem (in->r.fields->pdata[in->key_index]);
      if (problem_text)
        {
          g_set_error (problem, KV_ERROR, KV_ERROR_VALUE_PARSE, "row %" G_GUINT64_FORMAT ": %s",
                       in->r.row, problem_text);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- Import ------------------------------------------------------------------------------- */

static gint
compare_columns (gconstpointer a, gconstpointer b, gpointer names)
{
  GPtrArray *n = names;
  return strcmp (n->pdata[*(const guint *) a], n->pdata[*(const guint *) b]);
}

/* The value columns in canonical member order (bytewise by name), sorted once
 * for the file so each row is written in one pass. */
static GArray *
sort_columns (CsvInput *in)
{
  GArray *order = g_array_sized_new (FALSE, FALSE, sizeof (guint), in->names->len);

  for (guint i = 0; i < in->names->len; i++)
    if ((gint) i != in->key_index)
      g_array_append_val (order, i);
  g_qsort_with_data (order->data, (gint) order->len, sizeof (guint), compare_columns, in->names);
  return order;
}

/* The row's value as canonical JSON: an object of string members (names are distinct). */
static void
row_to_canonical (GString *out, CsvInput *in, GArray *order)
{
  g_string_append_c (out, '{');
  for (guint j = 0; j < order->len; j++)
    {
      guint i = g_array_index (order, guint, j);
      const char *name = in->names->pdata[i], *cell = in->r.fields->pdata[i];
      if (j)
        g_string_append_c (out, ',');
      _kv_json_append_string_len (out, name, strlen (name));
      g_string_append_c (out, ':');
      _kv_json_append_string_len (out, cell, strlen (cell));
    }
  g_string_append_c (out, '}');
}

gboolean
kv_store_import_csv (KvStore *store, const char *file_name, const char *key_column, char delimiter,
                     gboolean has_header, gint64 limit, gint64 batch_size,
                     KvTransferSummary *out_summary, GError **error)
{
  return kv_store_import_csv_full (store, file_name, key_column, delimiter, has_header, limit,
                                   batch_size, NULL, NULL, out_summary, error);
}

gboolean
kv_store_import_csv_full (KvStore *store, const char *file_name, const char *key_column,
                          char delimiter, gboolean has_header, gint64 limit, gint64 batch_size,
                          KvProgressFunc progress, gpointer progress_data,
                          KvTransferSummary *out_summary, GError **error)
{
  KvProgressReporter reporter = KV_PROGRESS_REPORTER_INIT (progress, progress_data, "importCSV");
  guint64 bytes_reported = 0;
  CsvInput in;
  g_autoptr (GError) problem = NULL;
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) lens = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GArray) order = NULL;
  KvTransferSummary committed = { 0 };
  guint64 max, batch, committed_row = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  if (out_summary)
    *out_summary = committed;
  if (kv_store_is_closed (store))
    {
      g_set_error_literal (error, KV_ERROR, KV_ERROR_STORE_CLOSED, "the store handle is closed");
      return FALSE;
    }
  if (file_name == NULL || *file_name == '\0' || key_column == NULL || *key_column == '\0')
    {
      g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                           "importCSV needs a fileName and a keyColumn");
      return FALSE;
    }
  if (!check_delimiter (&delimiter, error) ||
      !_kv_limit_validate (limit, KV_JSONL_LIMIT_MAX, "importCSV limit", &max, error) ||
      !_kv_limit_validate (batch_size, KV_JSONL_BATCH_MAX, "importCSV batchSize", &batch, error))
    return FALSE;
  if (batch == 0)
    batch = KV_JSONL_BATCH_DEFAULT;
  if (!csv_input_open (&in, file_name, key_column, delimiter, has_header, &problem, error))
    {
      csv_input_close (&in);
      return FALSE;
    }
  if (problem == NULL)
    _kv_progress_stage (&reporter, KV_PROGRESS_STAGE_COPYING, 0, _kv_file_size (in.r.f), &problem);
  order = sort_columns (&in);
  for (;;)
    {
      gboolean have = problem == NULL && (max == 0 || committed.records + keys->len < max) &&
                      csv_next (&in, &problem);
      if (problem == NULL)
        {
          _kv_progress_add (&reporter, have, in.r.bytes - bytes_reported, &problem);
          bytes_reported = in.r.bytes;
        }
      if (problem)
        {
          ok = FALSE;
          break;
        }
      if (have)
        {
          GString *row = g_string_new (NULL);
          gsize len;
          row_to_canonical (row, &in, order);
          len = row->len;
          g_ptr_array_add (keys, g_strdup (in.r.fields->pdata[in.key_index]));
          g_ptr_array_add (values, g_string_free (row, FALSE));
          g_array_append_val (lens, len);
        }
      if (keys->len > 0 && (!have || keys->len >= batch))
        {
          if (!kv_store_set_many (store, (const char *const *) keys->pdata,
                                  (const char *const *) values->pdata, (const gsize *) lens->data,
                                  keys->len, NULL, &problem))
            {
              ok = FALSE;
              break;
            }
          committed.records += keys->len;
          committed.bytes = in.r.bytes;
          committed_row = in.r.row;
          g_ptr_array_set_size (keys, 0);
          g_ptr_array_set_size (values, 0);
          g_array_set_size (lens, 0);
        }
      if (!have)
        break;
    }
  csv_input_close (&in);
  if (ok)
    (void) _kv_progress_flush (&reporter, NULL); /* all is committed: nothing left to stop */
  if (!ok)
    _kv_import_set_error (error, problem, "importCSV", file_name, "rows", "row", &committed,
                          committed_row);
  if (out_summary)
    *out_summary = committed;
  return ok;
}

/* ---- Validation --------------------------------------------------------------------------- */

gboolean
kv_csv_validate (const char *file_name, const char *key_column, char delimiter, gboolean has_header,
                 gint64 limit, KvValidation *out, GError **error)
{
  CsvInput in;
  g_autoptr (GError) problem = NULL;
  guint64 max;

  g_return_val_if_fail (out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  if (file_name == NULL || *file_name == '\0')
    {
      g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                           "validateCSV needs a fileName");
      return FALSE;
    }
  if (!check_delimiter (&delimiter, error) ||
      !_kv_limit_validate (limit, KV_JSONL_LIMIT_MAX, "validateCSV limit", &max, error))
    return FALSE;
  if (!csv_input_open (&in, file_name, key_column && *key_column ? key_column : NULL, delimiter,
                       has_header, &problem, error))
    {
      csv_input_close (&in);
      return FALSE;
    }
  out->valid = TRUE;
  out->checked_all = TRUE;
  while (problem == NULL)
    {
      if (max > 0 && out->records >= max)
        {
          int c = getc (in.r.f);
          out->checked_all = c == EOF;
          break;
        }
      if (!csv_next (&in, &problem))
        break;
      out->records++;
    }
  out->bytes_read = in.r.bytes;
  csv_input_close (&in);
  if (problem)
    {
      if (problem->code == KV_ERROR_SNAPSHOT_READ)
        {
          g_propagate_error (error, g_steal_pointer (&problem));
          return FALSE;
        }
      out->valid = FALSE;
      out->checked_all = FALSE;
      out->error_at = MAX (in.r.row, 1);
      out->error_code = (KvError) problem->code;
      out->error_message = g_strdup (problem->message);
    }
  return TRUE;
}
