#!/bin/sh
# test-go-licenses.sh [--write] — debian/copyright and rpm/libkv.spec match the Go
# modules that k6-kv is built from (tools/go-vendor-licenses.py). TAP, one line.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The module tree checked is the release tarball's k6-plugin/vendor when there is
# one (offline); in a git checkout it is made by `go mod vendor` in a temporary copy
# of k6-plugin/ (modules from the module cache, or the proxy). make check runs the
# check when the k6 plugin is built; `make update-go-licenses` runs this script
# with --write, which rewrites both files from that tree instead of failing.
# Needs GO (make exports it) unless the vendor tree exists.
set -u
srcdir=$(cd "${top_srcdir:-.}" && pwd)
write=
[ "${1:-}" = --write ] && write=--write
echo "1..1"
if [ -f "$srcdir/k6-plugin/vendor/modules.txt" ]; then
	vendor=$srcdir/k6-plugin/vendor
else
	if [ -z "${GO:-}" ]; then
		echo "not ok 1 - no k6-plugin/vendor and no GO to make one"
		exit 1
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/k6-vendor.XXXXXX") || exit 99
	trap 'rm -rf "$tmp"' EXIT
	# The whole module (every package go mod vendor must resolve the imports of),
	# without what a build leaves in an in-tree k6-plugin/.
	(cd "$srcdir/k6-plugin" && tar cf - --exclude=./vendor --exclude=./k6-kv --exclude=./pkgconfig .) |
		(cd "$tmp" && tar xf -) || exit 99
	if ! (cd "$tmp" && GOFLAGS=-mod=mod GOTOOLCHAIN=local "$GO" mod vendor) >"$tmp/vendor.log" 2>&1; then
		echo "not ok 1 - go mod vendor in a copy of k6-plugin/"
		sed 's/^/# /' "$tmp/vendor.log"
		exit 1
	fi
	vendor=$tmp/vendor
fi
out=$(GO="${GO:-go}" python3 "$srcdir/tools/go-vendor-licenses.py" $write \
	"$vendor" "$srcdir/debian/copyright" "$srcdir/rpm/libkv.spec" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	echo "ok 1 - debian/copyright and rpm/libkv.spec match the Go modules of k6-plugin/vendor${write:+ (rewritten)}"
else
	echo "not ok 1 - debian/copyright and rpm/libkv.spec match the Go modules of k6-plugin/vendor (make update-go-licenses)"
fi
[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
# Also the exit status, for make update-go-licenses (the TAP driver reads both).
exit $rc
