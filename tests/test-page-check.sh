#!/bin/bash
# test-page-check.sh — damage LMDB never checks for (tests/lmdb-craft.py), through
# kv-admin: every damaged copy of a good store is refused when it is opened, in one
# line that names the damage, by the page check (libkv/kv-lmdb-check.c) — not by a
# crash that kv-admin's worker process contains. A damaged free-page list stops
# writable opens only: read-only ones never read it. Emits TAP.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

set -u

KV_ADMIN=${KV_ADMIN:-${top_builddir:-.}/tools/kv-admin}
# Beside this script, in the source tree and as an installed test alike.
craft=$(dirname "$0")/lmdb-craft.py
if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 is not installed"
	exit 0
fi
tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/test-page-check.XXXXXX") || exit 99
trap 'rm -rf "$tmpdir"' EXIT
out=$tmpdir/stdout
err=$tmpdir/stderr
n=0
failed=0

run () {
	"$KV_ADMIN" "$@" >"$out" 2>"$err"
	rc=$?
}

check () {
	local description=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $description"
	else
		failed=$((failed + 1))
		echo "not ok $n - $description"
		echo "# exit status: ${rc:-unset}"
		sed 's/^/# stdout: /' "$out"
		sed 's/^/# stderr: /' "$err"
	fi
}

# Exit 1, one line on stderr that matches $1, no contained crash, valid UTF-8.
refused_for () {
	[ "$rc" -eq 1 ] && [ "$(wc -l <"$err")" -eq 1 ] && grep -q "$1" "$err" &&
		! grep -q "crashed" "$err" && python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$err"
}

# A good store: 3000 entries, every 100th on overflow pages, then a second
# import over half of them so the free-page list holds pages.
good=$tmpdir/good.kv
python3 - "$tmpdir" <<'PY'
import json, sys
d = sys.argv[1]
with open(d + "/a.jsonl", "w") as f:
    for i in range(3000):
        v = "big" * 3000 if i % 100 == 1 else {"n": i, "pad": "x" * 60}
        f.write(json.dumps({"key": "user:%05d" % i, "value": v}) + "\n")
with open(d + "/b.jsonl", "w") as f:
    for i in range(0, 3000, 2):
        f.write(json.dumps({"key": "user:%05d" % i, "value": {"n": -i}}) + "\n")
PY
run import "$good" "$tmpdir/a.jsonl" && run import "$good" "$tmpdir/b.jsonl"
check "the good store is made" [ "$rc" -eq 0 ]
run count "$good"
check "the good store opens and counts 3000 keys" [ "$rc" -eq 0 -a "$(cat "$out")" = 3000 ]

# kind, then what the message says
for spec in \
	"entries|is damaged: database .k6.: its record counts 3005 entries, its pages hold 3000" \
	"value-size|is damaged: .*runs past its page" \
	"overflow-page|is damaged: .*overflow page .* lies outside" \
	"node-offset|is damaged: .*runs past the page" \
	"order|is damaged: .*out of order" \
	"cycle|is damaged: .*is used twice" \
	"db-flags|is damaged: .*record has flags 0x4" \
	"format|has format \"libkv-lmdb\\\\330\\\\316\""; do
	kind=${spec%%|*} says=${spec#*|}
	bad=$tmpdir/$kind.kv
	python3 "$craft" "$good" "$bad" "$kind"
	check "$kind: the damage is made" [ $? -eq 0 ]
	for cmd in count list; do
		run "$cmd" "$bad"
		check "$kind: $cmd is refused in one line that says \"$says\"" refused_for "$says"
	done
done

bad=$tmpdir/free-list.kv
python3 "$craft" "$good" "$bad" free-list
check "free-list: the damage is made" [ $? -eq 0 ]
sum=$(cksum <"$bad")
run count "$bad"
check "free-list: a read-only open never reads the list, and counts 3000" [ "$rc" -eq 0 -a "$(cat "$out")" = 3000 ]
run import "$bad" "$tmpdir/b.jsonl"
check "free-list: a writable open is refused: a list of free pages has a wrong count" \
	refused_for "is damaged: .*a list of free pages has a wrong count"
check "free-list: the refused file is unchanged" [ "$(cksum <"$bad")" = "$sum" ]

echo "1..$n"
[ "$failed" -eq 0 ]
