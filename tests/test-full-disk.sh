#!/bin/bash
# test-full-disk.sh — creating a store where there is no room (D21 of the
# hostile-testing report): LMDB wrote its new lock file through mmap, and on
# a full file system that was SIGBUS. Now it is DiskStoreOpenError, "no space
# left on device", exit 1, and no file is left behind.
#
# Two variants: a full 2 MiB tmpfs (needs mount privileges; skipped with a
# TAP skip only when mounting is impossible), and a file-size limit
# (ulimit -f, SIGXFSZ ignored), which always runs.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

set -u

KV_ADMIN=${KV_ADMIN:-${top_builddir:-.}/tools/kv-admin}
tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/test-full-disk.XXXXXX") || exit 99
mounted=no
cleanup () {
	[ "$mounted" = yes ] && umount "$tmpdir/small" 2>/dev/null
	rm -rf "$tmpdir"
}
trap cleanup EXIT

n=0
failed=0
check () {
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		failed=$((failed + 1))
	fi
}
skip () {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

printf '{"key":"a","value":1}\n{"key":"b","value":"two"}\n' >"$tmpdir/seed.jsonl"

# ---- a full tmpfs -----------------------------------------------------------------------------
mkdir "$tmpdir/small"
if mount -t tmpfs -o size=2m tmpfs "$tmpdir/small" 2>/dev/null; then
	mounted=yes
	# Fill it: head stops at ENOSPC.
	head -c 3000000 /dev/zero >"$tmpdir/small/fill" 2>/dev/null
	"$KV_ADMIN" import "$tmpdir/small/new.kv" "$tmpdir/seed.jsonl" >"$tmpdir/out" 2>"$tmpdir/err"
	rc=$?
	check "full tmpfs: import into a new store exits 1, not a signal (rc $rc)" test "$rc" -eq 1
	check "full tmpfs: one line, DiskStoreOpenError, no space left on device" \
		bash -c 'test "$(wc -l <"$1")" -eq 1 && grep -q "no space left on device.*(DiskStoreOpenError)$" "$1"' \
		_ "$tmpdir/err"
	check "full tmpfs: no store or lock file left behind" \
		test ! -e "$tmpdir/small/new.kv" -a ! -e "$tmpdir/small/new.kv-lock"
	# With room again, the same command works.
	rm -f "$tmpdir/small/fill"
	"$KV_ADMIN" import "$tmpdir/small/new.kv" "$tmpdir/seed.jsonl" >"$tmpdir/out" 2>"$tmpdir/err"
	check "tmpfs with room: the import succeeds" test $? -eq 0
	check "tmpfs with room: the store holds the entries" \
		test "$("$KV_ADMIN" count "$tmpdir/small/new.kv" 2>/dev/null)" = 2
	umount "$tmpdir/small" && mounted=no
else
	for what in "exit 1" "one line" "nothing left" "room again" "entries"; do
		skip "full tmpfs ($what): cannot mount a tmpfs here (needs root)"
	done
fi

# ---- a file-size limit ------------------------------------------------------------------------
(
	ulimit -f 4
	trap '' XFSZ
	exec "$KV_ADMIN" import "$tmpdir/limited.kv" "$tmpdir/seed.jsonl"
) >"$tmpdir/out" 2>"$tmpdir/err"
rc=$?
check "ulimit -f: import into a new store exits 1, not a signal (rc $rc)" test "$rc" -eq 1
check "ulimit -f: one line, DiskStoreOpenError" \
	bash -c 'test "$(wc -l <"$1")" -eq 1 && grep -q "(DiskStoreOpenError)$" "$1"' _ "$tmpdir/err"

echo "1..$n"
[ "$failed" -eq 0 ]
