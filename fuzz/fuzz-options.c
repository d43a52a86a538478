/* fuzz-options.c — options JSON: kv_options_new_from_json() and the kv_options_to_json() round trip.
 *
 * Properties: whatever parses, its to_json output parses again and gives the
 * same to_json output (and equal options); a refusal is a KV_ERROR with a
 * valid UTF-8 message. The input is a C string: it ends at its first NUL.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "fuzz/fuzz-properties.h"

#define T "options"

int
fuzz_one_options (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (KvOptions) options = kv_options_new_from_json (text, &error);
  g_autoptr (KvOptions) again = NULL;
  g_autofree char *json = NULL, *json_again = NULL;

  if (options == NULL)
    {
      fuzz_check_error (T, "kv_options_new_from_json", error);
      return 0;
    }
  json = kv_options_to_json (options);
  FUZZ_CHECK (T, json != NULL && g_utf8_validate (json, -1, NULL),
              "kv_options_to_json gave no valid UTF-8 text");
  again = kv_options_new_from_json (json, &error);
  FUZZ_CHECK (T, again != NULL, "kv_options_new_from_json refuses kv_options_to_json's %s: %s",
              json, error->message);
  json_again = kv_options_to_json (again);
  FUZZ_CHECK (T, g_str_equal (json, json_again),
              "the to_json round trip changes the options:\n  once:  %s\n  twice: %s", json,
              json_again);
  FUZZ_CHECK (T, kv_options_equal (options, again),
              "options read back from %s are not kv_options_equal to the original", json);
  return 0;
}
