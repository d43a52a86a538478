/* kv-options.c — KvOptions: defaults, validation of the openKv() object, equality for lock-in.
 *
 * Each option is a field of KvOptions, an accessor pair and one line of
 * option_specs: reading, writing, comparing, copying and the list of
 * ignored bbolt knobs all walk that table.
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

/* The option table and what is driven by it: below, after the JSON readers. */
static gboolean options_equal (const KvOptions *a, const KvOptions *b);
static void options_dup_strings (KvOptions *o);
static void options_free_strings (KvOptions *o);
static char **options_ignored (const KvOptions *o);
static char *options_to_json (const KvOptions *o);

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
  options_dup_strings (o);
  return o;
}

void
kv_options_free (KvOptions *options)
{
  if (options == NULL)
    return;
  options_free_strings (options);
  g_free (options);
}

G_DEFINE_BOXED_TYPE (KvOptions, kv_options, kv_options_copy, kv_options_free)

gboolean
kv_options_equal (const KvOptions *a, const KvOptions *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return options_equal (a, b);
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
  g_return_val_if_fail (options != NULL, NULL);
  return options_ignored (options);
}

/* ---- Parsers shared with front ends ------------------------------------------------------- */

gboolean
_kv_parse_duration_ms (const char *text, guint64 *out_ms, GError **error)
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
_kv_parse_size (const char *text, guint64 *out_bytes, GError **error)
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

/* ---- The option table --------------------------------------------------------------------- */

/* How an option's JSON value is read and written, and the field it lives in. */
typedef enum
{
  OPTION_BACKEND,       /* KvBackendKind: "memory" or "disk" (InvalidBackendError) */
  OPTION_SERIALIZATION, /* KvSerialization: "json" or "string" (InvalidSerializationError) */
  OPTION_PATH,          /* char *: a string; "" is the default path */
  OPTION_BOOL,          /* gboolean */
  OPTION_SHARDS,        /* guint: any integer, normalised to 1 .. KV_MAX_SHARDS */
  OPTION_DURATION,      /* guint64 ms: a non-negative integer or a duration string */
  OPTION_SIZE,          /* guint64 bytes: a non-negative integer or a size string */
  OPTION_READERS,       /* guint: a positive integer; 0 (LMDB's default) is never written */
  OPTION_FREELIST_TYPE, /* char *: "", "array" or "map" */
} OptionKind;

typedef struct
{
  const char *section; /* NULL: a member of the options object itself */
  const char *name;
  OptionKind kind;
  gsize offset;     /* of the field in KvOptions */
  gboolean ignored; /* a bbolt knob: validated and compared, reported, never used */
} OptionSpec;

#define FIELD(f) G_STRUCT_OFFSET (KvOptions, f)

/* Every openKv() option, once. Reading goes in this order (so does the
 * first error reported), and the members of a section stay together. */
static const OptionSpec option_specs[] = {
  { NULL, "backend", OPTION_BACKEND, FIELD (backend) },
  { NULL, "serialization", OPTION_SERIALIZATION, FIELD (serialization) },
  { NULL, "path", OPTION_PATH, FIELD (path) },
  { NULL, "trackKeys", OPTION_BOOL, FIELD (track_keys) },
  { "memory", "shardCount", OPTION_SHARDS, FIELD (shard_count) },
  { "disk", "timeout", OPTION_DURATION, FIELD (disk_timeout_ms) },
  { "disk", "noSync", OPTION_BOOL, FIELD (disk_no_sync) },
  { "disk", "noGrowSync", OPTION_BOOL, FIELD (disk_no_grow_sync) },
  { "disk", "noFreelistSync", OPTION_BOOL, FIELD (disk_no_freelist_sync), TRUE },
  { "disk", "preLoadFreelist", OPTION_BOOL, FIELD (disk_preload_freelist), TRUE },
  { "disk", "readOnly", OPTION_BOOL, FIELD (disk_read_only) },
  { "disk", "mlock", OPTION_BOOL, FIELD (disk_mlock) },
  { "disk", "writeMap", OPTION_BOOL, FIELD (disk_write_map) },
  { "disk", "noReadAhead", OPTION_BOOL, FIELD (disk_no_read_ahead) },
  { "disk", "initialMmapSize", OPTION_SIZE, FIELD (disk_initial_mmap_size) },
  { "disk", "mapSize", OPTION_SIZE, FIELD (disk_map_size) },
  { "disk", "freelistType", OPTION_FREELIST_TYPE, FIELD (disk_freelist_type), TRUE },
  { "disk", "maxReaders", OPTION_READERS, FIELD (disk_max_readers) },
  { "metrics", "operations", OPTION_BOOL, FIELD (metrics_operations) },
};

#define BOOL_AT(o, spec) (*(gboolean *) G_STRUCT_MEMBER_P (o, (spec)->offset))
#define UINT_AT(o, spec) (*(guint *) G_STRUCT_MEMBER_P (o, (spec)->offset))
#define UINT64_AT(o, spec) (*(guint64 *) G_STRUCT_MEMBER_P (o, (spec)->offset))
#define STR_AT(o, spec) (*(char **) G_STRUCT_MEMBER_P (o, (spec)->offset))

static gboolean
is_string_option (const OptionSpec *spec)
{
  return spec->kind == OPTION_PATH || spec->kind == OPTION_FREELIST_TYPE;
}

static gboolean
options_equal (const KvOptions *a, const KvOptions *b)
{
  for (gsize i = 0; i < G_N_ELEMENTS (option_specs); i++)
    {
      const OptionSpec *spec = &option_specs[i];
      gboolean same;

      switch (spec->kind)
        {
        case OPTION_BACKEND:
          same = a->backend == b->backend;
          break;
        case OPTION_SERIALIZATION:
          same = a->serialization == b->serialization;
          break;
        case OPTION_BOOL:
          same = BOOL_AT (a, spec) == BOOL_AT (b, spec);
          break;
        case OPTION_SHARDS:
        case OPTION_READERS:
          same = UINT_AT (a, spec) == UINT_AT (b, spec);
          break;
        case OPTION_DURATION:
        case OPTION_SIZE:
          same = UINT64_AT (a, spec) == UINT64_AT (b, spec);
          break;
        case OPTION_PATH:
        case OPTION_FREELIST_TYPE:
        default:
          same = g_str_equal (STR_AT (a, spec), STR_AT (b, spec));
          break;
        }
      if (!same)
        return FALSE;
    }
  return TRUE;
}

/* The string fields of @o, duplicated (after a copy) or freed. */
static void
options_dup_strings (KvOptions *o)
{
  for (gsize i = 0; i < G_N_ELEMENTS (option_specs); i++)
    if (is_string_option (&option_specs[i]))
      STR_AT (o, &option_specs[i]) = g_strdup (STR_AT (o, &option_specs[i]));
}

static void
options_free_strings (KvOptions *o)
{
  for (gsize i = 0; i < G_N_ELEMENTS (option_specs); i++)
    if (is_string_option (&option_specs[i]))
      g_free (STR_AT (o, &option_specs[i]));
}

static char **
options_ignored (const KvOptions *o)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (option_specs); i++)
    {
      const OptionSpec *spec = &option_specs[i];
      if (spec->ignored &&
          (is_string_option (spec) ? *STR_AT (o, spec) != '\0' : BOOL_AT (o, spec)))
        g_strv_builder_add (b, spec->name);
    }
  return g_strv_builder_end (b);
}

static gboolean invalid (GError **error, KvError code, const OptionSpec *spec, const char *format,
                         ...) G_GNUC_PRINTF (4, 5);

/* "option SECTION.NAME " + @format, as InvalidOptionsError unless @code says otherwise. */
static gboolean
invalid (GError **error, KvError code, const OptionSpec *spec, const char *format, ...)
{
  g_autofree char *rest = NULL;
  va_list args;

  va_start (args, format);
  rest = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, KV_ERROR, code, "option %s%s%s %s", spec->section ? spec->section : "",
               spec->section ? "." : "", spec->name, rest);
  return FALSE;
}

/* A byte count or a duration: a non-negative integer, or a string for @parse. */
static gboolean
read_quantity (const OptionSpec *spec, JsonNode *node, guint64 *out,
               gboolean (*parse) (const char *, guint64 *, GError **), GError **error)
{
  gint64 n;

  if (node_is_type (node, G_TYPE_STRING))
    {
      g_autoptr (GError) local = NULL;
      if (parse (json_node_get_string (node), out, &local))
        return TRUE;
      g_set_error (error, KV_ERROR, KV_ERROR_INVALID_OPTIONS, "option %s.%s: %s", spec->section,
                   spec->name, local->message);
      return FALSE;
    }
  if (!node_is_type (node, G_TYPE_BOOLEAN) && node_get_integer (node, &n) && n >= 0)
    {
      *out = (guint64) n;
      return TRUE;
    }
  if (spec->kind == OPTION_DURATION)
    return invalid (error, KV_ERROR_INVALID_OPTIONS, spec,
                    "must be a non-negative number of milliseconds or a duration string such as "
                    "\"1s\"");
  return invalid (error, KV_ERROR_INVALID_OPTIONS, spec,
                  "must be a non-negative integer number of bytes or a size string such as "
                  "\"64MB\"");
}

/* @node's text when it is one of @choices (a NULL-terminated list); else NULL. */
static const char *
one_of (JsonNode *node, const char *const *choices)
{
  const char *text = node_is_type (node, G_TYPE_STRING) ? json_node_get_string (node) : NULL;

  return text && g_strv_contains (choices, text) ? text : NULL;
}

/* Reads the option of @spec from @node into @o. */
static gboolean
read_option (KvOptions *o, const OptionSpec *spec, JsonNode *node, GError **error)
{
  static const char *const backends[] = { "memory", "disk", NULL };
  static const char *const serializations[] = { "json", "string", NULL };
  static const char *const freelist_types[] = { "", "array", "map", NULL };
  const char *text;
  gint64 n;

  switch (spec->kind)
    {
    case OPTION_BACKEND:
    case OPTION_SERIALIZATION:
      {
        gboolean backend = spec->kind == OPTION_BACKEND;
        text = one_of (node, backend ? backends : serializations);
        if (text == NULL)
          {
            const char *given =
                node_is_type (node, G_TYPE_STRING) ? json_node_get_string (node) : NULL;
            g_set_error (error, KV_ERROR,
                         backend ? KV_ERROR_INVALID_BACKEND : KV_ERROR_INVALID_SERIALIZATION,
                         "invalid %s %s%s%s: use %s", spec->name, given ? "\"" : "",
                         given ? given : "(not a string)", given ? "\"" : "",
                         backend ? "\"memory\" or \"disk\"" : "\"json\" or \"string\"");
            return FALSE;
          }
        if (backend)
          o->backend = g_str_equal (text, "memory") ? KV_BACKEND_MEMORY : KV_BACKEND_DISK;
        else
          o->serialization =
              g_str_equal (text, "json") ? KV_SERIALIZATION_JSON : KV_SERIALIZATION_STRING;
        return TRUE;
      }
    case OPTION_PATH:
      if (!node_is_type (node, G_TYPE_STRING))
        return invalid (error, KV_ERROR_INVALID_OPTIONS, spec, "must be a string");
      kv_options_set_path (o, json_node_get_string (node));
      return TRUE;
    case OPTION_BOOL:
      if (!node_is_type (node, G_TYPE_BOOLEAN))
        return invalid (error, KV_ERROR_INVALID_OPTIONS, spec, "must be a boolean");
      BOOL_AT (o, spec) = json_node_get_boolean (node);
      return TRUE;
    case OPTION_SHARDS:
      if (node_is_type (node, G_TYPE_BOOLEAN) || !node_get_integer (node, &n))
        return invalid (error, KV_ERROR_INVALID_OPTIONS, spec, "must be an integer");
      UINT_AT (o, spec) = normalise_shard_count (n);
      return TRUE;
    case OPTION_DURATION:
      return read_quantity (spec, node, &UINT64_AT (o, spec), _kv_parse_duration_ms, error);
    case OPTION_SIZE:
      return read_quantity (spec, node, &UINT64_AT (o, spec), _kv_parse_size, error);
    case OPTION_READERS:
      if (!node_get_integer (node, &n) || n < 1 || n > G_MAXINT32)
        return invalid (error, KV_ERROR_INVALID_OPTIONS, spec, "must be a positive integer");
      UINT_AT (o, spec) = (guint) n;
      return TRUE;
    case OPTION_FREELIST_TYPE:
    default:
      text = one_of (node, freelist_types);
      if (text == NULL)
        return invalid (error, KV_ERROR_INVALID_OPTIONS, spec,
                        "must be \"\", \"array\" or \"map\"");
      g_free (STR_AT (o, spec));
      STR_AT (o, spec) = g_strdup (text);
      return TRUE;
    }
}

/* The object @name of @root, NULL when absent (or null); FALSE when it is not an object. */
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
  const char *section_name = NULL;
  JsonObject *section = root;

  for (gsize i = 0; i < G_N_ELEMENTS (option_specs); i++)
    {
      const OptionSpec *spec = &option_specs[i];
      JsonNode *node;

      /* A section is looked at when its first option comes up. */
      if (g_strcmp0 (spec->section, section_name) != 0)
        {
          section_name = spec->section;
          if (!read_section (root, section_name, &section, error))
            return FALSE;
        }
      if (section != NULL && member_present (section, spec->name, &node) &&
          !read_option (o, spec, node, error))
        return FALSE;
    }
  return TRUE;
}

static JsonNode *
option_to_node (const KvOptions *o, const OptionSpec *spec)
{
  JsonNode *node = json_node_alloc ();

  switch (spec->kind)
    {
    case OPTION_BACKEND:
      return json_node_init_string (node, o->backend == KV_BACKEND_MEMORY ? "memory" : "disk");
    case OPTION_SERIALIZATION:
      return json_node_init_string (node, _kv_serialization_name (o->serialization));
    case OPTION_BOOL:
      return json_node_init_boolean (node, BOOL_AT (o, spec));
    case OPTION_SHARDS:
    case OPTION_READERS:
      return json_node_init_int (node, UINT_AT (o, spec));
    case OPTION_DURATION:
    case OPTION_SIZE:
      return json_node_init_int (node, (gint64) UINT64_AT (o, spec));
    case OPTION_PATH:
    case OPTION_FREELIST_TYPE:
    default:
      return json_node_init_string (node, STR_AT (o, spec));
    }
}

static char *
options_to_json (const KvOptions *o)
{
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *top = json_object_new ();

  json_node_take_object (root, top);

  /* Every section is written, even with nothing in it to say. */
  for (gsize i = 0; i < G_N_ELEMENTS (option_specs); i++)
    {
      const OptionSpec *spec = &option_specs[i];
      JsonObject *into = top;

      if (spec->section != NULL)
        {
          if (!json_object_has_member (top, spec->section))
            json_object_set_object_member (top, spec->section, json_object_new ());
          into = json_object_get_object_member (top, spec->section);
        }
      /* 0 is "LMDB's default", which the parser does not take as a value:
       * leaving it out is what kv_options_new_from_json() reads back as 0. */
      if (spec->kind == OPTION_READERS && UINT_AT (o, spec) == 0)
        continue;
      json_object_set_member (into, spec->name, option_to_node (o, spec));
    }
  return _kv_json_node_to_canonical (root, NULL);
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
  g_return_val_if_fail (o != NULL, NULL);
  return options_to_json (o);
}
