/* kv-version-macros.h — visibility, availability and deprecation annotations for the public API.
 *
 * GLib's scheme: every public prototype carries KV_AVAILABLE_IN_x_y (or, once
 * deprecated, KV_DEPRECATED_IN_x_y[_FOR]). A program that defines
 * KV_VERSION_MIN_REQUIRED is warned about what was deprecated in or before that
 * version, and one that defines KV_VERSION_MAX_ALLOWED is warned when it uses
 * what came later — so it keeps building against the oldest libkv it supports.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__LIBKV_H_INSIDE__) && !defined(KV_COMPILATION)
#error "Only <libkv/kv.h> can be included directly."
#endif

#include <glib.h>
#include <libkv/kv-version.h>

/* The library is built with -fvisibility=hidden; only prototypes carrying
 * KV_AVAILABLE_IN_* are exported (and libkv.map double-checks at link time). */
#if defined(KV_COMPILATION) && defined(__GNUC__)
#define _KV_EXTERN __attribute__ ((visibility ("default"))) extern
#else
#define _KV_EXTERN extern
#endif

/**
 * KV_VERSION_1_0:
 *
 * The libkv 1.0 API, as a value for %KV_VERSION_MIN_REQUIRED and
 * %KV_VERSION_MAX_ALLOWED. Encoded as G_ENCODE_VERSION() does.
 *
 * Since: 1.0
 */
#define KV_VERSION_1_0 (G_ENCODE_VERSION (1, 0))

/**
 * KV_VERSION_CUR_STABLE:
 *
 * The API of the headers in use, encoded as %KV_VERSION_1_0 is.
 *
 * Since: 1.0
 */
#define KV_VERSION_CUR_STABLE (G_ENCODE_VERSION (KV_MAJOR_VERSION, KV_MINOR_VERSION))

/**
 * KV_VERSION_MIN_REQUIRED:
 *
 * Define it before including `<libkv/kv.h>` to the oldest libkv API the
 * program supports (%KV_VERSION_1_0, …): deprecation warnings then cover only
 * what was deprecated in that version or earlier. Defaults to
 * %KV_VERSION_CUR_STABLE.
 *
 * Since: 1.0
 */
#ifndef KV_VERSION_MIN_REQUIRED
#define KV_VERSION_MIN_REQUIRED (KV_VERSION_CUR_STABLE)
#endif

/**
 * KV_VERSION_MAX_ALLOWED:
 *
 * Define it before including `<libkv/kv.h>` to the newest libkv API the
 * program may use: anything added after it warns as unavailable. Defaults to
 * %KV_VERSION_MIN_REQUIRED when that is newer than these headers, else to
 * %KV_VERSION_CUR_STABLE.
 *
 * Since: 1.0
 */
#ifndef KV_VERSION_MAX_ALLOWED
#if KV_VERSION_MIN_REQUIRED > KV_VERSION_CUR_STABLE
#define KV_VERSION_MAX_ALLOWED (KV_VERSION_MIN_REQUIRED)
#else
#define KV_VERSION_MAX_ALLOWED (KV_VERSION_CUR_STABLE)
#endif
#endif

#if KV_VERSION_MAX_ALLOWED < KV_VERSION_MIN_REQUIRED
#error "KV_VERSION_MAX_ALLOWED must be >= KV_VERSION_MIN_REQUIRED"
#endif
#if KV_VERSION_MIN_REQUIRED < KV_VERSION_1_0
#error "KV_VERSION_MIN_REQUIRED must be >= KV_VERSION_1_0: there is no older libkv API"
#endif

/**
 * KV_DEPRECATED:
 *
 * Marks a deprecated function: using it warns, unless
 * `KV_DISABLE_DEPRECATION_WARNINGS` is defined. Prefer the versioned
 * KV_DEPRECATED_IN_1_0().
 *
 * Since: 1.0
 */

/**
 * KV_DEPRECATED_FOR:
 * @f: the function to use instead
 *
 * Like KV_DEPRECATED(), naming the replacement in the warning.
 *
 * Since: 1.0
 */

/**
 * KV_UNAVAILABLE:
 * @maj: the major version that added the function
 * @min: the minor version that added the function
 *
 * Marks a function that is newer than %KV_VERSION_MAX_ALLOWED: using it warns.
 *
 * Since: 1.0
 */

/**
 * KV_DEPRECATED_TYPE:
 *
 * Marks a deprecated type, as KV_DEPRECATED() marks a function.
 *
 * Since: 1.0
 */

/**
 * KV_DEPRECATED_TYPE_FOR:
 * @f: the type to use instead
 *
 * Like KV_DEPRECATED_TYPE(), naming the replacement in the warning.
 *
 * Since: 1.0
 */

/* The library itself, and programs that ask for it, build without
 * deprecation warnings (GLib's GLIB_DISABLE_DEPRECATION_WARNINGS). */
#if defined(KV_DISABLE_DEPRECATION_WARNINGS) || defined(KV_COMPILATION)
#define KV_DEPRECATED _KV_EXTERN
#define KV_DEPRECATED_FOR(f) _KV_EXTERN
#define KV_UNAVAILABLE(maj, min) _KV_EXTERN
#define KV_DEPRECATED_TYPE
#define KV_DEPRECATED_TYPE_FOR(f)
#else
#define KV_DEPRECATED G_DEPRECATED _KV_EXTERN
#define KV_DEPRECATED_FOR(f) G_DEPRECATED_FOR (f) _KV_EXTERN
#define KV_UNAVAILABLE(maj, min) G_UNAVAILABLE (maj, min) _KV_EXTERN
#define KV_DEPRECATED_TYPE G_DEPRECATED
#define KV_DEPRECATED_TYPE_FOR(f) G_DEPRECATED_FOR (f)
#endif

/**
 * KV_AVAILABLE_IN_ALL:
 *
 * Marks a function that every version of libkv has, whatever the version
 * limits: for functions that must never warn.
 *
 * Since: 1.0
 */
#define KV_AVAILABLE_IN_ALL _KV_EXTERN

/**
 * KV_DEPRECATED_IN_1_0:
 *
 * Marks a function deprecated in libkv 1.0: it warns when
 * %KV_VERSION_MIN_REQUIRED is 1.0 or later.
 *
 * Since: 1.0
 */

/**
 * KV_DEPRECATED_IN_1_0_FOR:
 * @f: the function to use instead
 *
 * Like KV_DEPRECATED_IN_1_0(), naming the replacement in the warning.
 *
 * Since: 1.0
 */

/**
 * KV_DEPRECATED_TYPE_IN_1_0:
 *
 * Marks a type deprecated in libkv 1.0, as KV_DEPRECATED_IN_1_0() marks a
 * function.
 *
 * Since: 1.0
 */

/**
 * KV_DEPRECATED_TYPE_IN_1_0_FOR:
 * @f: the type to use instead
 *
 * Like KV_DEPRECATED_TYPE_IN_1_0(), naming the replacement in the warning.
 *
 * Since: 1.0
 */

/**
 * KV_AVAILABLE_IN_1_0:
 *
 * Marks a function added in libkv 1.0: it warns when %KV_VERSION_MAX_ALLOWED
 * is older. Every function of libkv 1.0 carries it; it also exports the
 * function from the library (which is built with `-fvisibility=hidden`).
 *
 * Since: 1.0
 */

/* One block per minor version. A release 1.y copies this block for 1_y:
 * KV_VERSION_1_y, then KV_AVAILABLE_IN_1_y and KV_DEPRECATED_IN_1_y[_FOR]
 * with 1_0 replaced, and documents the new macros as above. */
#if KV_VERSION_MIN_REQUIRED >= KV_VERSION_1_0
#define KV_DEPRECATED_IN_1_0 KV_DEPRECATED
#define KV_DEPRECATED_IN_1_0_FOR(f) KV_DEPRECATED_FOR (f)
#define KV_DEPRECATED_TYPE_IN_1_0 KV_DEPRECATED_TYPE
#define KV_DEPRECATED_TYPE_IN_1_0_FOR(f) KV_DEPRECATED_TYPE_FOR (f)
#else
#define KV_DEPRECATED_IN_1_0 _KV_EXTERN
#define KV_DEPRECATED_IN_1_0_FOR(f) _KV_EXTERN
#define KV_DEPRECATED_TYPE_IN_1_0
#define KV_DEPRECATED_TYPE_IN_1_0_FOR(f)
#endif

#if KV_VERSION_MAX_ALLOWED < KV_VERSION_1_0
#define KV_AVAILABLE_IN_1_0 KV_UNAVAILABLE (1, 0)
#else
#define KV_AVAILABLE_IN_1_0 _KV_EXTERN
#endif
