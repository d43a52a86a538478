/* kv-version-macros.h — visibility and availability annotations for the public API.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

/* The library is built with -fvisibility=hidden; only prototypes carrying
 * KV_AVAILABLE_IN_* are exported (and libkv.map double-checks at link time). */
#if defined(KV_COMPILATION) && defined(__GNUC__)
#define _KV_EXTERN __attribute__ ((visibility ("default"))) extern
#else
#define _KV_EXTERN extern
#endif

#define KV_VERSION_1_0 (1 << 16 | 0)

/* Marks a symbol introduced in libkv 1.0. */
#define KV_AVAILABLE_IN_1_0 _KV_EXTERN
#define KV_AVAILABLE_IN_ALL _KV_EXTERN
