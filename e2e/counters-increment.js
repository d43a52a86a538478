// e2e/counters-increment.js — shared counters under contention: incrementBy
// must lose no update and hand out every value exactly once.
//
//   k6-kv run -e TRACK_KEYS=true  e2e/counters-increment.js
//   k6-kv run -e TRACK_KEYS=false e2e/counters-increment.js
//   k6-kv run -e BACKEND=disk e2e/counters-increment.js
//
// Invariants (a failed check fails the run):
// - ctr:seq: every value incrementBy() returns is unique across VUs (each one
//   claims seq:<n> with setIfAbsent) and teardown finds exactly 1..N;
// - ctr:delta: the sum of mixed positive, negative and zero deltas is exact;
// - ctr:vu:<n>: a VU's own counter returns exactly its iteration count;
// - ctr:text: a counter stored as a string holding an integer counts on;
// - ctr:cas: a compare-and-swap loop loses no update either.

import { check } from "k6";
import { openKv } from "k6/x/kv";

const TRACK_KEYS = (__ENV.TRACK_KEYS || "true") !== "false";
// BACKEND=disk runs the same scenario on LMDB (noSync: the invariants are
// about concurrency, not durability); the store file lives in the working directory.
const BACKEND = __ENV.BACKEND || "memory";
const kv = openKv({
  backend: BACKEND,
  trackKeys: TRACK_KEYS,
  ...(BACKEND === "disk" ? { path: __ENV.KV_PATH || "./e2e.k6.kv", disk: { noSync: true } } : {}),
});

const VUS = Number(__ENV.VUS || 8);
const ITERATIONS = Number(__ENV.ITERATIONS || 400);
const TOTAL = VUS * ITERATIONS;

export const options = {
  scenarios: {
    counters: { executor: "per-vu-iterations", vus: VUS, iterations: ITERATIONS, maxDuration: "60s" },
  },
  thresholds: { checks: ["rate==1"] },
};

const delta = (vu, iter) => ((vu * 31 + iter * 17) % 11) - 5; // -5..5

export async function setup() {
  await kv.clear();
  await kv.set("ctr:text", "100");
  await kv.set("ctr:cas", 0);
}

export default async function () {
  const vu = __VU;
  const iter = __ITER;

  // Several increments in flight at once from one VU.
  const [seq, own, , text] = await Promise.all([
    kv.incrementBy("ctr:seq", 1),
    kv.incrementBy(`ctr:vu:${vu}`, 1),
    kv.incrementBy("ctr:delta", delta(vu, iter)),
    kv.incrementBy("ctr:text", 1),
  ]);
  check(null, {
    "incrementBy returns a number": () => Number.isInteger(seq) && Number.isInteger(text),
    "a VU's own counter is exact": () => own === iter + 1,
  });
  const unique = await kv.setIfAbsent(`seq:${seq}`, vu);
  check(unique, { "every sequence value is handed out once": (u) => u === true });

  // A compare-and-swap loop on another counter.
  let current = await kv.get("ctr:cas");
  for (let tries = 0; ; tries++) {
    const r = await kv.compareAndSwapDetailed("ctr:cas", current, current + 1, { includeCurrentOnMismatch: true });
    if (r.swapped) break;
    current = r.current;
    if (tries > 10000) {
      check(null, { "CAS loop converges": () => false });
      break;
    }
  }
}

export async function teardown() {
  const values = await kv.getMany(["ctr:seq", "ctr:delta", "ctr:text", "ctr:cas"]);
  const [seq, sum, text, cas] = values.map((v) => v.value);
  let expectedSum = 0;
  for (let v = 1; v <= VUS; v++) for (let i = 0; i < ITERATIONS; i++) expectedSum += delta(v, i);
  const perVU = await kv.getMany(Array.from({ length: VUS }, (_, i) => `ctr:vu:${i + 1}`));
  const seqMarkers = await kv.count({ prefix: "seq:" });
  const ends = await kv.getMany([`seq:1`, `seq:${TOTAL}`, `seq:${TOTAL + 1}`]);
  console.log(`seq ${seq}/${TOTAL}, delta sum ${sum}/${expectedSum}, text ${text}, cas ${cas}`);
  check(null, {
    "no increment lost": () => seq === TOTAL,
    "sequence values are exactly 1..N": () => seqMarkers === TOTAL && ends[0].exists && ends[1].exists && !ends[2].exists,
    "mixed deltas sum exactly": () => sum === expectedSum,
    "every VU counted all its iterations": () => perVU.every((c) => c.exists && c.value === ITERATIONS),
    "a string-held integer counts on": () => text === 100 + TOTAL,
    "the CAS counter lost no update": () => cas === TOTAL,
  });
  await kv.clear();
  kv.close();
}
