/* kva-builtin-claims.c — `kv-admin claims STORE [--prefix=P] [--expired]`:
 * the claim records of a store, live ones by default.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "kva-builtins.h"

static char *opt_prefix;
static gboolean opt_expired;

static const GOptionEntry claims_entries[] = {
  { "prefix", 0, 0, G_OPTION_ARG_STRING, &opt_prefix,
    "List only the claims of keys that start with PREFIX", "PREFIX" },
  { "expired", 0, 0, G_OPTION_ARG_NONE, &opt_expired,
    "Also list claim records whose lease has expired (expiry is lazy: they stay until the key "
    "is claimed again, released or deleted)",
    NULL },
  { NULL },
};

/* Expiry as ISO 8601 UTC with milliseconds, the precision claims have. */
static char *
format_time (gint64 unix_ms)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_ms / 1000);
  g_autofree char *seconds = NULL;

  if (dt == NULL || unix_ms < 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, unix_ms);
  seconds = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", seconds, (int) (unix_ms % 1000));
}

gboolean
kva_builtin_claims (int argc, char **argv, KvaInvocation *invocation, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("STORE");
  g_autoptr (KvStore) store = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr (GPtrArray) claims = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  gboolean include_expired;
  gint64 now_ms;
  guint live = 0;

  if (!kva_option_context_parse (context, claims_entries, &argc, &argv, invocation,
                                 KVA_BUILTIN_FLAG_NONE, error))
    return FALSE;
  prefix = g_steal_pointer (&opt_prefix);
  include_expired = opt_expired;
  if (!kva_expect_args (invocation, argc, argv, 0, "", error))
    return FALSE;

  store = kva_invocation_open_store (invocation, error);
  if (store == NULL)
    return FALSE;

  kva_progress_begin (invocation, "listing claims", KVA_PROGRESS_STATUS);
  claims = kv_store_list_claims (store, prefix, include_expired, error);
  kva_progress_end (invocation);
  if (claims == NULL)
    return FALSE;
  /* Judged after the listing, so a claim shown live was live when printed. */
  now_ms = g_get_real_time () / 1000;

  if (invocation->json)
    {
      builder = json_builder_new_immutable ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "claims");
      json_builder_begin_array (builder);
    }

  for (guint i = 0; i < claims->len; i++)
    {
      const KvClaim *claim = g_ptr_array_index (claims, i);
      gint64 expires_at = kv_claim_get_expires_at (claim);
      const char *owner = kv_claim_get_owner (claim);
      gboolean is_live = expires_at > now_ms;

      live += is_live;
      if (invocation->json)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "expiresAt");
          json_builder_add_int_value (builder, expires_at);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, kv_claim_get_id (claim));
          json_builder_set_member_name (builder, "key");
          json_builder_add_string_value (builder, kv_claim_get_key (claim));
          json_builder_set_member_name (builder, "live");
          json_builder_add_boolean_value (builder, is_live);
          json_builder_set_member_name (builder, "owner");
          if (owner != NULL)
            json_builder_add_string_value (builder, owner);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "token");
          json_builder_add_int_value (builder, (gint64) kv_claim_get_token (claim));
          json_builder_end_object (builder);
        }
      else
        {
          g_autofree char *when = format_time (expires_at);

          if (printf ("%s\t%s\t%" G_GUINT64_FORMAT "\t%s\t%s\t%s\n", kv_claim_get_key (claim),
                      kv_claim_get_id (claim), kv_claim_get_token (claim),
                      owner != NULL && *owner != '\0' ? owner : "-", when,
                      is_live ? "live" : "expired") < 0)
            return kva_stdout_error (error);
        }
    }

  if (invocation->json)
    {
      g_autoptr (JsonNode) result = NULL;

      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "expired");
      json_builder_add_int_value (builder, claims->len - live);
      json_builder_set_member_name (builder, "live");
      json_builder_add_int_value (builder, live);
      json_builder_set_member_name (builder, "prefix");
      json_builder_add_string_value (builder, prefix != NULL ? prefix : "");
      json_builder_end_object (builder);
      result = json_builder_get_root (builder);
      kva_print_json_node (result);
    }
  return TRUE;
}
