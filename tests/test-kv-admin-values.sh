#!/bin/bash
# test-kv-admin-values.sh — values survive kv-admin export → import exactly
# (issue 10: D1 numbers beyond int64, D2 NUL, D24 surrogates). Emits TAP.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Finds the binary in $KV_ADMIN, else ${top_builddir:-.}/tools/kv-admin. Disk
# stores only, in a scratch directory: a memory store ends with the process.

set -u

KV_ADMIN=${KV_ADMIN:-${top_builddir:-.}/tools/kv-admin}
tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/test-kv-admin-values.XXXXXX") || exit 99
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

exit_is () { [ "$rc" -eq "$1" ]; }
stdout_is () { [ "$(cat "$out")" = "$1" ]; }

# The numbers as a k6 script's set() stores them: 1e20, 2**64, {n: 9.3e18},
# -1e19 (JSON.stringify's digits), and a few neighbours of int64's range.
cat >"$tmpdir/in.jsonl" <<'JSONL'
{"key":"a","value":100000000000000000000}
{"key":"b","value":18446744073709552000}
{"key":"c","value":{"n":9300000000000000000}}
{"key":"d","value":-10000000000000000000}
{"key":"e","value":[9223372036854775807,-9223372036854775808,9223372036854776000]}
{"key":"f","value":{"s":"x\u0000y","m\u0000n":1,"m":2}}
JSONL

run import "$tmpdir/one.kv" "$tmpdir/in.jsonl"
check "import: exit 0" exit_is 0
run export "$tmpdir/one.kv" "$tmpdir/one.jsonl"
check "export: exit 0" exit_is 0
run import "$tmpdir/two.kv" "$tmpdir/one.jsonl"
check "import of the export: exit 0" exit_is 0
run export "$tmpdir/two.kv" "$tmpdir/two.jsonl"
check "export → import → export gives the same file" cmp -s "$tmpdir/one.jsonl" "$tmpdir/two.jsonl"

# D1: 1e20 came back as -1, 2**64 as -1, 9.3e18 as -9146744073709551616, -1e19 as 8446744073709551616.
run get "$tmpdir/two.kv" a
check "1e20 round-trips" stdout_is 100000000000000000000
run get "$tmpdir/two.kv" b
check "2**64 round-trips" stdout_is 18446744073709552000
run get "$tmpdir/two.kv" c
check "nested 9.3e18 round-trips" stdout_is '{"n":9300000000000000000}'
run get "$tmpdir/two.kv" d
check "-1e19 round-trips" stdout_is -10000000000000000000
run get "$tmpdir/two.kv" e
check "int64's limits stay exact, 2**63 is the double" \
	stdout_is '[9223372036854775807,-9223372036854775808,9223372036854776000]'
# D2: "\u0000" was cut off, and the member "m\u0000n" merged into "m".
run get "$tmpdir/two.kv" f
check "NUL in a string and a member name round-trips" stdout_is '{"m":2,"m\u0000n":1,"s":"x\u0000y"}'

# D1: what has no exact form is refused with the line named, nothing imported.
printf '%s\n' '{"key":"ok","value":1}' '{"key":"big","value":1e400}' >"$tmpdir/big.jsonl"
run import "$tmpdir/three.kv" "$tmpdir/big.jsonl"
check "1e400: exit 1, ValueParseError naming line 2" \
	sh -c "[ $rc -eq 1 ] && grep -q 'line 2.*beyond the range of a double.*(ValueParseError)\$' '$err'"
# D24: an unpaired surrogate escape: import and validation agree, by line.
printf '%s\n' '{"key":"a","value":"\ud80A0"}' >"$tmpdir/u.jsonl"
run import "$tmpdir/four.kv" "$tmpdir/u.jsonl"
check "unpaired surrogate: exit 1, ValueParseError naming line 1" \
	sh -c "[ $rc -eq 1 ] && grep -q 'line 1.*unpaired surrogate.*(ValueParseError)\$' '$err'"

echo "1..$n"
[ "$failed" -eq 0 ]
