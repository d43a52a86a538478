// disk-set.js — durable set() of a 100-byte value on the disk backend
// (default options: every set resolves after its commit is on disk), over
// BENCH_KEYS (10000) keys. String serialization, so the stored value is
// exactly the 100 bytes.
import { openKv } from "k6/x/kv";
import { benchOptions, markStart, markEnd, envInt, env, commitStats, reportCommits } from "./common.js";
export { handleSummary } from "./common.js";

export const options = benchOptions();
const KEYS = envInt("BENCH_KEYS", 10000);
const kv = openKv({ backend: "disk", path: env("BENCH_PATH", "./bench-disk-set.kv"), serialization: "string" });
const VALUE = "v".repeat(100);

export async function setup() {
  await kv.clear();
  return markStart({ before: await commitStats(kv) });
}

export default async function () {
  await kv.set(`key:${Math.floor(Math.random() * KEYS)}`, VALUE);
}

export async function teardown(data) {
  markEnd(data);
  await reportCommits(kv, data.before);
  kv.close();
}
