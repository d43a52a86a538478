#!/bin/sh
# test-k6-scripts.sh — every example script and end-to-end scenario, run by the
# build tree's k6-kv. TAP, one line per k6 run; a run's output is shown (as TAP
# comments) only when it fails. k6 exits non-zero when a threshold fails, and every
# script has `checks: rate==1`, so a broken invariant fails its run.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The lists come from Makefile-k6.am through the environment (make check exports
# them), so the scripts are named once, where they are also distributed:
#   K6_EXAMPLES        scripts run once each (examples/, the TypeScript checks)
#   K6_E2E             scenarios run with TRACK_KEYS=true and =false on each backend of
#   K6_E2E_BACKENDS    (memory disk by default: one conformance run for each)
#   K6_SNAPSHOT_MODES  the modes of the two-step snapshot scenario's check step
# The snapshot scenario runs in one directory: the fill script backs a memory store
# up to ./seed.kv, then the check script uses that snapshot on the disk backend in
# each mode (restore into a fresh store, open it read-only, open it read-write),
# in both trackKeys modes; a last pair runs the seed's "shared .k6.kv" workflow:
# backup() without options on memory, then openKv({backend: "disk"}) without a path.
# Runs happen in a temporary directory, so store files never land in the tree.
set -u
srcdir=${top_srcdir:-.}
K6_KV=${K6_KV:-${top_builddir:-.}/k6-plugin/k6-kv}
K6_KV=$(cd "$(dirname "$K6_KV")" && pwd)/$(basename "$K6_KV")
srcdir=$(cd "$srcdir" && pwd)
for var in K6_EXAMPLES K6_E2E K6_E2E_BACKENDS K6_SNAPSHOT_MODES; do
	eval "value=\${$var:-}"
	if [ -z "$value" ]; then
		echo "Bail out! $var is empty (make check sets it from Makefile-k6.am)"
		exit 1
	fi
done
if [ ! -x "$K6_KV" ]; then
	echo "Bail out! k6-kv not found at $K6_KV"
	exit 1
fi
export LIBKV_CHECK_CANONICAL=1 K6_NO_USAGE_REPORT=true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/k6-kv-check.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

n=0
# k6run SCRIPT [K6 ARGS…]: one k6-kv run in $tmp, one TAP line.
k6run () {
	script=$1
	shift
	n=$((n + 1))
	if (cd "$tmp" && "$K6_KV" run --quiet --no-color "$@" "$srcdir/$script") >"$tmp/run.log" 2>&1; then
		echo "ok $n - k6-kv run${*:+ $*} $script"
	else
		echo "not ok $n - k6-kv run${*:+ $*} $script"
		sed 's/^/# /' "$tmp/run.log"
	fi
}

for script in $K6_EXAMPLES; do k6run "$script"; done
for backend in $K6_E2E_BACKENDS; do
	for script in $K6_E2E; do
		for track in true false; do
			rm -f "$tmp"/e2e.k6.kv "$tmp"/e2e.k6.kv-lock
			k6run "$script" -e BACKEND="$backend" -e TRACK_KEYS="$track"
		done
	done
done
for track in true false; do
	rm -f "$tmp"/seed.kv "$tmp"/seed.kv-lock
	k6run e2e/snapshot-seed-fill.js -e SNAPSHOT=./seed.kv -e TRACK_KEYS="$track"
	for mode in $K6_SNAPSHOT_MODES; do
		rm -f "$tmp"/seed-check.k6.kv "$tmp"/seed-check.k6.kv-lock
		k6run e2e/snapshot-seed-check.js -e SNAPSHOT=./seed.kv -e MODE="$mode" -e TRACK_KEYS="$track"
	done
done
rm -f "$tmp"/.k6.kv "$tmp"/.k6.kv-lock
k6run e2e/snapshot-seed-fill.js -e SNAPSHOT=./.k6.kv
k6run e2e/snapshot-seed-check.js -e SNAPSHOT=./.k6.kv -e MODE=open
echo "1..$n"
