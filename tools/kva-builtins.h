/* kva-builtins.h — the kv-admin commands; one kva-builtin-<command>.c each.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "kva-common.h"

G_BEGIN_DECLS

#define KVA_DECLARE_BUILTIN(name)                                                                  \
  gboolean kva_builtin_##name (int argc, char **argv, KvaInvocation *invocation, GError **error)

KVA_DECLARE_BUILTIN (backup);
KVA_DECLARE_BUILTIN (claims);
KVA_DECLARE_BUILTIN (compact);
KVA_DECLARE_BUILTIN (count);
KVA_DECLARE_BUILTIN (export);
KVA_DECLARE_BUILTIN (get);
KVA_DECLARE_BUILTIN (import);
KVA_DECLARE_BUILTIN (list);
KVA_DECLARE_BUILTIN (restore);
KVA_DECLARE_BUILTIN (scan);
KVA_DECLARE_BUILTIN (stats);
KVA_DECLARE_BUILTIN (verify);

/* Shared by list and scan (kva-builtin-list.c). */
gboolean kva_print_items_human (GPtrArray *items, gboolean keys_only, GError **error);
gboolean kva_builder_add_items (JsonBuilder *builder, KvStore *store, GPtrArray *items,
                                gboolean keys_only, GError **error);

/* Shared by export and import (kva-builtin-export.c). */
gboolean kva_parse_format (KvaInvocation *invocation, const char *format, gboolean *csv,
                           GError **error);
void kva_print_transfer_summary (KvaInvocation *invocation, const char *file, const char *format,
                                 const KvTransferSummary *summary);

/* Shared by backup and compact (kva-builtin-backup.c). */
gboolean kva_backup_to (KvaInvocation *invocation, KvStore *store, const char *file,
                        gint64 max_entries, gint64 max_bytes, GError **error);
gboolean kva_check_budgets (KvaInvocation *invocation, gint64 max_entries, gint64 max_bytes,
                            GError **error);

G_END_DECLS
