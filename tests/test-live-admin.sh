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
echo "1..9"

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
  elif [ "$reads" -eq 0 ] && grep -q BucketNotFoundError err.txt; then
    : # the file exists, but the writer's first commit (which creates the "k6" database) has not happened yet
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

# The whole round a store made by a k6 run goes through: back it up, verify the
# snapshot, export it, import the export into a new store, restore the snapshot
# into another, and inspect both: every step must give back the same data.
n=$final
if "$KV_ADMIN" backup live.kv snap.kv --json >backup.json 2>err.txt &&
   jq -e ".totalEntries == $((n + 1)) or .entries == $((n + 1))" backup.json >/dev/null; then
  echo "ok 6 - kv-admin backup of the k6 store: $((n + 1)) entries"
else echo "not ok 6 - backup: $(cat backup.json err.txt)"; fi
if "$KV_ADMIN" verify snap.kv --json >verify.json 2>err.txt &&
   jq -e ".entries == $((n + 1)) and .claims == 0" verify.json >/dev/null; then
  echo "ok 7 - kv-admin verify: a sound snapshot, $((n + 1)) entries, no claims"
else echo "not ok 7 - verify: $(cat verify.json err.txt)"; fi
if "$KV_ADMIN" export live.kv all.jsonl >/dev/null 2>err.txt &&
   "$KV_ADMIN" import imported.kv all.jsonl >/dev/null 2>>err.txt &&
   [ "$("$KV_ADMIN" count imported.kv --prefix k:)" = "$n" ] &&
   [ "$("$KV_ADMIN" get imported.kv counter)" = "$n" ]; then
  echo "ok 8 - export, then import into a new store: $n keys and the counter"
else echo "not ok 8 - export/import: $(cat err.txt)"; fi
if "$KV_ADMIN" restore restored.kv snap.kv >/dev/null 2>err.txt &&
   [ "$("$KV_ADMIN" count restored.kv)" = "$((n + 1))" ] &&
   "$KV_ADMIN" list restored.kv --prefix k: --json | jq -e ".count == $n" >/dev/null &&
   [ "$("$KV_ADMIN" get restored.kv counter)" = "$n" ]; then
  echo "ok 9 - restore the snapshot into another store and inspect it: identical"
else echo "not ok 9 - restore: $(cat err.txt)"; fi
