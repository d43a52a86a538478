// bulk-set-many.js — fill an empty memory store with BENCH_KEYS keys by
// setMany() in chunks of BENCH_CHUNK (1000); one chunk per iteration, so run
// it with BENCH_ITERATIONS = BENCH_KEYS / BENCH_CHUNK. The chunks are built
// in the init context of each VU (not in the measured iterations; not in
// the init context that k6 runs for options, setup() and teardown(), where
// __VU is 0).
import exec from "k6/execution";
import { openKv } from "k6/x/kv";
import { benchOptions, markStart, markEnd, envInt, benchKeys } from "./common.js";
export { handleSummary } from "./common.js";

export const options = benchOptions();
const KEYS = envInt("BENCH_KEYS", 100000);
const CHUNK = envInt("BENCH_CHUNK", 1000);
const kv = openKv({ backend: "memory" });

const chunks = [];
if (__VU > 0) {
  for (let base = 0; base < KEYS; base += CHUNK) {
    const entries = {};
    for (let i = base; i < Math.min(KEYS, base + CHUNK); i++) entries[`key:${i}`] = i;
    chunks.push(entries);
  }
}

export function setup() {
  return markStart();
}

export default async function () {
  const i = exec.scenario.iterationInTest;
  if (i >= chunks.length) return;
  const r = await kv.setMany(chunks[i]);
  benchKeys.add(r.written);
}

export function teardown(data) {
  markEnd(data);
  kv.close();
}
