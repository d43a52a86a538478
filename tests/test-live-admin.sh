#!/bin/sh
# kv-admin reads a disk store while a k6 run writes it: LMDB readers never block
# the writer, and every read sees a consistent, committed state. TAP output.
set -u
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
K6_KV=${K6_KV:-$top_builddir/k6-plugin/k6-kv}
KV_ADMIN=${KV_ADMIN:-$top_builddir/tools/kv-admin}
K6_KV=$(cd "$(dirname "$K6_KV")" && pwd)/$(basename "$K6_KV")
KV_ADMIN=$(cd "$(dirname "$KV_ADMIN")" && pwd)/$(basename "$KV_ADMIN")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
echo "1..5"

cat > writer.js <<'JS'
import { openKv } from "k6/x/kv";
// Every iteration adds one key and counts it, in one place each.
const kv = openKv({ path: "./live.kv" });
export const options = { vus: 4, duration: "4s", thresholds: { checks: ["rate==1"] } };
export default async function () {
  const n = await kv.incrementBy("counter", 1);
  await kv.set(`k:${__VU}:${__ITER}`, n);
}
export function teardown() { kv.close(); }
JS

K6_NO_USAGE_REPORT=true "$K6_KV" run --quiet writer.js >k6.out 2>&1 &
pid=$!
reads=0 failures=0 regressions=0 last_counter=0
while kill -0 "$pid" 2>/dev/null; do
  [ -f live.kv ] || { sleep 0.05; continue; }
  if counter=$("$KV_ADMIN" get live.kv counter 2>err.txt) &&
     keys=$("$KV_ADMIN" count live.kv --prefix k: 2>>err.txt) &&
     "$KV_ADMIN" stats live.kv --json 2>>err.txt | jq -e '.backend == "disk" and .disk.readOnly == true' >/dev/null; then
    reads=$((reads + 1))
    # Committed states only: the counter never goes back, and the keys counted
    # afterwards are at least as many as the counter said.
    [ "$counter" -ge "$last_counter" ] || regressions=$((regressions + 1))
    [ "$keys" -ge "$((counter - 4))" ] || regressions=$((regressions + 1))
    last_counter=$counter
  elif grep -q KeyNotFoundError err.txt; then
    : # before the first increment
  else
    failures=$((failures + 1)); cat err.txt >&2
  fi
done
wait "$pid"; rc=$?

if [ "$rc" -eq 0 ]; then echo "ok 1 - the k6 run passed while kv-admin read the store"; else echo "not ok 1 - k6 exited $rc"; sed 's/^/# /' k6.out; fi
if [ "$reads" -ge 5 ]; then echo "ok 2 - kv-admin read the live store $reads times"; else echo "not ok 2 - only $reads reads during the run"; fi
if [ "$failures" -eq 0 ]; then echo "ok 3 - no kv-admin call failed"; else echo "not ok 3 - $failures kv-admin calls failed"; fi
if [ "$regressions" -eq 0 ]; then echo "ok 4 - every read saw a consistent state"; else echo "not ok 4 - $regressions inconsistent reads"; fi
final=$("$KV_ADMIN" get live.kv counter) && total=$("$KV_ADMIN" count live.kv --prefix k:)
if [ "${final:-x}" = "${total:-y}" ] && [ "$final" -ge "$last_counter" ]; then
  echo "ok 5 - after the run: counter $final = $total keys"
else
  echo "not ok 5 - after the run: counter ${final:-?}, keys ${total:-?}"
fi
