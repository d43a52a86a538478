/* fuzz-libfuzzer.c — the libFuzzer entry points around one property function.
 *
 * Built once per target with -DFUZZ_ONE=fuzz_one_NAME (see Makefile-fuzz.am).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "fuzz/fuzz-properties.h"

#ifndef FUZZ_ONE
#error "build with -DFUZZ_ONE=fuzz_one_NAME"
#endif

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return FUZZ_ONE (data, size);
}
