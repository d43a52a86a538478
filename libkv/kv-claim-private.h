/* kv-claim-private.h — building KvClaim values inside the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kv-backend-private.h"

G_BEGIN_DECLS

/* @value (nullable) is referenced, @record copied. */
KvClaim *_kv_claim_new (const char *key, const KvClaimRecord *record, GBytes *value);

G_END_DECLS
