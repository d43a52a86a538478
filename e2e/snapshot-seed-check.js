// e2e/snapshot-seed-check.js — step 2 of 2: the snapshot that
// e2e/snapshot-seed-fill.js wrote from a memory store, used on the disk
// backend. Every key and value must be exactly what the fill run wrote.
//
//   k6-kv run -e SNAPSHOT=./seed.kv -e MODE=restore  e2e/snapshot-seed-check.js
//   k6-kv run -e SNAPSHOT=./seed.kv -e MODE=readonly e2e/snapshot-seed-check.js
//   k6-kv run -e SNAPSHOT=./seed.kv -e MODE=open     e2e/snapshot-seed-check.js
//
// MODE=restore (default): a fresh disk store (-e KV_PATH, default
//   ./seed-check.k6.kv); setup() restores the snapshot into it, after an
//   over-budget restore() that must change nothing.
// MODE=readonly: the snapshot file itself is the store, opened with
//   disk.readOnly: writes reject with StoreReadOnlyError.
// MODE=open: the snapshot file itself is the store, opened read-write (a
//   snapshot is a store file); restore() and backup() without a fileName name
//   that live file and are no-ops.
// With -e SNAPSHOT=./.k6.kv, readonly and open modes open openKv({backend:
// "disk"}) without a path: the seed's "shared .k6.kv" workflow.
//
// Invariants (a failed check fails the run):
// - each VU iteration reads its own key seed:<vu>:<iter> and finds the exact value;
// - the claims of the fill run did not travel: every seed key is claimable;
// - teardown pages through the whole store: keys in strictly increasing
//   order, each one expected, each value exact, exactly N of them, nothing else.

import { check } from "k6";
import { openKv } from "k6/x/kv";
import { ITERATIONS, N, SHARED, SNAPSHOT, VUS, sameValue, seedKey, seedValue } from "./snapshot-seed-data.js";

const TRACK_KEYS = (__ENV.TRACK_KEYS || "true") !== "false";
const MODE = __ENV.MODE || "restore";
const KV_PATH = __ENV.KV_PATH || "./seed-check.k6.kv";
const WRITABLE = MODE !== "readonly";

if (!["restore", "readonly", "open"].includes(MODE)) throw new Error(`MODE must be restore, readonly or open, not ${MODE}`);
// With SNAPSHOT=./.k6.kv the snapshot modes give no path: the disk default is that file.
const kv = openKv({
  backend: "disk",
  trackKeys: TRACK_KEYS,
  ...(MODE === "restore" ? { path: KV_PATH } : SHARED ? {} : { path: SNAPSHOT }),
  disk: MODE === "readonly" ? { readOnly: true } : { noSync: true },
});

export const options = {
  scenarios: {
    check: { executor: "per-vu-iterations", vus: VUS, iterations: ITERATIONS, maxDuration: "60s" },
  },
  thresholds: { checks: ["rate==1"] },
};

async function errorName(promise) {
  try {
    await promise;
    return "resolved";
  } catch (e) {
    return e.name;
  }
}

export async function setup() {
  if (MODE === "restore") {
    check(await kv.size(), { "the disk store starts empty": (n) => n === 0 });
    check(await errorName(kv.restore({ fileName: SNAPSHOT, maxEntries: N - 1 })), {
      "a restore over budget is refused": (name) => name === "SnapshotBudgetExceededError",
    });
    check(await kv.size(), { "the refused restore changed nothing": (n) => n === 0 });
    const summary = await kv.restore({ fileName: SNAPSHOT, maxEntries: N });
    console.log(`restore ${summary.fileName}: ${summary.totalEntries} entries, ${summary.bytesRead} bytes`);
    check(summary, {
      "restore brings N entries": (s) => s.totalEntries === N && s.fileName === SNAPSHOT && s.noOp === false,
      "restore read the snapshot": (s) => s.bytesRead > 0,
    });
  } else {
    // The snapshot is the live store: naming no file names it, a no-op.
    const summary = await kv.restore();
    check(summary, { "restore() of the live file is a no-op": (s) => s.noOp === true && s.totalEntries === N && s.fileName === SNAPSHOT });
    const backup = await kv.backup();
    check(backup, { "backup() of the live file is a no-op": (s) => s.noOp === true && s.totalEntries === N });
  }
  if (!WRITABLE) {
    check(await errorName(kv.set("seed:extra", 1)), { "a read-only store refuses writes": (n) => n === "StoreReadOnlyError" });
    check(await errorName(kv.restore({ fileName: SNAPSHOT + ".missing" })), {
      "a read-only store refuses restore": (n) => n === "StoreReadOnlyError",
    });
  }
  check(await kv.allocationStats({ prefix: "seed:" }), {
    "no claim came with the snapshot": (a) => a.total === N && a.claimedLive === 0 && a.claimedExpired === 0,
  });
}

export default async function () {
  const key = seedKey(__VU, __ITER);
  const [item] = await kv.getMany([key]);
  check(item, { "the VU's key has its exact value": (i) => i.exists && sameValue(i.value, seedValue(__VU, __ITER)) });
  if (WRITABLE && __ITER % 10 === 0) {
    // The fill run held a live claim on this key; the snapshot did not keep it.
    const claim = await kv.claimKey(key, { ttl: 60000 });
    check(claim, { "a key claimed in the fill run is claimable": (c) => c !== null && sameValue(c.entry.value, seedValue(__VU, __ITER)) });
    if (claim !== null) check(await kv.releaseClaim(claim), { "claim released": (ok) => ok === true });
  }
}

export async function teardown() {
  const pattern = /^seed:(\d+):(\d+)$/;
  const seen = new Set();
  let previous = "";
  let ordered = true;
  let expected = true;
  let exact = true;
  let cursor = "";
  for (;;) {
    const page = await kv.scan({ cursor, limit: 500 });
    for (const { key, value } of page.entries) {
      if (key <= previous) ordered = false;
      previous = key;
      const m = pattern.exec(key);
      const vu = m ? Number(m[1]) : 0;
      const iter = m ? Number(m[2]) : -1;
      if (!m || vu < 1 || vu > VUS || iter < 0 || iter >= ITERATIONS || seen.has(key)) {
        expected = false;
        continue;
      }
      seen.add(key);
      if (!sameValue(value, seedValue(vu, iter))) exact = false;
    }
    if (page.done) break;
    cursor = page.cursor;
  }
  console.log(`scanned ${seen.size} of ${N} seed keys (mode ${MODE})`);
  check(null, {
    "scan: keys in strictly increasing order": () => ordered,
    "scan: only expected keys": () => expected,
    "scan: every value exact": () => exact,
    "scan: exactly N keys": () => seen.size === N,
  });
  check(await kv.size(), { "size() is N": (n) => n === N });
  check(await kv.count({ prefix: "seed:" }), { "count({prefix}) is N": (n) => n === N });
  check(await kv.allocationStats({ prefix: "seed:" }), { "no claim left behind": (a) => a.claimedLive === 0 });
  kv.close();
}
