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

/* The cell text of a scalar member; FALSE for objects and arrays. */
static gboolean
append_cell (GString *out, JsonNode *node, char delimiter)
{
  g_autofree char *text = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE; /* empty cell */
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      append_field (out, s, strlen (s), delimiter);
      return TRUE;
    }
  text = kv_json_node_to_canonical (node, NULL); /* numbers and booleans as JSON writes them */
  append_field (out, text, strlen (text), delimiter);
  return TRUE;
}

static gboolean
append_row (GString *out, KvEntry *entry, const char *const *columns, gsize n_columns,
            char delimiter, gboolean include_key, GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (kv_entry_get_value (entry), &len);
  g_autoptr (JsonNode) root = _kv_json_parse_strict (data, len, NULL);
  JsonObject *obj = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *key = kv_entry_get_key (entry);

  if (obj == NULL)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_UNSUPPORTED_VALUE_TYPE,
                   "the value of key \"%.200s\" is not an object; CSV rows are flat objects", key);
      return FALSE;
    }
  if (include_key)
    {
      append_field (out, key, strlen (key), delimiter);
      if (n_columns)
        g_string_append_c (out, delimiter);
    }
  for (gsize c = 0; c < n_columns; c++)
    {
      if (c)
        g_string_append_c (out, delimiter);
      if (!append_cell (out, json_object_get_member (obj, columns[c]), delimiter))
        {
          g_set_error (error, KV_ERROR, KV_ERROR_UNSUPPORTED_VALUE_TYPE,
                       "the value of key \"%.200s\" has a nested %s in column \"%s\"; CSV cells "
                       "are strings, numbers, booleans or null",
                       key, JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, columns[c])) ? "array" : "object",
                       columns[c]);
          return FALSE;
        }
    }
  g_string_append (out, "\r\n");
  return TRUE;
}

typedef struct
{
  const char *const *columns;
  gsize n_columns;
  char delimiter;
  gboolean include_key;
} RowFormat;

static gboolean
format_row (GString *out, KvEntry *entry, gpointer data, GError **error)
{
  RowFormat *f = data;
  return append_row (out, entry, f->columns, f->n_columns, f->delimiter, f->include_key, error);
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
  RowFormat format = { columns, n_columns, delimiter, include_key };
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
    if (columns[c] == NULL || *columns[c] == '\0' || !g_hash_table_add (seen, (gpointer) columns[c]))
      {
        g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                     "column %" G_GSIZE_FORMAT " is empty or repeated (with includeKey, \"key\" "
                     "is taken); columns are distinct names",
                     c + 1);
        return FALSE;
      }
  if (kv_options_get_serialization (kv_store_get_options (store)) != KV_SERIALIZATION_JSON)
    {
      g_set_error_literal (error, KV_ERROR, KV_ERROR_UNSUPPORTED_VALUE_TYPE,
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
          g_set_error_literal (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ, "reading the CSV file failed");
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
        g_set_error_literal (problem, KV_ERROR, KV_ERROR_VALUE_PARSE, "row 1: the header is missing");
      return TRUE;
    }
  for (guint i = 0; i < in->r.fields->len; i++)
    {
      const char *name = in->r.fields->pdata[i];
      /* A repeated column name would make one cell silently replace another. */
      for (guint j = 0; has_header && j < i; j++)
        if (g_str_equal (in->names->pdata[j], name))
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

gboolean
kv_store_import_csv (KvStore *store, const char *file_name, const char *key_column,
                     char delimiter, gboolean has_header, gint64 limit, gint64 batch_size,
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
          g_autoptr (JsonBuilder) b = json_builder_new_immutable ();
          g_autoptr (JsonNode) row = NULL;
          gsize len;
          json_builder_begin_object (b);
          for (guint i = 0; i < in.names->len; i++)
            if ((gint) i != in.key_index)
              {
                json_builder_set_member_name (b, in.names->pdata[i]);
                json_builder_add_string_value (b, in.r.fields->pdata[i]);
              }
          json_builder_end_object (b);
          row = json_builder_get_root (b);
          g_ptr_array_add (keys, g_strdup (in.r.fields->pdata[in.key_index]));
          g_ptr_array_add (values, kv_json_node_to_canonical (row, &len));
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
kv_csv_validate (const char *file_name, const char *key_column, char delimiter,
                 gboolean has_header, gint64 limit, KvValidation *out, GError **error)
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
