/* kv-jsonl.c — JSON Lines export, import and validation.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kv-file-private.h"
#include "kv-json-private.h"
#include "kv-store-private.h"
#include "kv-value-private.h"

static gboolean
check_file_name (const char *file_name, GError **error)
{
  if (file_name && *file_name)
    return TRUE;
  g_set_error_literal (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                       "fileName is required and must be a non-empty string");
  return FALSE;
}

/* ---- Export ------------------------------------------------------------------------------- */

/* One line for an entry: the value as the API would return it. */
static gboolean
append_record (GString *out, KvSerialization mode, const char *key, GBytes *value, GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (value, &len);

  g_string_append (out, "{\"key\":");
  _kv_json_append_string_len (out, key, strlen (key));
  g_string_append (out, ",\"value\":");
  if (mode == KV_SERIALIZATION_JSON)
    g_string_append_len (out, data, (gssize) len); /* already canonical JSON */
  else if (g_utf8_validate_len (data, len, NULL))
    _kv_json_append_string_len (out, data, len);
  else
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SERIALIZER,
                   "the value of key \"%.200s\" is not valid UTF-8 text and cannot be a JSON "
                   "string",
                   key);
      return FALSE;
    }
  g_string_append (out, "}\n");
  return TRUE;
}

static gboolean
format_record (GString *out, KvEntry *entry, gpointer data, GError **error)
{
  return append_record (out, GPOINTER_TO_INT (data), kv_entry_get_key (entry),
                        kv_entry_get_value (entry), error);
}

gboolean
kv_store_export_jsonl (KvStore *store, const char *file_name, const char *prefix, gint64 limit,
                       KvTransferSummary *out_summary, GError **error)
{
  return kv_store_export_jsonl_full (store, file_name, prefix, limit, NULL, NULL, out_summary,
                                     error);
}

gboolean
kv_store_export_jsonl_full (KvStore *store, const char *file_name, const char *prefix, gint64 limit,
                            KvProgressFunc progress, gpointer progress_data,
                            KvTransferSummary *out_summary, GError **error)
{
  KvProgressReporter reporter = KV_PROGRESS_REPORTER_INIT (progress, progress_data, "exportJSONL");
  guint64 max;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  if (!check_file_name (file_name, error) || !_kv_prefix_validate (prefix, FALSE, error) ||
      !_kv_limit_validate (limit, KV_JSONL_LIMIT_MAX, "exportJSONL limit", &max, error))
    return FALSE;
  return _kv_export_entries (
      store, file_name, prefix, max, NULL, format_record,
      GINT_TO_POINTER (kv_options_get_serialization (kv_store_get_options (store))), &reporter,
      out_summary, error);
}

/* ---- Reading ------------------------------------------------------------------------------ */

typedef struct
{
  FILE *f;
  const char *path;
  guint64 line_no;
  guint64 bytes; /* consumed, including newlines */
  GString *line;
} LineReader;

/* Reads the next line (without its newline) into r->line. FALSE at end of
 * file; with @error set when the line is too long or reading failed. */
static gboolean
read_line (LineReader *r, GError **error)
{
  char chunk[64 * 1024];
  gboolean any = FALSE;

  g_string_truncate (r->line, 0);
  while (fgets (chunk, sizeof chunk, r->f))
    {
      gsize n = strlen (chunk);
      /* fgets stops at a NUL byte too; count what it really consumed. */
      any = TRUE;
      r->bytes += n;
      if (n > 0 && chunk[n - 1] == '\n')
        {
          g_string_append_len (r->line, chunk, (gssize) n - 1);
          if (r->line->len > 0 && r->line->str[r->line->len - 1] == '\r')
            g_string_truncate (r->line, r->line->len - 1);
          r->line_no++;
          return TRUE;
        }
      g_string_append_len (r->line, chunk, (gssize) n);
      if (r->line->len > KV_JSONL_MAX_LINE)
        {
          r->line_no++;
          g_set_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE,
                       "line %" G_GUINT64_FORMAT " is longer than the limit of %u bytes",
                       r->line_no, KV_JSONL_MAX_LINE);
          return FALSE;
        }
    }
  if (ferror (r->f))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_SNAPSHOT_READ, "reading %s failed", r->path);
      return FALSE;
    }
  if (any)
    {
      r->line_no++; /* a last line without a newline */
      return TRUE;
    }
  return FALSE;
}

/* Parses one line into its key and the value as kv_store_set() takes it:
 * canonical JSON text in json mode; in string mode a JSON string's bytes,
 * anything else its JSON text. The line is canonicalized as a whole (libkv's
 * own strict parser, so NULs and big numbers survive: kv-json-canonical.c);
 * the members are then read from the canonical text. */
static gboolean
parse_record (LineReader *r, KvSerialization mode, char **out_key, char **out_value, gsize *out_len,
              GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *canonical = NULL;
  g_autoptr (GString) key = NULL;
  const char *value = NULL, *name, *member;
  gsize len = 0, name_len, value_len = 0, member_len;
  KvJsonMembers it;
  const char *problem;

  if (r->line->len == 0)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE, "line %" G_GUINT64_FORMAT " is blank",
                   r->line_no);
      return FALSE;
    }
  canonical = kv_json_canonicalize (r->line->str, (gssize) r->line->len, &len, &local);
  if (canonical == NULL)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE, "line %" G_GUINT64_FORMAT ": %s",
                   r->line_no, local->message);
      return FALSE;
    }
  if (_kv_json_members_init (&it, canonical, len))
    while (_kv_json_members_next (&it, &name, &name_len, &member, &member_len))
      {
        /* Canonical names are escaped minimally, so these two are spelt one way only. */
        if (name_len == 5 && memcmp (name, "\"key\"", 5) == 0 && member[0] == '"')
          {
            key = g_string_new (NULL);
            _kv_json_string_decode (member, member_len, key);
          }
        else if (name_len == 7 && memcmp (name, "\"value\"", 7) == 0)
          {
            value = member;
            value_len = member_len;
          }
      }
  if (key == NULL || value == NULL)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE,
                   "line %" G_GUINT64_FORMAT ": a record is {\"key\": <non-empty string>, "
                   "\"value\": <any JSON>}",
                   r->line_no);
      return FALSE;
    }
  problem = memchr (key->str, '\0', key->len) ? "key holds a NUL character (\\u0000)"
                                              : _kv_key_problem (key->str);
  if (problem)
    {
      g_set_error (error, KV_ERROR, KV_ERROR_VALUE_PARSE, "line %" G_GUINT64_FORMAT ": %s",
                   r->line_no, problem);
      return FALSE;
    }
  *out_key = g_string_free (g_steal_pointer (&key), FALSE);
  if (mode == KV_SERIALIZATION_STRING && value[0] == '"')
    {
      GString *text = g_string_new (NULL);
      _kv_json_string_decode (value, value_len, text);
      *out_len = text->len;
      *out_value = g_string_free (text, FALSE);
    }
  else
    {
      *out_len = value_len;
      *out_value = g_strndup (value, value_len);
    }
  return TRUE;
}

/* ---- Import ------------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *keys, *values;
  GArray *lens;
} Batch;

static void
batch_reset (Batch *b)
{
  g_ptr_array_set_size (b->keys, 0);
  g_ptr_array_set_size (b->values, 0);
  g_array_set_size (b->lens, 0);
}

gboolean
kv_store_import_jsonl (KvStore *store, const char *file_name, gint64 limit, gint64 batch_size,
                       KvTransferSummary *out_summary, GError **error)
{
  return kv_store_import_jsonl_full (store, file_name, limit, batch_size, NULL, NULL, out_summary,
                                     error);
}

gboolean
kv_store_import_jsonl_full (KvStore *store, const char *file_name, gint64 limit, gint64 batch_size,
                            KvProgressFunc progress, gpointer progress_data,
                            KvTransferSummary *out_summary, GError **error)
{
  KvProgressReporter reporter = KV_PROGRESS_REPORTER_INIT (progress, progress_data, "importJSONL");
  g_autoptr (GString) line = g_string_new (NULL);
  LineReader r = { .path = file_name, .line = line };
  Batch b = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free),
              g_array_new (FALSE, FALSE, sizeof (gsize)) };
  KvTransferSummary committed = { 0 };
  guint64 committed_line = 0, max, batch;
  KvSerialization mode;
  g_autoptr (GError) local = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (KV_IS_STORE (store), FALSE);
  /* Said up front: an empty file would otherwise "import" into a closed store. */
  if (kv_store_is_closed (store))
    {
      g_set_error_literal (error, KV_ERROR, KV_ERROR_STORE_CLOSED, "the store handle is closed");
      goto out_early;
    }
  if (!check_file_name (file_name, error) ||
      !_kv_limit_validate (limit, KV_JSONL_LIMIT_MAX, "importJSONL limit", &max, error) ||
      !_kv_limit_validate (batch_size, KV_JSONL_BATCH_MAX, "importJSONL batchSize", &batch, error))
    goto out_early;
  if (batch == 0)
    batch = KV_JSONL_BATCH_DEFAULT;
  mode = kv_options_get_serialization (kv_store_get_options (store));
  r.f = _kv_file_open_read (file_name, error);
  if (r.f == NULL)
    goto out_early;
  if (!_kv_progress_stage (&reporter, KV_PROGRESS_STAGE_COPYING, 0, _kv_file_size (r.f), &local))
    ok = FALSE;

  while (ok)
    {
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      gboolean at_end = max > 0 && committed.records + b.keys->len >= max;
      guint64 bytes_before = r.bytes;
      gboolean have = !at_end && read_line (&r, &local);
      gsize len = 0;

      if (local || (have && !parse_record (&r, mode, &key, &value, &len, &local)) ||
          !_kv_progress_add (&reporter, have, r.bytes - bytes_before, &local))
        {
          ok = FALSE;
          break;
        }
      if (have)
        {
          g_ptr_array_add (b.keys, g_steal_pointer (&key));
          g_ptr_array_add (b.values, g_steal_pointer (&value));
          g_array_append_val (b.lens, len);
        }
      if (b.keys->len > 0 && (!have || b.keys->len >= batch))
        {
          /* setMany validates the whole batch before writing any of it. */
          if (!kv_store_set_many (store, (const char *const *) b.keys->pdata,
                                  (const char *const *) b.values->pdata,
                                  (const gsize *) b.lens->data, b.keys->len, NULL, &local))
            {
              ok = FALSE;
              break;
            }
          committed.records += b.keys->len;
          committed.bytes = r.bytes;
          committed_line = r.line_no;
          batch_reset (&b);
        }
      if (!have)
        break;
    }
  fclose (r.f);
  if (ok)
    (void) _kv_progress_flush (&reporter, NULL); /* all is committed: nothing left to stop */
  if (!ok)
    _kv_import_set_error (error, local, "importJSONL", file_name, "records", "line", &committed,
                          committed_line);

out_early:
  if (out_summary)
    *out_summary = committed;
  g_ptr_array_unref (b.keys);
  g_ptr_array_unref (b.values);
  g_array_unref (b.lens);
  return ok && (error == NULL || *error == NULL) && r.f != NULL;
}

/* ---- Validation --------------------------------------------------------------------------- */

void
kv_validation_clear (KvValidation *validation)
{
  g_clear_pointer (&validation->error_message, g_free);
}

gboolean
kv_jsonl_validate (const char *file_name, gint64 limit, KvValidation *out, GError **error)
{
  g_autoptr (GString) line = g_string_new (NULL);
  LineReader r = { .path = file_name, .line = line };
  guint64 max;

  g_return_val_if_fail (out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  if (!check_file_name (file_name, error) ||
      !_kv_limit_validate (limit, KV_JSONL_LIMIT_MAX, "validateJSONL limit", &max, error))
    return FALSE;
  r.f = _kv_file_open_read (file_name, error);
  if (r.f == NULL)
    return FALSE;

  out->valid = TRUE;
  out->checked_all = TRUE;
  for (;;)
    {
      g_autoptr (GError) problem = NULL;
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      gsize len;

      if (max > 0 && out->records >= max)
        {
          /* Cut short by the limit, unless nothing follows anyway. */
          int c = fgetc (r.f);
          out->checked_all = c == EOF;
          break;
        }
      if (!read_line (&r, &problem) && problem == NULL)
        break;
      if (problem == NULL)
        parse_record (&r, KV_SERIALIZATION_JSON, &key, &value, &len, &problem);
      if (problem)
        {
          if (problem->code == KV_ERROR_SNAPSHOT_READ)
            {
              fclose (r.f);
              g_propagate_error (error, g_steal_pointer (&problem));
              return FALSE;
            }
          out->valid = FALSE;
          out->checked_all = FALSE;
          out->error_at = r.line_no;
          out->error_code = (KvError) problem->code;
          out->error_message = g_strdup (problem->message);
          break;
        }
      out->records++;
    }
  out->bytes_read = r.bytes;
  fclose (r.f);
  return TRUE;
}
