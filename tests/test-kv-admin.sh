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
ALL_COMMANDS="backup claims compact count export get import list restore scan stats verify"
for cmd in $ALL_COMMANDS; do
	grep -q "^  $cmd " "$out" || break
done
check "--help: lists every command" grep -q "^  $cmd " "$out"
check "--help: commands sorted by name" \
	test "$(sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' "$out" | tr '\n' ' ')" = "$ALL_COMMANDS "
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
for cmd in $ALL_COMMANDS; do
	run "$cmd" --help
	check "$cmd --help: exit 0, usage line, common options" \
		sh -c "[ $rc -eq 0 ] && grep -q '^  kv-admin $cmd \\[OPTION' '$out' && grep -q -- '--json' '$out' && grep -q -- '--options=JSON' '$out'"
done
run compact --help
check "compact --help: says the copy is a backup" \
	sh -c "grep -q 'kv-admin compact \[OPTION.*\] STORE OUTPUT' '$out' && grep -q \"exactly what 'kv-admin backup STORE OUTPUT'\" '$out'"
run verify --help
check "verify --help: FILE, no STORE description" \
	sh -c "grep -q 'kv-admin verify \[OPTION.*\] FILE\$' '$out' && grep -q 'SnapshotReadError' '$out'"
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

	# A disk store records its serialization: without --options kv-admin reads
	# it that way; naming the other one is refused, typed, before any value.
	run get "$strings" greeting --json
	check "get --json of a string store without --options: read as the store was written" \
		sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$out')\" = '{\"key\":\"greeting\",\"value\":\"hello world\"}' ]"
	run get "$strings" greeting --json --options='{"serialization":"json"}'
	check "get with the other serialization: exit 1" exit_is 1
	check "get with the other serialization: one line with InvalidSerializationError" \
		sh -c "[ \$(wc -l <'$err') -eq 1 ] && grep -q 'created with serialization \"string\", not \"json\".*(InvalidSerializationError)\$' '$err'"

	run stats "$disk" --options='{"backend":"disk","disk":{"readOnly":false}}'
	check "--options cannot make a read command open read-write" \
		sh -c "[ $rc -eq 0 ] && grep -qx 'disk.readOnly: true' '$out'"

	check "reading commands left the store file unchanged" test "$(cksum <"$disk")" = "$before"
	check "no store was created for a missing path" test ! -e "$tmpdir/missing.kv"
fi

# --- list and scan ---------------------------------------------------------------------
# A store of its own, so these checks do not depend on the block above.
listed=$tmpdir/list.kv
list_tests=24
if [ ! -x "$SEED" ] || [ "$have_jq" = no ]; then
	for i in $(seq "$list_tests"); do skip "list/scan check $i" "kva-test-seed or jq missing"; done
elif ! "$SEED" "$listed" '{}' user:1 '{"name":"Alice"}' user:2 '"bob"' user:3 3 cfg:rate 10 2>"$err"; then
	for i in $(seq "$list_tests"); do not_ok "list/scan check $i" "kva-test-seed failed"; done
else
	run list "$listed"
	check "list: KEY<TAB>VALUE lines in key order" \
		test "$(cat "$out")" = "$(printf 'cfg:rate\t10\nuser:1\t{"name":"Alice"}\nuser:2\t"bob"\nuser:3\t3')"
	run list "$listed" --prefix=user: --limit=2 --keys-only
	check "list --prefix --limit --keys-only" test "$(cat "$out")" = "$(printf 'user:1\nuser:2')"
	run list "$listed" --json --prefix=user:
	check "list --json: count and parsed entries" \
		jq_true '. == {"count":3,"entries":[{"key":"user:1","value":{"name":"Alice"}},{"key":"user:2","value":"bob"},{"key":"user:3","value":3}]}'
	run list "$listed" --json --keys-only
	check "list --json --keys-only: keys" jq_true '. == {"count":4,"keys":["cfg:rate","user:1","user:2","user:3"]}'
	run list "$listed" --json --prefix=none:
	check "list --json with no match: empty entries" jq_true '. == {"count":0,"entries":[]}'
	run list "$listed" --limit=250001
	check "list --limit over the cap: exit 2, one line" \
		sh -c "[ $rc -eq 2 ] && [ \$(wc -l <'$err') -eq 1 ] && grep -q '^kv-admin: list: --limit must be between 0 (no limit) and 250000' '$err'"
	run list "$listed" --limit=-1
	check "list --limit=-1: exit 2" exit_is 2
	run list "$listed" --limit=abc
	check "list --limit=abc: exit 2" exit_is 2
	run list "$listed" extra
	check "list with an extra argument: exit 2" exit_is 2
	run list "$tmpdir/missing.kv"
	check "list of a missing store: exit 1, typed one-line error" \
		sh -c "[ $rc -eq 1 ] && [ \$(wc -l <'$err') -eq 1 ] && grep -q '^kv-admin: list: .*(DiskStoreOpenError)\$' '$err'"

	run scan "$listed" --prefix=user: --limit=2
	check "scan: one page of lines, then cursor and done" \
		sh -c "[ $rc -eq 0 ] && [ \$(grep -c '	' '$out') -eq 2 ] && grep -q '^cursor: .' '$out' && grep -qx 'done: false' '$out'"
	run scan "$listed" --prefix=user: --limit=2 --json
	check "scan --json: entries, cursor, done=false" \
		jq_true '(.entries | map(.key)) == ["user:1","user:2"] and (.cursor | length > 0) and .done == false'
	cursor=$(jq -r .cursor "$out" 2>/dev/null)
	run scan "$listed" --prefix=user: --limit=2 --json --cursor="$cursor"
	check "scan --cursor: the next page, done=true, cursor \"\" as in xk6-kv" \
		jq_true '.entries == [{"key":"user:3","value":3}] and .done == true and .cursor == ""'
	run scan "$listed" --prefix=user: --limit=2 --cursor="$cursor"
	check "scan: the last page prints an empty cursor" \
		sh -c "[ $rc -eq 0 ] && grep -qx 'cursor: ' '$out' && grep -qx 'done: true' '$out'"
	run scan "$listed" --json --keys-only --limit=3
	check "scan --json --keys-only: keys" \
		jq_true '.keys == ["cfg:rate","user:1","user:2"] and .done == false and (has("entries") | not)'
	run scan "$listed" --json
	check "scan without --limit: everything, done" jq_true '(.entries | length) == 4 and .done == true'
	run scan "$listed" --cursor=garbage
	check "scan with a bad cursor: exit 2" exit_is 2
	check "scan with a bad cursor: one line with InvalidCursorError" \
		sh -c "[ \$(wc -l <'$err') -eq 1 ] && grep -q '^kv-admin: scan: .*(InvalidCursorError)\$' '$err'"
	run scan "$listed" --prefix=cfg: --cursor="$cursor"
	check "scan with another prefix's cursor: exit 2, InvalidCursorError" \
		sh -c "[ $rc -eq 2 ] && grep -q '(InvalidCursorError)\$' '$err'"
	run scan "$listed" --limit=100001
	check "scan --limit over the cap: exit 2" exit_is 2
	run scan
	check "scan without STORE: exit 2" exit_is 2
	run list "$listed" --json --options='{"serialization":"string"}'
	check "list of a json store opened as string: exit 1, InvalidSerializationError" \
		sh -c "[ $rc -eq 1 ] && grep -q '(InvalidSerializationError)\$' '$err'"
	for cmd in list scan; do
		run "$cmd" --help
		check "$cmd --help: exit 0, usage, own and common options" \
			sh -c "[ $rc -eq 0 ] && grep -q '^  kv-admin $cmd \[OPTION' '$out' && grep -q -- '--prefix=PREFIX' '$out' && grep -q -- '--keys-only' '$out' && grep -q -- '--json' '$out'"
	done
fi

# --- export and import ---------------------------------------------------------------
src=$tmpdir/src.kv
dst=$tmpdir/dst.kv
jsonl=$tmpdir/out.jsonl
csv=$tmpdir/out.csv
transfer_tests=26
if [ ! -x "$SEED" ] || [ "$have_jq" = no ]; then
	for i in $(seq "$transfer_tests"); do skip "export/import check $i" "kva-test-seed or jq missing"; done
elif ! "$SEED" "$src" '{}' user:1 '{"name":"Alice","age":30}' user:2 '{"name":"Bob","age":41}' cfg '"x"' 2>"$err"; then
	for i in $(seq "$transfer_tests"); do not_ok "export/import check $i" "kva-test-seed failed"; done
else
	src_sum=$(cksum <"$src")
	run export "$src" "$jsonl"
	check "export: exit 0, human summary" \
		sh -c "[ $rc -eq 0 ] && grep -qx 'records: 3' '$out' && grep -qx 'format: jsonl' '$out' && grep -q '^bytes: [1-9]' '$out'"
	check "export: nothing on stderr when not on a terminal (no progress)" test ! -s "$err"
	check "export: JSONL lines in key order" \
		test "$(cat "$jsonl")" = "$(printf '%s\n' '{"key":"cfg","value":"x"}' '{"key":"user:1","value":{"age":30,"name":"Alice"}}' '{"key":"user:2","value":{"age":41,"name":"Bob"}}')"
	check "export opened the store read-only (file unchanged)" test "$(cksum <"$src")" = "$src_sum"
	run export "$src" "$jsonl" --prefix=user: --limit=1 --json
	check "export --json --prefix --limit: summary" \
		jq_true ".records == 1 and .format == \"jsonl\" and .file == \"$jsonl\" and .bytes == $(wc -c <"$jsonl")"
	run export "$src" "$csv" --format=csv --columns=name,age --prefix=user: --json
	check "export --format=csv: summary" jq_true '.records == 2 and .format == "csv"'
	check "export --format=csv: header, key column, CRLF rows" \
		test "$(cat "$csv")" = "$(printf 'key,name,age\r\nuser:1,Alice,30\r\nuser:2,Bob,41\r')"
	run export "$src" "$csv" --format=csv --columns=age --prefix=user: --no-key --delimiter=';'
	check "export --no-key --delimiter" test "$(cat "$csv")" = "$(printf 'age\r\n30\r\n41\r')"
	run export "$src" "$csv" --format=csv --columns=name
	check "export csv of a non-object value: exit 1, UnsupportedValueTypeError" \
		sh -c "[ $rc -eq 1 ] && [ \$(wc -l <'$err') -eq 1 ] && grep -q '^kv-admin: export: .*(UnsupportedValueTypeError)\$' '$err'"
	run export "$src" "$csv" --format=csv
	check "export --format=csv without --columns: exit 2" exit_is 2
	run export "$src" "$jsonl" --columns=a
	check "export --columns without --format=csv: exit 2" exit_is 2
	run export "$src" "$jsonl" --format=xml
	check "export --format=xml: exit 2, one line" \
		sh -c "[ $rc -eq 2 ] && [ \"\$(cat '$err')\" = \"kv-admin: export: --format must be jsonl or csv, not 'xml' (see 'kv-admin export --help')\" ]"
	run export "$src" "$csv" --format=csv --columns=a --delimiter=ab
	check "export --delimiter of two characters: exit 2" exit_is 2
	run export "$src"
	check "export without FILE: exit 2, says FILE" sh -c "[ $rc -eq 2 ] && grep -q 'missing argument: FILE' '$err'"
	run export "$src" "$src/no/such/dir/x.jsonl"
	check "export under a file (no directory can be made there): exit 1, SnapshotExportError" \
		sh -c "[ $rc -eq 1 ] && grep -q '(SnapshotExportError)\$' '$err'"

	run export "$src" "$jsonl"
	run import "$dst" "$jsonl" --json
	check "import --json: summary, creates the disk store" \
		jq_true ".records == 3 and .format == \"jsonl\" and .bytes == $(wc -c <"$jsonl")"
	run list "$dst" --json
	check "import: the entries round-trip" \
		jq_true '.entries == [{"key":"cfg","value":"x"},{"key":"user:1","value":{"age":30,"name":"Alice"}},{"key":"user:2","value":{"age":41,"name":"Bob"}}]'
	printf 'key,name\nu:9,Zed\nu:8,Yan\n' >"$csv"
	run import "$dst" "$csv" --format=csv --limit=1 --batch-size=1
	check "import --format=csv --limit: human summary" sh -c "[ $rc -eq 0 ] && grep -qx 'records: 1' '$out'"
	run get "$dst" u:9 --json
	check "import csv: the row is an object of strings without the key column" \
		jq_true '. == {"key":"u:9","value":{"name":"Zed"}}'
	printf 'a|b\n' >"$csv"
	run import "$dst" "$csv" --format=csv --no-header --delimiter='|' --key-column=2
	run get "$dst" b --json
	check "import --no-header --key-column=2 --delimiter" jq_true '. == {"key":"b","value":{"1":"a"}}'
	printf '{"key":"ok","value":1}\nnot json\n' >"$jsonl"
	run import "$dst" "$jsonl"
	check "import of a bad line: exit 1, one line naming the line, ValueParseError" \
		sh -c "[ $rc -eq 1 ] && [ \$(wc -l <'$err') -eq 1 ] && grep -q '^kv-admin: import: .*line 2.*(ValueParseError)\$' '$err'"
	run import "$dst" "$tmpdir/none.jsonl"
	check "import of a missing file: exit 1, SnapshotNotFoundError" \
		sh -c "[ $rc -eq 1 ] && grep -q '(SnapshotNotFoundError)\$' '$err'"
	run import "$dst" "$jsonl" --batch-size=10001
	check "import --batch-size over the cap: exit 2" exit_is 2
	run import "$dst" "$jsonl" --no-header
	check "import --no-header without --format=csv: exit 2" exit_is 2
	run import "$dst" "$jsonl" --format=csv --key-column=
	check "import --key-column='': exit 2" exit_is 2
	run import "$dst" "$jsonl" --options='{"backend":"disk","disk":{"readOnly":true}}'
	check "import into a store opened read-only: exit 1 with the write error" \
		sh -c "[ $rc -eq 1 ] && grep -q '^kv-admin: import: .*([A-Za-z]*Error)\$' '$err'"
fi

# --- backup, restore, verify, compact -----------------------------------------------------
snap=$tmpdir/snap.kvs
snap_tests=25
if [ ! -x "$SEED" ] || [ "$have_jq" = no ]; then
	for i in $(seq "$snap_tests"); do skip "snapshot check $i" "kva-test-seed or jq missing"; done
elif ! "$SEED" "$tmpdir/snapsrc.kv" '{}' a 1 b '{"x":[1,2]}' c '"three"' 2>"$err"; then
	for i in $(seq "$snap_tests"); do not_ok "snapshot check $i" "kva-test-seed failed"; done
else
	live=$tmpdir/snapsrc.kv
	live_sum=$(cksum <"$live")
	run backup "$live" "$snap"
	check "backup: exit 0, human summary" \
		sh -c "[ $rc -eq 0 ] && grep -qx 'entries: 3' '$out' && grep -q '^bytes: [1-9]' '$out' && [ ! -s '$err' ]"
	check "backup opened the store read-only (file unchanged)" test "$(cksum <"$live")" = "$live_sum"
	run backup "$live" "$snap" --json
	check "backup --json: entries, bytes = file size, not best effort, not a no-op" \
		jq_true ".entries == 3 and .bytes == $(wc -c <"$snap") and .bestEffort == false and .noOp == false and .file == \"$snap\""
	run backup "$live" "$snap" --max-entries=2
	check "backup over --max-entries: exit 1, SnapshotBudgetExceededError" \
		sh -c "[ $rc -eq 1 ] && [ \$(wc -l <'$err') -eq 1 ] && grep -q '^kv-admin: backup: .*(SnapshotBudgetExceededError)\$' '$err'"
	run backup "$live" "$snap" --max-bytes=-1
	check "backup --max-bytes=-1: exit 2" exit_is 2
	run backup "$live" ""
	check "backup to an empty FILE: exit 2" exit_is 2
	run backup "$tmpdir/missing.kv" "$snap"
	check "backup of a missing store: exit 1, no store created" \
		sh -c "[ $rc -eq 1 ] && [ ! -e '$tmpdir/missing.kv' ]"

	run verify "$snap"
	check "verify: exit 0, entries, createdAt, serialization, claims" \
		sh -c "[ $rc -eq 0 ] && grep -qx 'ok: true' '$out' && grep -qx 'entries: 3' '$out' && grep -q '^createdAt: 20[0-9][0-9]-' '$out' && grep -qx 'serialization: json' '$out' && grep -qx 'claims: 0' '$out'"
	run verify "$snap" --json
	check "verify --json of a snapshot" \
		jq_true '.ok == true and .entries == 3 and .snapshot == true and .createdAt > 1600000000000 and .serialization == "json" and .claims == 0 and .bytes > 0'
	run verify "$live" --json
	check "verify --json of a closed store file: not a snapshot" \
		jq_true '.ok == true and .entries == 3 and .snapshot == false and .createdAt == 0'
	head -c 4096 "$snap" >"$tmpdir/cut.kvs"
	run verify "$tmpdir/cut.kvs"
	check "verify of a truncated snapshot: exit 1, one line, SnapshotReadError" \
		sh -c "[ $rc -eq 1 ] && [ \$(wc -l <'$err') -eq 1 ] && grep -q '^kv-admin: verify: .*(SnapshotReadError)\$' '$err' && [ ! -s '$out' ]"
	cp "$snap" "$tmpdir/flip.kvs"
	printf 'X' | dd of="$tmpdir/flip.kvs" bs=1 seek=5000 conv=notrunc 2>/dev/null
	run verify "$tmpdir/flip.kvs"
	check "verify of a snapshot with a changed byte: exit 1, SnapshotReadError" \
		sh -c "[ $rc -eq 1 ] && grep -q '(SnapshotReadError)\$' '$err'"
	run verify "$tmpdir/none.kvs"
	check "verify of a missing file: exit 1, SnapshotNotFoundError" \
		sh -c "[ $rc -eq 1 ] && grep -q '(SnapshotNotFoundError)\$' '$err'"
	run verify
	check "verify without FILE: exit 2" sh -c "[ $rc -eq 2 ] && grep -q 'missing argument: FILE' '$err'"
	run verify "$snap" extra
	check "verify with an extra argument: exit 2" exit_is 2

	run restore "$tmpdir/restored.kv" "$snap" --json
	check "restore --json: entries, not a no-op" jq_true '.entries == 3 and .noOp == false and .bytes > 0'
	run list "$tmpdir/restored.kv" --json
	check "restore: the store holds the snapshot's entries" \
		jq_true '.entries == [{"key":"a","value":1},{"key":"b","value":{"x":[1,2]}},{"key":"c","value":"three"}]'
	run restore "$tmpdir/restored.kv" "$snap" --max-entries=1
	check "restore over --max-entries: exit 1, SnapshotBudgetExceededError" \
		sh -c "[ $rc -eq 1 ] && grep -q '^kv-admin: restore: .*(SnapshotBudgetExceededError)\$' '$err'"
	run restore "$tmpdir/restored.kv" "$tmpdir/cut.kvs"
	check "restore of a damaged snapshot: exit 1, SnapshotReadError" \
		sh -c "[ $rc -eq 1 ] && grep -q '(SnapshotReadError)\$' '$err'"
	run count "$tmpdir/restored.kv"
	check "a failed restore left the store untouched" sh -c "[ \"\$(cat '$out')\" = 3 ]"
	run restore "$tmpdir/restored.kv"
	check "restore without FILE: exit 2" exit_is 2

	run compact "$live" "$tmpdir/compact.kv" --json
	check "compact --json: a backup summary" jq_true '.entries == 3 and .noOp == false'
	run verify "$tmpdir/compact.kv" --json
	check "compact output verifies as a snapshot" jq_true '.ok == true and .entries == 3 and .snapshot == true'
	run compact "$live" "$live"
	check "compact onto STORE itself: exit 2" \
		sh -c "[ $rc -eq 2 ] && grep -q 'OUTPUT must not be STORE itself' '$err'"
	check "compact and backup left the source store unchanged" test "$(cksum <"$live")" = "$live_sum"
fi

# --- claims -----------------------------------------------------------------------------------
claimed=$tmpdir/claims.kv
claims_tests=10
if [ ! -x "$SEED" ] || [ "$have_jq" = no ]; then
	for i in $(seq "$claims_tests"); do skip "claims check $i" "kva-test-seed or jq missing"; done
elif ! "$SEED" "$claimed" '{}' job:1 1 job:2 2 job:3 3 other 4 \
	--claim job:1 alice 86400000 --claim job:2 '' 1 --claim other bob 86400000 2>"$err"; then
	for i in $(seq "$claims_tests"); do not_ok "claims check $i" "kva-test-seed failed: $(cat "$err")"; done
else
	sleep 0.01 # let the 1 ms claim expire
	run claims "$claimed" --prefix=job:
	check "claims: live claims only, one tab-separated line each" \
		sh -c "[ $rc -eq 0 ] && [ \$(wc -l <'$out') -eq 1 ] && grep -q '^job:1	[^	]*	[0-9]*	alice	20[0-9-]*T[0-9:.]*Z	live\$' '$out'"
	run claims "$claimed" --prefix=job: --expired
	check "claims --expired: expired ones too, marked, '-' for no owner" \
		sh -c "[ $rc -eq 0 ] && [ \$(wc -l <'$out') -eq 2 ] && grep -q '^job:2	.*	-	.*	expired\$' '$out'"
	run claims "$claimed" --json
	check "claims --json: live claims in key order" \
		jq_true '(.claims | map(.key)) == ["job:1","other"] and .live == 2 and .expired == 0 and .prefix == ""'
	check "claims --json: claim fields" \
		jq_true '.claims[0] | (.id | length > 0) and (.token | type) == "number" and .owner == "alice" and .live == true and .expiresAt > (now * 1000)'
	run claims "$claimed" --json --expired --prefix=job:
	check "claims --json --expired: owner null, live false" \
		jq_true '.live == 1 and .expired == 1 and (.claims[1] | .key == "job:2" and .owner == null and .live == false)'
	run claims "$claimed" --json --prefix=none:
	check "claims --json with no match: empty" jq_true '. == {"claims":[],"expired":0,"live":0,"prefix":"none:"}'
	run claims "$claimed" extra
	check "claims with an extra argument: exit 2" exit_is 2
	run claims "$tmpdir/missing.kv"
	check "claims of a missing store: exit 1, one typed line" \
		sh -c "[ $rc -eq 1 ] && [ \$(wc -l <'$err') -eq 1 ] && grep -q '^kv-admin: claims: .*Error)\$' '$err'"
	run backup "$claimed" "$tmpdir/claims.kvs"
	run verify "$claimed" --json
	check "verify of a store file counts its claim records" jq_true '.claims == 3'
	run verify "$tmpdir/claims.kvs" --json
	check "a snapshot holds no claims" jq_true '.claims == 0 and .entries == 4'
fi

# --- outputs: what export, backup and compact may replace (D19, D20, D26, D27) --------------
# Scratch nodes in $tmpdir only: a FIFO, a symlink and, as root, a /dev/null-like
# node made with mknod here. Never a real device.
o=$tmpdir/outputs
mkdir "$o"
dir_mode=$(printf %o $((0750 & ~$(umask))))
printf '{"key":"a","value":1}\n{"key":"b","value":2}\n' >"$o/in.jsonl"
run import "$o/data/new/s.kv" "$o/in.jsonl"
check "import into a store whose directory is missing: created (0750)" \
	sh -c "[ $rc -eq 0 ] && [ -f '$o/data/new/s.kv' ] && [ \$(stat -c %a '$o/data/new') = $dir_mode ]"
s=$o/data/new/s.kv
s_sum=$(cksum <"$s")
for cmd in export compact; do
	run $cmd "$s" "$s"
	check "$cmd onto STORE itself: exit 2, one line" \
		sh -c "[ $rc -eq 2 ] && [ \$(wc -l <'$err') -eq 1 ] && grep -q 'must not be STORE itself' '$err'"
done
for cmd in export backup compact; do
	run $cmd "$s" "$s-lock"
	check "$cmd onto STORE-lock: exit 2, one line" \
		sh -c "[ $rc -eq 2 ] && [ \$(wc -l <'$err') -eq 1 ] && grep -q \"must not be STORE's lock file\" '$err'"
done
ln "$s" "$o/hardlink.kv"
run export "$s" "$o/hardlink.kv"
check "export onto another name of STORE's inode: exit 1, SnapshotExportError" \
	sh -c "[ $rc -eq 1 ] && grep -q \"this store's own data file.*(SnapshotExportError)\$\" '$err'"
run backup "$s" "$o/snap.kvs"
run export "$s" "$o/snap.kvs-lock"
check "export onto X-lock of another LMDB file X: exit 1, SnapshotExportError" \
	sh -c "[ $rc -eq 1 ] && grep -q 'lock file of the LMDB store.*(SnapshotExportError)\$' '$err' && [ ! -e '$o/snap.kvs-lock' ]"
mkfifo "$o/fifo1"
echo precious >"$o/target1"
ln -s target1 "$o/link1"
nodes="fifo1 link1"
if [ "$(id -u)" = 0 ] && mknod "$o/mynull" c 1 3 2>/dev/null; then nodes="$nodes mynull"; fi
for node in $nodes; do
	before=$(stat -c %F "$o/$node")
	for cmd in export backup compact; do
		run $cmd "$s" "$o/$node"
		check "$cmd onto $before $node: exit 1, SnapshotExportError, left as it was" \
			sh -c "[ $rc -eq 1 ] && grep -q '(SnapshotExportError)\$' '$err' && [ \"\$(stat -c %F '$o/$node')\" = '$before' ]"
	done
done
check "the symlink's target was not touched" sh -c "[ \"\$(cat '$o/target1')\" = precious ]"
check "the store survived every refused output" test "$(cksum <"$s")" = "$s_sum"
run count "$s"
check "and still reads" sh -c "[ $rc -eq 0 ] && [ \"\$(cat '$out')\" = 2 ]"
for cmd in export backup; do
	: >"$o/secret-$cmd"
	chmod 600 "$o/secret-$cmd"
	run $cmd "$s" "$o/secret-$cmd"
	check "$cmd over a 0600 file keeps 0600" sh -c "[ $rc -eq 0 ] && [ \$(stat -c %a '$o/secret-$cmd') = 600 ] && [ -s '$o/secret-$cmd' ]"
	run $cmd "$s" "$o/made/for/$cmd/out"
	check "$cmd into a missing directory: created (0750)" \
		sh -c "[ $rc -eq 0 ] && [ -f '$o/made/for/$cmd/out' ] && [ \$(stat -c %a '$o/made/for/$cmd') = $dir_mode ]"
done

# The plan goes last, so adding a check never means counting by hand.
echo "1..$n"
[ "$failed" -eq 0 ]
