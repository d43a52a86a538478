// e2e/metrics-thresholds.js — operation metrics under a concurrent mixed
// workload, with deliberate failures and empty results in known numbers, so
// the thresholds can demand exact counts and rates.
//
//   k6-kv run -e TRACK_KEYS=true  e2e/metrics-thresholds.js
//   k6-kv run -e TRACK_KEYS=false e2e/metrics-thresholds.js
//   k6-kv run -e BACKEND=disk e2e/metrics-thresholds.js
//
// Every iteration: reads one present and one missing key (get fails half the
// time with KeyNotFoundError), sets an empty key once (InvalidOptionsError),
// pops twice from a pool that holds one item per iteration (so exactly half
// the pops are empty, whatever the interleaving), claims and completes a
// user, increments a counter, samples keys, and reports stats now and then.
// k6 exits non-zero when any threshold below does not hold.

import { check } from "k6";
import { openKv } from "k6/x/kv";

const TRACK_KEYS = (__ENV.TRACK_KEYS || "true") !== "false";
// BACKEND=disk runs the same scenario on LMDB (noSync: the invariants are
// about concurrency, not durability); the store file lives in the working directory.
const BACKEND = __ENV.BACKEND || "memory";
const kv = openKv({
  backend: BACKEND,
  trackKeys: TRACK_KEYS,
  metrics: { operations: true },
  ...(BACKEND === "disk" ? { path: __ENV.KV_PATH || "./e2e.k6.kv", disk: { noSync: true } } : {}),
});

const VUS = Number(__ENV.VUS || 6);
const ITERATIONS = Number(__ENV.ITERATIONS || 100);
const TOTAL = VUS * ITERATIONS;
const USERS = 500;

const thresholds = {
  checks: ["rate==1"],
  // Exact failure accounting by op and error type.
  "xk6_kv_operations_total{op:get,status:ok}": [`count==${TOTAL}`],
  "xk6_kv_operations_total{op:get,status:error}": [`count==${TOTAL}`],
  "xk6_kv_operation_failed{op:get}": ["rate==0.5"],
  "xk6_kv_errors_total{op:get,error_type:KeyNotFoundError}": [`count==${TOTAL}`],
  "xk6_kv_errors_total{op:set,error_type:InvalidOptionsError}": [`count==${TOTAL}`],
  xk6_kv_errors_total: [`count==${2 * TOTAL}`],
  // Everything else succeeds.
  "xk6_kv_operation_failed{op:increment_by}": ["rate==0"],
  "xk6_kv_operation_failed{op:claim_random}": ["rate==0"],
  "xk6_kv_operation_failed{op:complete_claim}": ["rate==0"],
  "xk6_kv_operation_failed{op:pop_random}": ["rate==0"],
  "xk6_kv_operation_failed{op:random_keys}": ["rate==0"],
  "xk6_kv_operation_failed{op:report_stats}": ["rate==0"],
  // Empty results: the pool holds TOTAL items and gets 2 × TOTAL pops.
  "xk6_kv_empty_result{op:pop_random}": ["rate==0.5"],
  "xk6_kv_empty_result{op:claim_random}": ["rate==0"],
  "xk6_kv_empty_result{op:random_keys}": ["rate==0"],
  "xk6_kv_operations_total{op:pop_random,status:ok}": [`count==${2 * TOTAL}`],
  // Durations are milliseconds.
  "xk6_kv_operation_duration{op:increment_by}": ["p(99)<250", "max<2000"],
  "xk6_kv_operation_duration{op:random_keys,status:ok}": ["p(95)<250"],
  // In flight never runs away.
  xk6_kv_async_in_flight: ["value<1000"],
  // reportStats() gauges.
  xk6_kv_claims_live: ["value==0"],
  xk6_kv_claims_expired: ["value==0"],
};
if (TRACK_KEYS) {
  thresholds["xk6_kv_index_consistent{track_keys:true}"] = ["value==1"];
}
if (BACKEND === "disk") {
  thresholds["xk6_kv_disk_size_bytes{backend:disk}"] = ["value>0"];
}

export const options = {
  scenarios: {
    traffic: { executor: "per-vu-iterations", vus: VUS, iterations: ITERATIONS, maxDuration: "60s" },
  },
  thresholds,
};

export async function setup() {
  await kv.clear();
  const users = {};
  for (let i = 0; i < USERS; i++) users[`user:${i}`] = { id: i };
  await kv.setMany(users);
  const pool = {};
  for (let i = 0; i < TOTAL; i++) pool[`pool:${i}`] = i;
  await kv.setMany(pool);
}

async function rejectsWith(promise, name) {
  try {
    await promise;
    return false;
  } catch (err) {
    return err.name === name;
  }
}

export default async function () {
  // Several calls in flight at once.
  const [present, missing, badSet, popA, popB, claim, n, sample] = await Promise.all([
    kv.get(`user:${(__VU * 7 + __ITER) % USERS}`),
    rejectsWith(kv.get(`nobody:${__VU}:${__ITER}`), "KeyNotFoundError"),
    rejectsWith(kv.set("", 1), "InvalidOptionsError"),
    kv.popRandom({ prefix: "pool:" }),
    kv.popRandom({ prefix: "pool:" }),
    kv.claimRandom({ prefix: "user:", owner: `vu-${__VU}`, ttl: 10000 }),
    kv.incrementBy("hits", 1),
    kv.randomKeys({ prefix: "user:", count: 5 }),
  ]);
  check(null, {
    "present key read": () => typeof present.id === "number",
    "missing key: KeyNotFoundError": () => missing,
    "empty key: InvalidOptionsError": () => badSet,
    "pops return an item or null": () => [popA, popB].every((p) => p === null || p.key.startsWith("pool:")),
    "a user is always claimable": () => claim !== null,
    "incrementBy counts": () => n >= 1 && n <= TOTAL,
    "randomKeys samples users": () => sample.length === 5,
  });
  if (claim !== null) {
    check(await kv.completeClaim(claim, { deleteKey: false }), { "complete the claim": (ok) => ok === true });
  }
  if (__ITER % 20 === 0) {
    await kv.reportStats();
  }
}

export async function teardown() {
  // getMany, not get: the get thresholds count the traffic's calls exactly.
  const [hits] = await kv.getMany(["hits"]);
  check(hits, { "no increment lost": (h) => h.value === TOTAL });
  check(await kv.count({ prefix: "pool:" }), { "the pool is drained": (n) => n === 0 });
  await kv.reportStats();
  await kv.clear();
  kv.close();
}
