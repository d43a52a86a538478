// e2e/snapshot-seed-fill.js — step 1 of 2: fill a memory store under load and
// back it up in teardown. Step 2, e2e/snapshot-seed-check.js, restores the
// snapshot on the disk backend (or opens it as the store) and checks every key.
//
//   k6-kv run -e SNAPSHOT=./seed.kv e2e/snapshot-seed-fill.js
//   k6-kv run -e SNAPSHOT=./seed.kv -e MODE=restore e2e/snapshot-seed-check.js   # or readonly, open
//
// With -e SNAPSHOT=./.k6.kv both steps use the defaults instead (the seed's
// "shared .k6.kv" workflow): backup() without options here, openKv({backend:
// "disk"}) without a path in the check step (MODE=readonly or open).
//
// The keys and values come from e2e/snapshot-seed-data.js (pass the same
// -e VUS / -e ITERATIONS to both steps).
//
// Invariants (a failed check fails the run):
// - every write lands: teardown counts exactly N seed keys;
// - the backup is consistent (no writer runs in teardown, and
//   allowConcurrentWrites is off) and holds exactly N entries;
// - live claims and scratch keys are not part of the data: claims are left
//   out of snapshots, scratch keys are deleted before the backup.

import { check } from "k6";
import { openKv } from "k6/x/kv";
import { ITERATIONS, N, SHARED, SNAPSHOT, VUS, seedKey, seedValue } from "./snapshot-seed-data.js";

const TRACK_KEYS = (__ENV.TRACK_KEYS || "true") !== "false";
const kv = openKv({ backend: "memory", trackKeys: TRACK_KEYS });

export const options = {
  scenarios: {
    fill: { executor: "per-vu-iterations", vus: VUS, iterations: ITERATIONS, maxDuration: "60s" },
  },
  thresholds: { checks: ["rate==1"] },
};

export async function setup() {
  await kv.clear();
}

export default async function () {
  const key = seedKey(__VU, __ITER);
  // A scratch key per iteration, and a claim on some seed keys: neither may
  // reach the snapshot as data.
  await kv.set(`scratch:${__VU}:${__ITER}`, __ITER);
  await kv.set(key, seedValue(__VU, __ITER));
  if (__ITER % 10 === 0) {
    const claim = await kv.claimKey(key, { owner: `vu-${__VU}`, ttl: 60000 });
    check(claim, { "seed key claimed": (c) => c !== null && c.key === key });
  }
  await kv.delete(`scratch:${__VU}:${__ITER}`);
}

export async function teardown() {
  const count = await kv.count({ prefix: "seed:" });
  check(count, { "every seed key was written": (n) => n === N });
  check(await kv.size(), { "the store holds only the seed keys": (n) => n === N });
  check(await kv.allocationStats({ prefix: "seed:" }), {
    "some seed keys are claimed": (a) => a.claimedLive === VUS * Math.ceil(ITERATIONS / 10),
  });

  // SHARED: no options at all, the memory backend's default file ./.k6.kv.
  const summary = SHARED ? await kv.backup() : await kv.backup({ fileName: SNAPSHOT });
  console.log(`backup ${summary.fileName}: ${summary.totalEntries} entries, ${summary.bytesWritten} bytes`);
  check(summary, {
    "backup holds exactly the N seed keys": (s) => s.totalEntries === N && s.fileName === SNAPSHOT,
    "backup is consistent and written": (s) => s.bestEffort === false && s.noOp === false && s.bytesWritten > 0,
  });
  kv.close();
}
