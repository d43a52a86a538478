// common.js — what every bench/k6 script shares: the scenario built from the
// runner's environment, the phase markers the runner samples CPU time at,
// the commit statistics of disk rows and the JSON summary.
//
// Only core k6 modules and the public k6/x/kv API of the original xk6-kv
// (its README) are used, so the scripts run on both binaries.
//
// Environment (set by run.py; defaults make a script runnable by hand):
//   BENCH_VUS         VUs (1)
//   BENCH_DURATION    run for this long with constant-vus ("10s"), or
//   BENCH_ITERATIONS  run this many iterations in total (shared-iterations)
//   BENCH_PATH        the store file of this run (disk rows)
//   BENCH_SUMMARY     where handleSummary() writes the end-of-test JSON
import { sleep } from "k6";
import { Counter } from "k6/metrics";

export const env = (name, def) => (__ENV[name] === undefined || __ENV[name] === "" ? def : __ENV[name]);
export const envInt = (name, def) => parseInt(env(name, String(def)), 10);

// Keys returned or written by an iteration, for the rows reported as keys/s.
export const benchKeys = new Counter("bench_keys");
// Claims that found the pool empty (should stay 0).
export const benchEmpty = new Counter("bench_empty");
const commitBatches = new Counter("bench_commit_batches");
const commitOps = new Counter("bench_commit_ops");

export function benchOptions() {
  const vus = envInt("BENCH_VUS", 1);
  const iterations = envInt("BENCH_ITERATIONS", 0);
  const scenario =
    iterations > 0
      ? { executor: "shared-iterations", vus, iterations, maxDuration: "60m" }
      : { executor: "constant-vus", vus, duration: env("BENCH_DURATION", "10s"), gracefulStop: "60s" };
  return {
    scenarios: { bench: scenario },
    setupTimeout: "30m",
    teardownTimeout: "10m",
    summaryTrendStats: ["avg", "min", "med", "p(95)", "p(99)", "max"],
    // A threshold that always passes, so the summary has the sub-metric of
    // the scenario's iterations alone (without setup() and teardown()).
    thresholds: { "iteration_duration{scenario:bench}": ["max>=0"] },
  };
}

// The runner reads the k6 process's CPU time when it sees a marker line on
// stderr; the pause lets it do so before the next phase starts (it is idle
// time: no CPU). setup() ends with `return markStart(data)`, teardown(data)
// starts with markEnd(data): bench_window_ms is then the wall time from the
// end of setup() to the start of teardown(), the span of the iterations.
const MARK_PAUSE = 0.25;
const windowMs = new Counter("bench_window_ms");
export function markStart(data) {
  console.log("BENCH_MARK start");
  sleep(MARK_PAUSE);
  return Object.assign({}, data || {}, { t0: Date.now() });
}
export function markEnd(data) {
  const t1 = Date.now();
  console.log("BENCH_MARK end");
  if (data && data.t0) windowMs.add(t1 - data.t0);
  sleep(MARK_PAUSE);
}

// The group-commit counters of a disk store (k6-kv: stats().lmdb), or null
// where stats() does not have them (the original xk6-kv).
export async function commitStats(kv) {
  try {
    const s = await kv.stats();
    const l = s && s.lmdb;
    if (l && typeof l.groupCommitBatches === "number" && typeof l.groupCommitOps === "number") {
      return { batches: l.groupCommitBatches, ops: l.groupCommitOps };
    }
  } catch (e) {
    // no stats(): nothing to report
  }
  return null;
}

// In teardown(): the commits of the measured iterations (since setup()).
export async function reportCommits(kv, before) {
  const after = await commitStats(kv);
  if (before && after) {
    commitBatches.add(after.batches - before.batches);
    commitOps.add(after.ops - before.ops);
  }
}

// setMany() of count keys made by keyOf(i) = valueOf(i), in chunks.
export async function seed(kv, count, chunk, keyOf, valueOf) {
  for (let base = 0; base < count; base += chunk) {
    const entries = {};
    const end = Math.min(count, base + chunk);
    for (let i = base; i < end; i++) entries[keyOf(i)] = valueOf(i);
    await kv.setMany(entries);
  }
}

export function handleSummary(data) {
  const out = env("BENCH_SUMMARY", "");
  return out ? { [out]: JSON.stringify(data) } : { stdout: JSON.stringify(data.metrics, null, 1) + "\n" };
}
