/* kva-builtin-compact.c — `kv-admin compact STORE OUTPUT`: a compacting copy
 * of a store. LMDB files never shrink in place; its copy with compaction
 * writes only the pages in use, which is what a backup does, so compact is a
 * backup to OUTPUT under the name users look for. STORE is not changed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "kva-builtins.h"

gboolean
kva_builtin_compact (int argc, char **argv, KvaInvocation *invocation, GError **error)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("STORE OUTPUT");
  g_autoptr (KvStore) store = NULL;
  const char *output;

  g_option_context_set_description (
      context,
      "The compacted copy is a snapshot, exactly what 'kv-admin backup STORE OUTPUT'\n"
      "writes: an LMDB file of the pages in use, with a checksum trailer (claims are not\n"
      "copied). STORE is opened read-only and left as it is; open OUTPUT as a disk store,\n"
      "or restore it into STORE, to use it. Safe while a k6 test writes STORE: the copy\n"
      "is a consistent snapshot taken without blocking writers.\n"
      "\n"
      "Exit status: 0 on success, 1 if the operation failed, 2 on bad usage.");
  if (!kva_option_context_parse (context, NULL, &argc, &argv, invocation, KVA_BUILTIN_FLAG_NONE,
                                 error))
    return FALSE;
  if (!kva_expect_path_arg (invocation, argc, argv, "OUTPUT", &output, error))
    return FALSE;
  /* A copy onto the store itself would be libkv's no-op backup: say so instead. */
  if (!kva_check_output_path (invocation, "OUTPUT", output, FALSE, error))
    return FALSE;

  store = kva_invocation_open_store (invocation, error);
  if (store == NULL)
    return FALSE;
  return kva_backup_to (invocation, store, output, 0, 0, error);
}
