/* kv.h — libkv, a shared key-value store for load tests. Include only this header.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define __LIBKV_H_INSIDE__

#include <libkv/kv-version.h>
#include <libkv/kv-version-macros.h>
#include <libkv/kv-enum-types.h>
#include <libkv/kv-error.h>
#include <libkv/kv-progress.h>
#include <libkv/kv-options.h>
#include <libkv/kv-json.h>
#include <libkv/kv-entry.h>
#include <libkv/kv-store.h>
#include <libkv/kv-claim.h>
#include <libkv/kv-submit.h>
#include <libkv/kv-jsonl.h>
#include <libkv/kv-snapshot.h>
#include <libkv/kv-csv.h>
#include <libkv/kv-frontend.h>

#undef __LIBKV_H_INSIDE__
