#!/bin/bash
# test-kv-admin.sh — kv-admin as a user meets it: exit codes, --help, error
# lines and --json output (checked with jq). Emits TAP with the plan at the end.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Finds the binary in $KV_ADMIN, else ${top_builddir:-.}/tools/kv-admin (the
# libtool wrapper in a build tree). Memory stores are private to a process, so
# the positive paths here use --options='{"backend":"memory"}'; disk stores
# are opened read-only by the read commands, so a missing file must fail.

set -u

KV_ADMIN=${KV_ADMIN:-${top_builddir:-.}/tools/kv-admin}
MEM='--options={"backend":"memory"}'

tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/test-kv-admin.XXXXXX") || exit 99
trap 'rm -rf "$tmpdir"' EXIT
out=$tmpdir/stdout
err=$tmpdir/stderr
store=$tmpdir/store.kv

n=0
failed=0
have_jq=yes
command -v jq >/dev/null 2>&1 || have_jq=no

# run ARGS…: runs kv-admin, leaving its exit status in $rc and its output in $out/$err.
run () {
	"$KV_ADMIN" "$@" >"$out" 2>"$err"
	rc=$?
}

ok () {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok () {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for line in "$@"; do echo "# $line"; done
	echo "# exit status: ${rc:-unset}"
	sed 's/^/# stdout: /' "$out" 2>/dev/null
	sed 's/^/# stderr: /' "$err" 2>/dev/null
}

# check DESCRIPTION CONDITION…: one TAP line, "ok" when the shell condition holds.
check () {
	local description=$1
	shift
	if "$@"; then ok "$description"; else not_ok "$description" "failed: $*"; fi
}

skip () {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

exit_is () { [ "$rc" -eq "$1" ]; }
stdout_has () { grep -q -e "$1" "$out"; }
stderr_has () { grep -q -e "$1" "$err"; }
stderr_is () { [ "$(cat "$err")" = "$1" ]; }
stdout_empty () { [ ! -s "$out" ]; }
# jq_true FILTER: the filter applied to stdout yields true.
jq_true () { [ "$(jq -e "$1" "$out" 2>/dev/null)" = true ]; }

if [ ! -x "$KV_ADMIN" ]; then
	echo "Bail out! kv-admin not found at $KV_ADMIN (set KV_ADMIN or top_builddir)"
	exit 1
fi

# --- top level --------------------------------------------------------------
run
check "no arguments: exit 2" exit_is 2
check "no arguments: usage on stderr" stderr_has '^Usage:'

run --help
check "--help: exit 0" exit_is 0
check "--help: lists every command" \
	sh -c "grep -q '^  stats ' '$out' && grep -q '^  get ' '$out' && grep -q '^  count ' '$out'"
check "--help: shows the synopsis" stdout_has 'kv-admin COMMAND STORE'

run --version
check "--version: exit 0 and a version" sh -c "[ $rc -eq 0 ] && grep -q '^kv-admin (libkv) [0-9]' '$out'"

run frobnicate "$store"
check "unknown command: exit 2" exit_is 2
check "unknown command: one line naming it" \
	stderr_is "kv-admin: frobnicate: unknown command (see 'kv-admin --help')"

run --bogus stats "$store"
check "option before the command: exit 2" exit_is 2

# --- per-command help -----------------------------------------------------------
for cmd in stats get count; do
	run "$cmd" --help
	check "$cmd --help: exit 0, usage line, common options" \
		sh -c "[ $rc -eq 0 ] && grep -q '^  kv-admin $cmd \\[OPTION' '$out' && grep -q -- '--json' '$out' && grep -q -- '--options=JSON' '$out'"
done
run get --help
check "get --help: names STORE KEY" stdout_has 'kv-admin get \[OPTION.*\] STORE KEY'

# --- bad usage: exit 2 -------------------------------------------------------------
run stats
check "stats without STORE: exit 2" exit_is 2
check "stats without STORE: one line saying what is missing" \
	stderr_is "kv-admin: stats: missing argument: STORE (see 'kv-admin stats --help')"

run get "$store" "$MEM"
check "get without KEY: exit 2" exit_is 2
check "get without KEY: says KEY is missing" stderr_has 'missing argument: KEY'

run get "$tmpdir/missing.kv"
check "get without KEY on a store that would not open: still exit 2" exit_is 2

run get "$store" a b "$MEM"
check "get with an extra argument: exit 2" sh -c "[ $rc -eq 2 ] && grep -q \"unexpected argument 'b'\" '$err'"

run stats "$store" --no-such-option
check "unknown option: exit 2" exit_is 2
check "unknown option: one line pointing at the command's help" \
	sh -c "[ \$(wc -l <'$err') -eq 1 ] && grep -q \"^kv-admin: stats: .*(see 'kv-admin stats --help')\$\" '$err'"

run count "$store" extra "$MEM"
check "count with an extra argument: exit 2" exit_is 2

run stats "$store" --options='{"backend":'
check "malformed --options: exit 2" exit_is 2
check "malformed --options: names the JS error" stderr_has '^kv-admin: stats: --options: .*(InvalidOptionsError)$'

run stats "$store" --options='{"backend":"tape"}'
check "unknown backend: exit 2 with InvalidBackendError" \
	sh -c "[ $rc -eq 2 ] && grep -q '(InvalidBackendError)\$' '$err'"

run stats ""
check "empty STORE: exit 2" exit_is 2

# --- failed operations: exit 1 -------------------------------------------------------
# Read commands open disk stores read-only, and a read-only open of a missing
# file is an open error whatever the disk backend is made of.
for cmd in stats count; do
	run "$cmd" "$tmpdir/missing.kv"
	check "$cmd on a missing disk store: exit 1, one line, typed error" \
		sh -c "[ $rc -eq 1 ] && [ \$(wc -l <'$err') -eq 1 ] && grep -q '^kv-admin: $cmd: .*$tmpdir/missing.kv.*([A-Za-z]*Error)\$' '$err'"
done
check "failed open leaves no store file behind" test ! -e "$tmpdir/missing.kv"

run get "$store" user:1 "$MEM"
check "get of a missing key: exit 1" exit_is 1
check "get of a missing key: the documented line" \
	stderr_is 'kv-admin: get: key "user:1" not found (KeyNotFoundError)'
check "get of a missing key: nothing on stdout" stdout_empty

# --- memory store: real output -----------------------------------------------------------
run count "$store" "$MEM"
check "count of an empty store prints 0" sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$out')\" = 0 ]"

run count "$store" --prefix=user: "$MEM"
check "count --prefix on an empty store prints 0" sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$out')\" = 0 ]"

run stats "$store" "$MEM"
check "stats: exit 0, human key: value lines" \
	sh -c "[ $rc -eq 0 ] && grep -qx 'backend: memory' '$out' && grep -qx 'serialization: json' '$out' && grep -qx 'count: 0' '$out'"
check "stats: nested members flattened (claims.live)" stdout_has '^claims\.live: 0$'

if [ "$have_jq" = yes ]; then
	run count "$store" "$MEM" --json
	check "count --json: {\"count\":0,\"prefix\":\"\"}" jq_true '. == {"count": 0, "prefix": ""}'

	run count "$store" "$MEM" --json --prefix=user:
	check "count --json --prefix names the prefix" jq_true '. == {"count": 0, "prefix": "user:"}'

	run stats "$store" "$MEM" --json
	check "stats --json: exit 0, one line" sh -c "[ $rc -eq 0 ] && [ \$(wc -l <'$out') -eq 1 ]"
	check "stats --json: backend, serialization, count, trackKeys" \
		jq_true '.backend == "memory" and .serialization == "json" and .count == 0 and .trackKeys == false'
	check "stats --json: claims object" jq_true '.claims.live == 0 and .claims.expired == 0'

	run stats "$store" --json --options='{"backend":"memory","serialization":"string","trackKeys":true}'
	check "stats --json reflects --options" \
		jq_true '.serialization == "string" and .trackKeys == true'
else
	for d in "count --json" "count --json --prefix" "stats --json one line" "stats --json fields" "stats --json claims" \
		"stats --json reflects --options"; do
		skip "$d" "jq not installed"
	done
fi

# --- disk stores with known contents -------------------------------------------------------
# kva-test-seed (built with the tests; $KVA_TEST_SEED for installed testing)
# writes them, since kv-admin itself has no command that writes yet.
SEED=${KVA_TEST_SEED:-${top_builddir:-.}/tools/kva-test-seed}
disk=$tmpdir/data.kv
strings=$tmpdir/strings.kv
disk_tests=18
if [ ! -x "$SEED" ]; then
	for i in $(seq "$disk_tests"); do skip "disk store check $i" "kva-test-seed not found at $SEED"; done
elif ! "$SEED" "$disk" '{}' user:1 '{ "name": "Alice", "age": 30 }' user:2 '"bob"' \
	cfg:rate 10 -dash true 2>"$err" ||
	! "$SEED" "$strings" '{"serialization":"string"}' greeting 'hello world' 2>"$err"; then
	for i in $(seq "$disk_tests"); do not_ok "disk store check $i" "kva-test-seed failed"; done
else
	before=$(cksum <"$disk")

	run get "$disk" user:1
	check "get prints the value as canonical JSON" \
		sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$out')\" = '{\"age\":30,\"name\":\"Alice\"}' ]"
	run get "$disk" user:2
	check "get of a JSON string prints it quoted" sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$out')\" = '\"bob\"' ]"
	run get "$disk" -- -dash
	check "get of a key starting with - after --" sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$out')\" = true ]"
	run get "$disk" user:9
	check "get of a missing key in a disk store: exit 1 and the documented line" \
		sh -c "[ $rc -eq 1 ] && [ \"\$(cat '$err')\" = 'kv-admin: get: key \"user:9\" not found (KeyNotFoundError)' ]"

	run count "$disk"
	check "count of a disk store" sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$out')\" = 4 ]"
	run count "$disk" --prefix=user:
	check "count --prefix counts only matching keys" sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$out')\" = 2 ]"
	run count "$disk" --prefix=nothing:
	check "count --prefix with no match prints 0" sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$out')\" = 0 ]"

	run stats "$disk"
	check "stats of a disk store: backend, count, opened read-only" \
		sh -c "[ $rc -eq 0 ] && grep -qx 'backend: disk' '$out' && grep -qx 'count: 4' '$out' && grep -qx 'disk.readOnly: true' '$out'"

	run get "$strings" greeting
	check "get in a string store prints the bytes as stored" \
		sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$out')\" = 'hello world' ]"

	if [ "$have_jq" = yes ]; then
		run get "$disk" user:1 --json
		check "get --json: {key, value} with the value parsed" \
			jq_true '. == {"key": "user:1", "value": {"age": 30, "name": "Alice"}}'
		run count "$disk" --json --prefix=user:
		check "count --json --prefix on a disk store" jq_true '. == {"count": 2, "prefix": "user:"}'
		run stats "$disk" --json
		check "stats --json of a disk store" \
			jq_true ".backend == \"disk\" and .count == 4 and .disk.readOnly == true and .disk.path == \"$disk\""
		run get "$strings" greeting --json --options='{"serialization":"string"}'
		check "get --json in a string store gives a JSON string" \
			jq_true '. == {"key": "greeting", "value": "hello world"}'
	else
		for d in "get --json" "count --json --prefix (disk)" "stats --json (disk)" "get --json (string)"; do
			skip "$d" "jq not installed"
		done
	fi

	run get "$strings" greeting --json
	check "get --json of a non-JSON value: exit 1" exit_is 1
	check "get --json of a non-JSON value: says how to read a string store" \
		stderr_has "is not JSON; .*--options='{\"serialization\":\"string\"}' (UnexpectedStoreOutputError)\$"

	run stats "$disk" --options='{"backend":"disk","disk":{"readOnly":false}}'
	check "--options cannot make a read command open read-write" \
		sh -c "[ $rc -eq 0 ] && grep -qx 'disk.readOnly: true' '$out'"

	check "reading commands left the store file unchanged" test "$(cksum <"$disk")" = "$before"
	check "no store was created for a missing path" test ! -e "$tmpdir/missing.kv"
fi

# The plan goes last, so adding a check never means counting by hand.
echo "1..$n"
[ "$failed" -eq 0 ]
