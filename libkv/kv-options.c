/* kv-options.c — KvOptions: defaults, validation of the openKv() object, equality for lock-in.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "kv.h"
#include "kv-json-private.h"
#include "kv-value-private.h"

struct _KvOptions
{
  KvBackendKind backend;
  char *path;
  KvSerialization serialization;
  gboolean track_keys;
  guint shard_count; /* normalised: 1 .. KV_MAX_SHARDS */
  gboolean metrics_operations;

  guint64 disk_timeout_ms;
  gboolean disk_no_sync;
  gboolean disk_no_grow_sync;
  gboolean disk_read_only;
  guint64 disk_initial_mmap_size;
  gboolean disk_mlock;
  guint64 disk_map_size;
  guint disk_max_readers;
  gboolean disk_write_map;
  gboolean disk_no_read_ahead;

  /* bbolt-only knobs: validated and compared, never used by LMDB. */
  gboolean disk_no_freelist_sync;
  gboolean disk_preload_freelist;
  char *disk_freelist_type; /* "", "array" or "map" */
};

/* xk6-kv waits one second for the bbolt file lock by default; we keep the number. */
#define DEFAULT_DISK_TIMEOUT_MS 1000

static guint
normalise_shard_count (gint64 requested)
{
  if (requested <= 0)
    return MAX (1, g_get_num_processors ());
  if (requested > KV_MAX_SHARDS)
    return KV_MAX_SHARDS;
  return (guint) requested;
}

KvOptions *
kv_options_new (void)
{
  KvOptions *o = g_new0 (KvOptions, 1);

  o->backend = KV_BACKEND_DISK;
  o->path = g_strdup (KV_DEFAULT_PATH);
  o->serialization = KV_SERIALIZATION_JSON;
  o->shard_count = normalise_shard_count (0);
  o->disk_timeout_ms = DEFAULT_DISK_TIMEOUT_MS;
  o->disk_freelist_type = g_strdup ("");
  return o;
}

KvOptions *
kv_options_copy (const KvOptions *options)
{
  KvOptions *o;

  g_return_val_if_fail (options != NULL, NULL);
  o = g_memdup2 (options, sizeof *options);
  o->path = g_strdup (options->path);
  o->disk_freelist_type = g_strdup (options->disk_freelist_type);
  return o;
}

void
kv_options_free (KvOptions *options)
{
  if (options == NULL)
    return;
  g_free (options->path);
  g_free (options->disk_freelist_type);
  g_free (options);
}

G_DEFINE_BOXED_TYPE (KvOptions, kv_options, kv_options_copy, kv_options_free)

gboolean
kv_options_equal (const KvOptions *a, const KvOptions *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->backend == b->backend && g_str_equal (a->path, b->path) &&
         a->serialization == b->serialization && a->track_keys == b->track_keys &&
         a->shard_count == b->shard_count && a->metrics_operations == b->metrics_operations &&
         a->disk_timeout_ms == b->disk_timeout_ms && a->disk_no_sync == b->disk_no_sync &&
         a->disk_no_grow_sync == b->disk_no_grow_sync && a->disk_read_only == b->disk_read_only &&
         a->disk_initial_mmap_size == b->disk_initial_mmap_size && a->disk_mlock == b->disk_mlock &&
         a->disk_map_size == b->disk_map_size && a->disk_max_readers == b->disk_max_readers &&
         a->disk_write_map == b->disk_write_map && a->disk_no_read_ahead == b->disk_no_read_ahead &&
         a->disk_no_freelist_sync == b->disk_no_freelist_sync &&
         a->disk_preload_freelist == b->disk_preload_freelist &&
         g_str_equal (a->disk_freelist_type, b->disk_freelist_type);
}

/* Accessors. Each pair is trivial; they exist so the struct can grow without an ABI break. */
#define BOOL_ACCESSORS(field)                                                                      \
  void kv_options_set_##field (KvOptions *options, gboolean value)                                 \
  {                                                                                                \
    g_return_if_fail (options != NULL);                                                            \
    options->field = !!value;                                                                      \
  }                                                                                                \
  gboolean kv_options_get_##field (const KvOptions *options)                                       \
  {                                                                                                \
    g_return_val_if_fail (options != NULL, FALSE);                                                 \
    return options->field;                                                                         \
  }
#define UINT64_ACCESSORS(field)                                                                    \
  void kv_options_set_##field (KvOptions *options, guint64 value)                                  \
  {                                                                                                \
    g_return_if_fail (options != NULL);                                                            \
    options->field = value;                                                                        \
  }                                                                                                \
  guint64 kv_options_get_##field (const KvOptions *options)                                        \
  {                                                                                                \
    g_return_val_if_fail (options != NULL, 0);                                                     \
    return options->field;                                                                         \
  }

BOOL_ACCESSORS (track_keys)
BOOL_ACCESSORS (metrics_operations)
BOOL_ACCESSORS (disk_no_sync)
BOOL_ACCESSORS (disk_no_grow_sync)
BOOL_ACCESSORS (disk_read_only)
BOOL_ACCESSORS (disk_mlock)
BOOL_ACCESSORS (disk_write_map)
BOOL_ACCESSORS (disk_no_read_ahead)
UINT64_ACCESSORS (disk_timeout_ms)
UINT64_ACCESSORS (disk_initial_mmap_size)
UINT64_ACCESSORS (disk_map_size)

void
kv_options_set_backend (KvOptions *options, KvBackendKind backend)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (backend == KV_BACKEND_DISK || backend == KV_BACKEND_MEMORY);
  options->backend = backend;
}

KvBackendKind
kv_options_get_backend (const KvOptions *options)
{
  g_return_val_if_fail (options != NULL, KV_BACKEND_DISK);
  return options->backend;
}

void
kv_options_set_path (KvOptions *options, const char *path)
{
  g_return_if_fail (options != NULL);
  g_free (options->path);
  options->path = g_strdup (path && *path ? path : KV_DEFAULT_PATH);
}

const char *
kv_options_get_path (const KvOptions *options)
{
  g_return_val_if_fail (options != NULL, NULL);
  return options->path;
}

void
kv_options_set_serialization (KvOptions *options, KvSerialization serialization)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (serialization == KV_SERIALIZATION_JSON ||
                    serialization == KV_SERIALIZATION_STRING);
  options->serialization = serialization;
}

KvSerialization
kv_options_get_serialization (const KvOptions *options)
{
  g_return_val_if_fail (options != NULL, KV_SERIALIZATION_JSON);
  return options->serialization;
}

void
kv_options_set_shard_count (KvOptions *options, gint64 shard_count)
{
  g_return_if_fail (options != NULL);
  options->shard_count = normalise_shard_count (shard_count);
}

guint
kv_options_get_shard_count (const KvOptions *options)
{
  g_return_val_if_fail (options != NULL, 1);
  return options->shard_count;
}

void
kv_options_set_disk_max_readers (KvOptions *options, guint max_readers)
{
  g_return_if_fail (options != NULL);
  options->disk_max_readers = max_readers;
}

guint
kv_options_get_disk_max_readers (const KvOptions *options)
{
  g_return_val_if_fail (options != NULL, 0);
  return options->disk_max_readers;
}

char **
kv_options_get_disk_ignored (const KvOptions *options)
{
  GStrvBuilder *b;

  g_return_val_if_fail (options != NULL, NULL);
  b = g_strv_builder_new ();
  if (options->disk_no_freelist_sync)
    g_strv_builder_add (b, "noFreelistSync");
  if (options->disk_preload_freelist)
    g_strv_builder_add (b, "preLoadFreelist");
  if (*options->disk_freelist_type)
    g_strv_builder_add (b, "freelistType");
  {
    char **names = g_strv_builder_end (b);
    g_strv_builder_unref (b);
    return names;
  }
}

/* ---- Parsers shared with front ends ------------------------------------------------------- */

gboolean
kv_parse_duration_ms (const char *text, guint64 *out_ms, GError **error)
{
  static const struct
  {
    const char *unit;
    double ns;
  } units[] = {
    /* Longest first so "ms" is not read as "m" followed by garbage. */
    { "ns", 1 },   { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "\xce\xbcs", 1e3 },
    { "ms", 1e6 }, { "s", 1e9 },  { "m", 60e9 },        { "h", 3600e9 },
  };
  const char *p = text;
  double total_ns = 0;

  g_return_val_if_fail (text != NULL, FALSE);

  if (*p == '\0')
    goto bad;
  /* A bare number is milliseconds, as a JS number would be. */
  if (strspn (p, "0123456789") == strlen (p))
    {
      guint64 ms;
      if (!g_ascii_string_to_unsigned (p, 10, 0, G_MAXUINT64 / 1000000, &ms, NULL))
        goto bad;
      *out_ms = ms;
      return TRUE;
    }
  if (*p == '+')
    p++;
  while (*p)
    {
      char *end;
      double value;
      gsize best = 0;
      double scale = 0;

      if (!g_ascii_isdigit (*p) && *p != '.')
        goto bad;
      value = g_ascii_strtod (p, &end);
      if (end == p || !isfinite (value))
        goto bad;
      p = end;
      for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
        {
          gsize len = strlen (units[i].unit);
          if (len > best && strncmp (p, units[i].unit, len) == 0)
            {
              best = len;
              scale = units[i].ns;
            }
        }
      if (best == 0)
        goto bad;
      p += best;
      total_ns += value * scale;
    }
  if (total_ns / 1e6 > (double) (G_MAXUINT64 / 2))
    goto bad;
  *out_ms = (guint64) (total_ns / 1e6);
  return TRUE;

bad:
  g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
               "invalid duration \"%s\": use milliseconds or a duration such as \"1s\", \"500ms\", "
               "\"1m30s\"",
               text);
  return FALSE;
}

gboolean
kv_parse_size (const char *text, guint64 *out_bytes, GError **error)
{
  static const struct
  {
    const char *unit;
    double factor;
  } units[] = {
    { "", 1 },
    { "b", 1 },
    { "kb", 1e3 },
    { "mb", 1e6 },
    { "gb", 1e9 },
    { "tb", 1e12 },
    { "kib", 1024.0 },
    { "mib", 1048576.0 },
    { "gib", 1073741824.0 },
    { "tib", 1099511627776.0 },
    { "k", 1e3 },
    { "m", 1e6 },
    { "g", 1e9 },
    { "t", 1e12 },
  };
  const char *p = text;
  char *end;
  double value;

  g_return_val_if_fail (text != NULL, FALSE);

  while (g_ascii_isspace (*p))
    p++;
  if (!g_ascii_isdigit (*p) && *p != '.')
    goto bad;
  value = g_ascii_strtod (p, &end);
  if (end == p || !isfinite (value) || value < 0)
    goto bad;
  while (g_ascii_isspace (*end))
    end++;
  for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_ascii_strcasecmp (end, units[i].unit) == 0)
      {
        double bytes = value * units[i].factor;
        if (bytes >= 18446744073709551615.0)
          goto bad;
        *out_bytes = (guint64) bytes;
        return TRUE;
      }

bad:
  g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
               "invalid size \"%s\": use a number of bytes or a size such as \"64MB\" or \"1GiB\"",
               text);
  return FALSE;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

/* Field readers: a JSON null counts as absent, the type must match otherwise. */

static gboolean
member_present (JsonObject *obj, const char *name, JsonNode **out)
{
  JsonNode *node = json_object_get_member (obj, name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  *out = node;
  return TRUE;
}

static gboolean
node_is_type (JsonNode *node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
read_bool (JsonObject *obj, const char *section, const char *name, gboolean *out, GError **error)
{
  JsonNode *node;

  if (!member_present (obj, name, &node))
    return TRUE;
  if (!node_is_type (node, G_TYPE_BOOLEAN))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS, "option %s%s%s must be a boolean",
                   section ? section : "", section ? "." : "", name);
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* Integral JSON number (an integral double such as 1e3 counts) into gint64. */
static gboolean
node_get_integer (JsonNode *node, gint64 *out)
{
  if (node_is_type (node, G_TYPE_INT64))
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (node_is_type (node, G_TYPE_DOUBLE))
    {
      double d = json_node_get_double (node);
      if (isfinite (d) && d == floor (d) && fabs (d) < 9.2e18)
        {
          *out = (gint64) d;
          return TRUE;
        }
    }
  return FALSE;
}

/* A byte count given as a non-negative integer or as a size string ("64MB"). */
static gboolean
read_size (JsonObject *obj, const char *name, guint64 *out, GError **error)
{
  JsonNode *node;
  gint64 n;

  if (!member_present (obj, name, &node))
    return TRUE;
  if (node_is_type (node, G_TYPE_STRING))
    {
      g_autoptr (GError) local = NULL;
      if (!kv_parse_size (json_node_get_string (node), out, &local))
        {
          g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS, "option disk.%s: %s", name,
                       local->message);
          return FALSE;
        }
      return TRUE;
    }
  if (node_get_integer (node, &n) && n >= 0)
    {
      *out = (guint64) n;
      return TRUE;
    }
  g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
               "option disk.%s must be a non-negative integer number of bytes or a size string "
               "such as \"64MB\"",
               name);
  return FALSE;
}

static gboolean
read_disk (KvOptions *o, JsonObject *disk, GError **error)
{
  JsonNode *node;

  if (member_present (disk, "timeout", &node))
    {
      gint64 n;
      if (node_is_type (node, G_TYPE_STRING))
        {
          g_autoptr (GError) local = NULL;
          if (!kv_parse_duration_ms (json_node_get_string (node), &o->disk_timeout_ms, &local))
            {
              g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS, "option disk.timeout: %s",
                           local->message);
              return FALSE;
            }
        }
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) != G_TYPE_BOOLEAN &&
               node_get_integer (node, &n) && n >= 0)
        o->disk_timeout_ms = (guint64) n;
      else
        {
          g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                       "option disk.timeout must be a non-negative number of milliseconds or a "
                       "duration string such as \"1s\"");
          return FALSE;
        }
    }
  if (!read_bool (disk, "disk", "noSync", &o->disk_no_sync, error) ||
      !read_bool (disk, "disk", "noGrowSync", &o->disk_no_grow_sync, error) ||
      !read_bool (disk, "disk", "noFreelistSync", &o->disk_no_freelist_sync, error) ||
      !read_bool (disk, "disk", "preLoadFreelist", &o->disk_preload_freelist, error) ||
      !read_bool (disk, "disk", "readOnly", &o->disk_read_only, error) ||
      !read_bool (disk, "disk", "mlock", &o->disk_mlock, error) ||
      !read_bool (disk, "disk", "writeMap", &o->disk_write_map, error) ||
      !read_bool (disk, "disk", "noReadAhead", &o->disk_no_read_ahead, error) ||
      !read_size (disk, "initialMmapSize", &o->disk_initial_mmap_size, error) ||
      !read_size (disk, "mapSize", &o->disk_map_size, error))
    return FALSE;

  if (member_present (disk, "freelistType", &node))
    {
      const char *t = node_is_type (node, G_TYPE_STRING) ? json_node_get_string (node) : NULL;
      if (t == NULL || !(g_str_equal (t, "") || g_str_equal (t, "array") || g_str_equal (t, "map")))
        {
          g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                       "option disk.freelistType must be \"\", \"array\" or \"map\"");
          return FALSE;
        }
      g_free (o->disk_freelist_type);
      o->disk_freelist_type = g_strdup (t);
    }
  if (member_present (disk, "maxReaders", &node))
    {
      gint64 n;
      if (!node_get_integer (node, &n) || n < 1 || n > G_MAXINT32)
        {
          g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                       "option disk.maxReaders must be a positive integer");
          return FALSE;
        }
      o->disk_max_readers = (guint) n;
    }
  return TRUE;
}

static gboolean
read_section (JsonObject *root, const char *name, JsonObject **out, GError **error)
{
  JsonNode *node;

  *out = NULL;
  if (!member_present (root, name, &node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS, "option %s must be an object", name);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
read_options (KvOptions *o, JsonObject *root, GError **error)
{
  JsonNode *node;
  JsonObject *section;

  if (member_present (root, "backend", &node))
    {
      const char *b = node_is_type (node, G_TYPE_STRING) ? json_node_get_string (node) : NULL;
      if (b && g_str_equal (b, "memory"))
        o->backend = KV_BACKEND_MEMORY;
      else if (b && g_str_equal (b, "disk"))
        o->backend = KV_BACKEND_DISK;
      else
        {
          g_set_error (error, KV_ERROR, KV_ERROR_INVALID_BACKEND,
                       "invalid backend %s%s%s: use \"memory\" or \"disk\"", b ? "\"" : "",
                       b ? b : "(not a string)", b ? "\"" : "");
          return FALSE;
        }
    }
  if (member_present (root, "serialization", &node))
    {
      const char *s = node_is_type (node, G_TYPE_STRING) ? json_node_get_string (node) : NULL;
      if (s && g_str_equal (s, "json"))
        o->serialization = KV_SERIALIZATION_JSON;
      else if (s && g_str_equal (s, "string"))
        o->serialization = KV_SERIALIZATION_STRING;
      else
        {
          g_set_error (error, KV_ERROR, KV_ERROR_INVALID_SERIALIZATION,
                       "invalid serialization %s%s%s: use \"json\" or \"string\"", s ? "\"" : "",
                       s ? s : "(not a string)", s ? "\"" : "");
          return FALSE;
        }
    }
  if (member_present (root, "path", &node))
    {
      if (!node_is_type (node, G_TYPE_STRING))
        {
          g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS, "option path must be a string");
          return FALSE;
        }
      kv_options_set_path (o, json_node_get_string (node));
    }
  if (!read_bool (root, NULL, "trackKeys", &o->track_keys, error))
    return FALSE;

  if (!read_section (root, "memory", &section, error))
    return FALSE;
  if (section && member_present (section, "shardCount", &node))
    {
      gint64 n;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) == G_TYPE_BOOLEAN ||
          !node_get_integer (node, &n))
        {
          g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS,
                       "option memory.shardCount must be an integer");
          return FALSE;
        }
      o->shard_count = normalise_shard_count (n);
    }

  if (!read_section (root, "disk", &section, error))
    return FALSE;
  if (section && !read_disk (o, section, error))
    return FALSE;

  if (!read_section (root, "metrics", &section, error))
    return FALSE;
  if (section && !read_bool (section, "metrics", "operations", &o->metrics_operations, error))
    return FALSE;
  return TRUE;
}

/* libkv's strict JSON scanner, as for values: json-glib alone accepts
 * single quotes, comments, hex numbers and trailing commas, and its
 * messages may quote the input's bytes raw. */
static JsonNode *
parse_options_text (const char *json, GError **error)
{
  static const char scanner_prefix[] = "value is not valid JSON: ";
  g_autoptr (GError) local = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *canonical = kv_json_canonicalize (json, -1, NULL, &local);
  const char *why;

  /* Canonical text is plain JSON, which json-glib reads as it is. */
  if (canonical != NULL)
    return json_from_string (canonical, error);
  why = g_str_has_prefix (local->message, scanner_prefix) ? local->message + strlen (scanner_prefix)
                                                          : local->message;
  if (!g_utf8_validate (why, -1, NULL))
    why = escaped = g_strescape (why, NULL);
  g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS, "options are not valid JSON: %s", why);
  return NULL;
}

KvOptions *
kv_options_new_from_json (const char *json, GError **error)
{
  g_autoptr (KvOptions) o = kv_options_new ();
  g_autoptr (JsonNode) root = NULL;

  /* No options (NULL, "" or only white space): the defaults. */
  if (json == NULL || json[strspn (json, " \t\r\n")] == '\0')
    return g_steal_pointer (&o);

  root = parse_options_text (json, error);
  if (root == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_NULL (root))
    return g_steal_pointer (&o);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS, "options must be an object");
      return NULL;
    }
  if (!read_options (o, json_node_get_object (root), error))
    return NULL;
  return g_steal_pointer (&o);
}

char *
kv_options_to_json (const KvOptions *o)
{
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (o != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "backend");
  json_builder_add_string_value (b, o->backend == KV_BACKEND_MEMORY ? "memory" : "disk");
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, o->path);
  json_builder_set_member_name (b, "serialization");
  json_builder_add_string_value (b, _kv_serialization_name (o->serialization));
  json_builder_set_member_name (b, "trackKeys");
  json_builder_add_boolean_value (b, o->track_keys);

  json_builder_set_member_name (b, "memory");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "shardCount");
  json_builder_add_int_value (b, o->shard_count);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "disk");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "timeout");
  json_builder_add_int_value (b, (gint64) o->disk_timeout_ms);
  json_builder_set_member_name (b, "noSync");
  json_builder_add_boolean_value (b, o->disk_no_sync);
  json_builder_set_member_name (b, "noGrowSync");
  json_builder_add_boolean_value (b, o->disk_no_grow_sync);
  json_builder_set_member_name (b, "noFreelistSync");
  json_builder_add_boolean_value (b, o->disk_no_freelist_sync);
  json_builder_set_member_name (b, "preLoadFreelist");
  json_builder_add_boolean_value (b, o->disk_preload_freelist);
  json_builder_set_member_name (b, "freelistType");
  json_builder_add_string_value (b, o->disk_freelist_type);
  json_builder_set_member_name (b, "readOnly");
  json_builder_add_boolean_value (b, o->disk_read_only);
  json_builder_set_member_name (b, "initialMmapSize");
  json_builder_add_int_value (b, (gint64) o->disk_initial_mmap_size);
  json_builder_set_member_name (b, "mlock");
  json_builder_add_boolean_value (b, o->disk_mlock);
  json_builder_set_member_name (b, "mapSize");
  json_builder_add_int_value (b, (gint64) o->disk_map_size);
  /* 0 is "LMDB's default", which the parser does not take as a value:
   * leaving it out is what kv_options_new_from_json() reads back as 0. */
  if (o->disk_max_readers > 0)
    {
      json_builder_set_member_name (b, "maxReaders");
      json_builder_add_int_value (b, o->disk_max_readers);
    }
  json_builder_set_member_name (b, "writeMap");
  json_builder_add_boolean_value (b, o->disk_write_map);
  json_builder_set_member_name (b, "noReadAhead");
  json_builder_add_boolean_value (b, o->disk_no_read_ahead);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "metrics");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "operations");
  json_builder_add_boolean_value (b, o->metrics_operations);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return kv_json_node_to_canonical (root, NULL);
}
