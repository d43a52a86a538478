#!/bin/bash
# test-kv-admin-progress.sh — kv-admin's progress bar on a real terminal (a
# pty from script(1)), its absence everywhere else, and a clean stop on
# SIGTERM. Emits TAP with the plan at the end.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

set -u

KV_ADMIN=${KV_ADMIN:-${top_builddir:-.}/tools/kv-admin}

tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/test-kv-admin-progress.XXXXXX") || exit 99
trap 'exec 3>&- 2>/dev/null; rm -rf "$tmpdir"' EXIT
store=$tmpdir/store.kv
n=0
failed=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -f "$tmpdir/tty" ] && cat -v "$tmpdir/tty" | tr '\r' '\n' | tail -20 | sed 's/^/# tty: /'
	[ -f "$tmpdir/err" ] && sed 's/^/# stderr: /' "$tmpdir/err"
}
check () {
	local description=$1
	shift
	if "$@"; then ok "$description"; else not_ok "$description"; fi
}

if ! command -v script >/dev/null 2>&1 || ! script -qfec true /dev/null >/dev/null 2>&1; then
	echo "1..0 # SKIP script(1) cannot give us a terminal here"
	exit 0
fi

# on_tty ARGS…: runs kv-admin with stdout and stderr on a fresh terminal; the
# terminal's bytes land in $tmpdir/tty, kv-admin's exit status in $rc.
on_tty () {
	local cmd
	cmd=$(printf '%q ' "$KV_ADMIN" "$@")
	TERM=${TTY_TERM:-xterm} script -qfec "$cmd" /dev/null >"$tmpdir/tty" 2>&1 </dev/null
	rc=$?
}
tty_has () { grep -qF -- "$1" "$tmpdir/tty"; }
# A drawn bar, not just text: "[###" on the line, redrawn with CR, erased with ESC [ K.
bar_drawn () { grep -qF '[###' "$tmpdir/tty" && grep -q $'\r' "$tmpdir/tty" && grep -qF $'\033[K' "$tmpdir/tty"; }
no_bar () { ! grep -qF '[#' "$tmpdir/tty" && ! grep -qF $'\033[K' "$tmpdir/tty"; }

# A store of 20,000 records, written through kv-admin itself.
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "{\"key\":\"k:%05d\",\"value\":{\"n\":%d}}\n", i, i }' \
	>"$tmpdir/in.jsonl"
"$KV_ADMIN" import "$store" "$tmpdir/in.jsonl" >/dev/null 2>"$tmpdir/err"
check "setup: import writes the store" test $? -eq 0

# ---- On a terminal: a bar, erased before the summary --------------------------------------------

on_tty export "$store" "$tmpdir/out.jsonl"
check "export on a terminal: exit 0" test "$rc" -eq 0
check "export on a terminal: draws a bar that reaches 100%" bar_drawn
check "export on a terminal: counts against the store's size" tty_has "20000/20000 records"
check "export on a terminal: shows the committing stage" tty_has "export: committing"
# The summary comes after the erase, so the terminal keeps only the summary.
check "export on a terminal: the bar is erased before the summary" \
	grep -qF $'\r\033[Kfile: '"$tmpdir/out.jsonl" "$tmpdir/tty"
check "export on a terminal: writes the same file as without one" \
	bash -c '"$1" export "$2" "$3" >/dev/null && cmp -s "$3" "$4"' _ "$KV_ADMIN" "$store" \
	"$tmpdir/plain.jsonl" "$tmpdir/out.jsonl"

on_tty import "$tmpdir/imported.kv" "$tmpdir/in.jsonl"
check "import on a terminal: a bar by bytes of the file" bar_drawn
check "import on a terminal: reaches 100%" tty_has "100%  20000 records"

on_tty backup "$store" "$tmpdir/snap.kv"
check "backup on a terminal: copying, then committing" \
	bash -c 'grep -qF "backup: copying" "$1" && grep -qF "backup: committing" "$1"' _ "$tmpdir/tty"
check "backup on a terminal: a bar" bar_drawn

on_tty verify "$tmpdir/snap.kv"
check "verify on a terminal: checksum, then every record" \
	bash -c 'grep -qF "verify: checksum" "$1" && grep -qF "20000/20000 records" "$1"' _ "$tmpdir/tty"

on_tty restore "$tmpdir/imported.kv" "$tmpdir/snap.kv"
check "restore on a terminal: checks, then commits" \
	bash -c 'grep -qF "restore: checking" "$1" && grep -qF "restore: committing" "$1"' _ "$tmpdir/tty"
check "restore on a terminal: exit 0" test "$rc" -eq 0

on_tty compact "$store" "$tmpdir/compact.kv"
check "compact on a terminal: a bar" bar_drawn

# ---- No bar where it does not belong ----------------------------------------------------------

on_tty export "$store" "$tmpdir/out2.jsonl" --json
check "--json on a terminal: no bar" no_bar
check "--json on a terminal: the output is the JSON summary alone" \
	bash -c 'tr -d "\r" <"$1" | jq -e ".records == 20000" >/dev/null' _ "$tmpdir/tty"
on_tty export "$store" "$tmpdir/out3.jsonl" --no-progress
check "--no-progress on a terminal: no bar" no_bar
check "--no-progress on a terminal: the summary still prints" tty_has "records: 20000"
TTY_TERM=dumb on_tty export "$store" "$tmpdir/out4.jsonl"
check "TERM=dumb: no bar" no_bar
"$KV_ADMIN" export "$store" "$tmpdir/out5.jsonl" >"$tmpdir/out" 2>"$tmpdir/err" </dev/null
check "piped: nothing on stderr" test ! -s "$tmpdir/err"

# ---- SIGTERM stops an import cleanly ------------------------------------------------------------
# The input is a FIFO we feed, so the signal lands at a known point: after two
# committed batches of 1000, during the third. kv-admin must stop at its next
# progress report (every 256 records), keep the committed batches, drop the
# rest, say so, and exit 128 + 15.

mkfifo "$tmpdir/feed"
target=$tmpdir/stopped.kv
"$KV_ADMIN" import "$target" "$tmpdir/feed" --batch-size=1000 \
	>"$tmpdir/out" 2>"$tmpdir/err" &
pid=$!
exec 3>"$tmpdir/feed"
head -n 2100 "$tmpdir/in.jsonl" >&3
count=0
for _ in $(seq 1 200); do
	count=$("$KV_ADMIN" count "$target" 2>/dev/null) || count=0
	[ "${count:-0}" -ge 2000 ] && break
	sleep 0.05
done
check "SIGTERM: two batches were committed before the signal" test "${count:-0}" -eq 2000
kill -TERM "$pid"
sleep 0.2
# More than 256 records after the signal: a progress report must come.
sed -n '2101,2700p' "$tmpdir/in.jsonl" >&3
exec 3>&-
wait "$pid"
rc=$?
check "SIGTERM: exit status 143 (128 + SIGTERM)" test "$rc" -eq 143
check "SIGTERM: one line saying it was interrupted, with the committed progress" \
	bash -c 'test "$(wc -l <"$1")" -eq 1 && grep -q "^kv-admin: import: interrupted: .*2000 records.*(OperationCanceledError)$" "$1"' \
	_ "$tmpdir/err"
count=$("$KV_ADMIN" count "$target" 2>/dev/null)
check "SIGTERM: the store keeps exactly the committed batches" test "$count" = 2000

echo "1..$n"
[ "$failed" -eq 0 ]
