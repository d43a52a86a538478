// worker-queue.js — a durable worker queue on the disk backend. setup()
// seeds BENCH_JOBS (1000) jobs; an iteration claims a random job
// (claimRandom), completes it (completeClaim, which deletes it) and enqueues
// a new job (set), so the pool keeps its size and never runs dry.
//   BENCH_TRACK_KEYS=true|false   openKv's trackKeys
import exec from "k6/execution";
import { openKv } from "k6/x/kv";
import { benchOptions, markStart, markEnd, envInt, env, seed, benchEmpty, commitStats, reportCommits } from "./common.js";
export { handleSummary } from "./common.js";

export const options = benchOptions();
const JOBS = envInt("BENCH_JOBS", 1000);
const kv = openKv({
  backend: "disk",
  path: env("BENCH_PATH", "./bench-worker-queue.kv"),
  trackKeys: env("BENCH_TRACK_KEYS", "true") === "true",
});

export async function setup() {
  await kv.clear();
  await seed(kv, JOBS, 1000, (i) => `job:seed:${i}`, (i) => ({ n: i }));
  return markStart({ before: await commitStats(kv) });
}

export default async function () {
  const claim = await kv.claimRandom({ prefix: "job:" });
  if (claim === null) {
    benchEmpty.add(1);
    return;
  }
  await kv.completeClaim(claim);
  await kv.set(`job:${exec.vu.idInTest}:${exec.vu.iterationInInstance}`, { n: 0 });
}

export async function teardown(data) {
  markEnd(data);
  await reportCommits(kv, data.before);
  kv.close();
}
