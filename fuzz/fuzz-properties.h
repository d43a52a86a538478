/* fuzz-properties.h — the property each fuzz target checks, one function per target.
 *
 * Every fuzz_one_NAME() takes one input, runs it through libkv and checks the
 * target's properties; a broken property ends the process through
 * fuzz_fail() (abort), which libFuzzer records as a crash and the replay test
 * (tests/test-fuzz-replay.c) as a failed test. The same functions are linked
 * into the libFuzzer harnesses (fuzz/fuzz-libfuzzer.c) and the replay test, so
 * a saved input replays exactly what the fuzzer ran.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "libkv/kv.h"

G_BEGIN_DECLS

int fuzz_one_json (const uint8_t *data, size_t size);
int fuzz_one_options (const uint8_t *data, size_t size);
int fuzz_one_jsonl (const uint8_t *data, size_t size);
int fuzz_one_csv (const uint8_t *data, size_t size);
int fuzz_one_snapshot (const uint8_t *data, size_t size);
int fuzz_one_cursor (const uint8_t *data, size_t size);
int fuzz_one_store_file (const uint8_t *data, size_t size);

typedef int (*FuzzOneFunc) (const uint8_t *data, size_t size);

typedef struct
{
  const char *name; /* as in fuzz/corpus/NAME and fuzz-NAME */
  FuzzOneFunc one;
} FuzzTarget;

/* Every target, NULL-terminated. */
extern const FuzzTarget fuzz_targets[];

/* Once per process, before the first input: warnings and criticals abort (as
 * G_DEBUG=fatal-warnings does in the tests), so a g_return_if_fail() reached
 * from an input is a finding too. */
void fuzz_init (void);

/* Reports a broken property of @target and aborts. */
G_NORETURN void fuzz_fail (const char *target, const char *format, ...) G_GNUC_PRINTF (2, 3);

#define FUZZ_CHECK(target, cond, ...)                                                              \
  do                                                                                               \
    {                                                                                              \
      if (!(cond))                                                                                 \
        fuzz_fail (target, __VA_ARGS__);                                                           \
    }                                                                                              \
  while (0)

/* A refusal must be a GError in the KV_ERROR domain with a known code and a
 * valid UTF-8 message (@what names the call, for the report). */
void fuzz_check_error (const char *target, const char *what, const GError *error);

/* A scratch directory of this process, removed at exit. */
const char *fuzz_scratch_dir (void);

/* Writes @data to @name in the scratch directory; returns the path (g_free it). */
char *fuzz_write_file (const char *name, const void *data, size_t size);

/* Removes @path and its LMDB lock file, if any. */
void fuzz_remove_file (const char *path);

/* A new memory store, with a few entries so that "changed nothing" is visible. */
KvStore *fuzz_seeded_memory_store (KvSerialization mode);

/* Every entry of @store as one string (keys and values, escaped), to compare
 * a store before and after an operation. */
char *fuzz_store_dump (const char *target, KvStore *store);

/* The agreement JSONL and CSV share: validate and import the file at @path
 * into a seeded memory store of @mode. valid ⇔ the import succeeds, with the
 * validated record count; invalid ⇒ the import fails and the store is as it was. */
typedef gboolean (*FuzzValidateFunc) (const char *path, gconstpointer how, KvValidation *out,
                                      GError **error);
typedef gboolean (*FuzzImportFunc) (KvStore *store, const char *path, gconstpointer how,
                                    KvTransferSummary *out, GError **error);
void fuzz_check_import_agreement (const char *target, const char *path, KvSerialization mode,
                                  FuzzValidateFunc validate, FuzzImportFunc import,
                                  gconstpointer how);

G_END_DECLS
