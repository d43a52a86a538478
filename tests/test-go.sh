#!/bin/sh
# test-go.sh — the k6 extension's Go code: go vet, then the Go tests, against the
# build tree's libkv. TAP, one line per step; a step's output is shown (as TAP
# comments) only when it fails.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Run by make check (Makefile-k6.am, with the k6 plugin built), which exports GO,
# the cgo environment of the k6-kv build (CGO_*, GOFLAGS, PKG_CONFIG_PATH pointing
# at k6-plugin/pkgconfig) and LD_LIBRARY_PATH to libkv/.libs. The same environment
# means the same Go build cache entries as the k6-kv build: cgo is compiled once.
# LIBKV_CHECK_CANONICAL=1: libkv re-checks every value the binding hands it as
# canonical, so an encoder that drifts from kv_json_canonicalize() fails here.
set -u
srcdir=${top_srcdir:-.}
if [ -z "${GO:-}" ]; then
	echo "Bail out! GO is not set (make check sets it when the k6 plugin is built)"
	exit 1
fi
export LIBKV_CHECK_CANONICAL=1
log=$(mktemp "${TMPDIR:-/tmp}/test-go.XXXXXX") || exit 99
trap 'rm -f "$log"' EXIT
echo "1..2"
n=0
step () {
	n=$((n + 1))
	what=$1
	shift
	if (cd "$srcdir/k6-plugin" && "$@") >"$log" 2>&1; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		sed 's/^/# /' "$log"
	fi
}
step "go vet ./..." "$GO" vet -trimpath ./...
step "go test ./..." "$GO" test -trimpath -buildmode=pie -count=1 ./...
