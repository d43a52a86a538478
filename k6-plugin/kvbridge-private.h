/* kvbridge-private.h — the result packing shared by the kvbridge*.c files.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kvbridge.h"

void kvb_out_reset (KvbOut *out);
void kvb_out_put (KvbOut *out, const void *bytes, gsize n);
void kvb_out_put_u64 (KvbOut *out, guint64 v);
void kvb_out_put_i64 (KvbOut *out, gint64 v);
void kvb_out_put_str (KvbOut *out, const char *s);
void kvb_out_put_opt_str (KvbOut *out, const char *s);
void kvb_out_take_value (KvbOut *out, GBytes *bytes);
void kvb_out_put_items (KvbOut *out, GPtrArray *items);
void kvb_out_error (KvbOut *out, GError *error, GPtrArray *items);
void kvb_out_put_bytes (KvbOut *out, GBytes *bytes);
void kvb_out_put_keys (KvbOut *out, GPtrArray *keys);
void kvb_out_put_entries (KvbOut *out, GPtrArray *entries);
void kvb_out_put_claim (KvbOut *out, const KvClaim *claim);
void kvb_out_put_claims (KvbOut *out, GPtrArray *claims);
/* An error (taken), or a u64 flag then the claim when there is one. */
void kvb_out_put_optional_claim (KvbOut *out, const KvClaim *claim, GError *error);
const char **kvb_split_keys (const char *packed, gsize n);
