// snapshots.js — backup()/restore() snapshots and JSON Lines export/import.
//
//   k6-kv run examples/snapshots.js
//   k6-kv run -e TRACK_KEYS=false examples/snapshots.js
//
// VUs fill a memory store with orders while one of them takes a best-effort
// backup in the middle of the traffic. Teardown then takes a consistent
// snapshot and a JSONL export, validates the export, empties the store, brings
// the data back twice (importJSONL, then restore) and checks every value.
// It also shows the typed errors of a missing snapshot, a file that is not a
// snapshot, a file that is not JSON Lines, and a budget. Files are written
// to the working directory. The run fails (non-zero exit) if any check fails.

import { check } from "k6";
import { openKv } from "k6/x/kv";

const TRACK_KEYS = __ENV.TRACK_KEYS !== "false";
const kv = openKv({ backend: "memory", trackKeys: TRACK_KEYS });

const SNAPSHOT = "./snapshots-example.kv"; // an LMDB store file
const LIVE_SNAPSHOT = "./snapshots-example-live.kv";
const JSONL = "./snapshots-example.jsonl";
const VUS = 4;
const ITERATIONS = 25;
const ORDERS = VUS * ITERATIONS;

export const options = {
  scenarios: {
    orders: { executor: "per-vu-iterations", vus: VUS, iterations: ITERATIONS, maxDuration: "30s" },
  },
  thresholds: { checks: ["rate==1"] },
};

// The value every order must have; the checks compare with it.
const order = (vu, iter) => ({ vu, iter, items: [`sku-${iter % 7}`, `sku-${vu}`], total: vu * 100 + iter / 4, note: "ünïcode ✓" });
// Stored JSON is canonical (object members sorted), so compare with sorted members too.
const canonical = (v) =>
  Array.isArray(v) ? v.map(canonical)
  : v !== null && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]))
  : v;
const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

export async function setup() {
  await kv.clear();
  await kv.set("orders:count", 0);
}

export default async function () {
  await kv.set(`order:${__VU}:${__ITER}`, order(__VU, __ITER));
  await kv.incrementBy("orders:count", 1);

  if (__VU === 1 && __ITER === Math.floor(ITERATIONS / 2)) {
    // While the other VUs keep writing: allowConcurrentWrites does not pause
    // them, so the snapshot may mix moments and says so.
    const live = await kv.backup({ fileName: LIVE_SNAPSHOT, allowConcurrentWrites: true });
    check(live, {
      "best-effort backup is flagged": (s) => s.bestEffort === true && typeof s.warning === "string",
      "best-effort backup has entries": (s) => s.totalEntries > 0 && s.bytesWritten > 0 && s.noOp === false,
    });
  }
}

// Reads every order back and compares it with what was written.
async function ordersIntact() {
  const keys = [];
  for (let vu = 1; vu <= VUS; vu++) for (let iter = 0; iter < ITERATIONS; iter++) keys.push(`order:${vu}:${iter}`);
  const got = await kv.getMany(keys);
  return got.every((item, i) => {
    const [, vu, iter] = keys[i].split(":").map(Number);
    return item.exists && same(item.value, order(vu, iter));
  });
}

async function errorName(promise) {
  try {
    await promise;
    return "resolved";
  } catch (e) {
    return e.name;
  }
}

export async function teardown() {
  check(await kv.size(), { "every order and the counter are stored": (n) => n === ORDERS + 1 });

  // 1. A consistent snapshot (writers would be paused while it is taken).
  const backup = await kv.backup({ fileName: SNAPSHOT });
  check(backup, {
    "backup: every entry": (s) => s.totalEntries === ORDERS + 1 && s.fileName === SNAPSHOT,
    "backup: consistent, not a no-op": (s) => s.bestEffort === false && s.noOp === false && !("warning" in s),
  });

  // 2. The orders as JSON Lines, then a validation of that file.
  const exported = await kv.exportJSONL({ fileName: JSONL, prefix: "order:" });
  check(exported, { "exportJSONL: every order": (r) => r.exported === ORDERS && r.bytesWritten > 0 });
  const validation = await kv.validateJSONL({ fileName: JSONL });
  check(validation, {
    "validateJSONL: the export is valid": (v) => v.valid && v.checkedAll && v.records === ORDERS,
    "validateJSONL: every byte read": (v) => v.bytesRead === exported.bytesWritten && v.firstError === undefined,
  });

  // 3. Empty the store and import the JSONL file.
  await kv.clear();
  const imported = await kv.importJSONL({ fileName: JSONL, batchSize: 25 });
  check(imported, { "importJSONL: every order": (r) => r.imported === ORDERS && r.bytesRead === exported.bytesWritten });
  check(await ordersIntact(), { "importJSONL: every value came back": (ok) => ok });
  check(await kv.exists("orders:count"), { "importJSONL: only the exported prefix": (e) => e === false });

  // 4. Restore the snapshot: every key of the store is replaced.
  await kv.set("order:stray", "not in the snapshot");
  const restored = await kv.restore({ fileName: SNAPSHOT });
  check(restored, { "restore: every entry": (s) => s.totalEntries === ORDERS + 1 && s.noOp === false });
  check(await ordersIntact(), { "restore: every value came back": (ok) => ok });
  check(await kv.get("orders:count"), { "restore: the counter came back": (n) => n === ORDERS });
  check(await kv.exists("order:stray"), { "restore: keys not in the snapshot are gone": (e) => e === false });

  // 5. Typed errors; none of them changes the store.
  check(await errorName(kv.restore({ fileName: "./no-such-snapshot.kv" })), {
    "missing snapshot: SnapshotNotFoundError": (n) => n === "SnapshotNotFoundError",
  });
  check(await errorName(kv.restore({ fileName: JSONL })), {
    "a JSONL file is not a snapshot: SnapshotReadError": (n) => n === "SnapshotReadError",
  });
  check(await errorName(kv.restore({ fileName: SNAPSHOT, maxEntries: 10 })), {
    "restore over budget: SnapshotBudgetExceededError": (n) => n === "SnapshotBudgetExceededError",
  });
  check(await errorName(kv.importJSONL({ fileName: SNAPSHOT })), {
    "a snapshot is not JSON Lines: ValueParseError": (n) => n === "ValueParseError",
  });
  const notJSONL = await kv.validateJSONL({ fileName: SNAPSHOT });
  check(notJSONL, {
    "validateJSONL reports the first bad line": (v) =>
      !v.valid && v.firstError.line === 1 && v.firstError.name === "ValueParseError",
  });
  check(await errorName(kv.exportJSONL({ prefix: "order:" })), {
    "exportJSONL without a fileName: InvalidOptionsError": (n) => n === "InvalidOptionsError",
  });
  check(await kv.size(), { "failed calls left the store as restored": (n) => n === ORDERS + 1 });
  kv.close();
}
