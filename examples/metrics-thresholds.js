// metrics-thresholds.js — the xk6_kv_* metrics as k6 thresholds.
//
//   k6-kv run examples/metrics-thresholds.js
//   k6-kv run -e TRACK_KEYS=false examples/metrics-thresholds.js
//
// openKv({metrics: {operations: true}}) makes every store call emit
// operation metrics (count, duration, failures, errors by type, empty
// results of sampling calls, calls in flight); reportStats() emits the
// store gauges (keys, claims, key index). The thresholds below must all hold:
// k6 exits non-zero when one does not.

import { check } from "k6";
import { openKv } from "k6/x/kv";

const TRACK_KEYS = __ENV.TRACK_KEYS !== "false";
// Metrics are registered here, in the init context, so thresholds on them are known.
const kv = openKv({ backend: "memory", trackKeys: TRACK_KEYS, metrics: { operations: true } });

const USERS = 1000;
const VUS = 4;
const ITERATIONS = 50;

const thresholds = {
  checks: ["rate==1"],
  // No store call failed, whatever the method.
  xk6_kv_operation_failed: ["rate==0"],
  xk6_kv_errors_total: ["count==0"],
  // Tags select one method (op is the snake_case method name) and outcome.
  "xk6_kv_operations_total{op:claim_random,status:ok}": [`count==${VUS * ITERATIONS}`],
  "xk6_kv_operations_total{op:increment_by}": [`count==${VUS * ITERATIONS}`],
  "xk6_kv_operation_duration{op:get}": ["p(95)<100"],
  // The pool never runs dry: claims are completed without deleting the key.
  "xk6_kv_empty_result{op:claim_random}": ["rate==0"],
  // randomKey on a prefix with no keys is always empty.
  "xk6_kv_empty_result{op:random_key}": ["rate>0.3", "rate<0.7"],
  xk6_kv_async_in_flight: ["value<1000"],
  // reportStats() gauges.
  xk6_kv_keys: [`value==${USERS + 1}`],
  xk6_kv_claims_live: ["value==0"],
  xk6_kv_claims_expired: ["value==0"],
};
if (TRACK_KEYS) {
  // Only a tracked store has a key index; an empty gauge would read as 0.
  thresholds["xk6_kv_index_consistent{track_keys:true}"] = ["value==1"];
  thresholds["xk6_kv_index_keys{index:ost}"] = [`value==${USERS + 1}`];
}

export const options = {
  scenarios: {
    traffic: { executor: "per-vu-iterations", vus: VUS, iterations: ITERATIONS, maxDuration: "30s" },
  },
  thresholds,
};

export async function setup() {
  await kv.clear();
  const users = {};
  for (let i = 0; i < USERS; i++) users[`user:${i}`] = { id: i };
  await kv.setMany(users);
  await kv.set("hits", 0);
}

export default async function () {
  // A sampling call that finds something, and one that never does.
  const key = (await kv.randomKey({ prefix: __ITER % 2 === 0 ? "user:" : "nobody:" })) || "user:0";
  const user = await kv.get(key);
  check(user, { "randomKey + get": (u) => typeof u.id === "number" });

  const claim = await kv.claimRandom({ prefix: "user:", owner: `vu-${__VU}`, ttl: 5000 });
  check(claim, { "claimRandom finds a user": (c) => c !== null });
  if (claim !== null) {
    check(await kv.completeClaim(claim, { deleteKey: false }), { "claim completed, user kept": (ok) => ok });
  }
  await kv.incrementBy("hits", 1);

  if (__ITER % 10 === 9) {
    await kv.reportStats(); // gauges from stats()
  }
}

export async function teardown() {
  const stats = await kv.stats();
  check(stats, {
    "stats: every user is still there": (s) => s.count === USERS + 1,
    "stats: no claim left": (s) => s.claims.live === 0 && s.claims.expired === 0,
    "stats: index matches trackKeys": (s) => (TRACK_KEYS ? s.index.consistent === true : s.index === null),
  });
  check(await kv.get("hits"), { "no increment lost": (n) => n === VUS * ITERATIONS });
  await kv.reportStats();
  kv.close();
}
