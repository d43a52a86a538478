/* kva-builtins.h — the kv-admin commands; one kva-builtin-<command>.c each.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kva-common.h"

G_BEGIN_DECLS

#define KVA_DECLARE_BUILTIN(name)                                                                  \
  gboolean kva_builtin_##name (int argc, char **argv, KvaInvocation *invocation, GError **error)

KVA_DECLARE_BUILTIN (count);
KVA_DECLARE_BUILTIN (get);
KVA_DECLARE_BUILTIN (stats);

G_END_DECLS
