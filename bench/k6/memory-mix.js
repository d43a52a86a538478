// memory-mix.js — 60% get, 30% set, 10% incrementBy on BENCH_KEYS (10000)
// keys of a memory store, seeded in setup(). Every value is a number so the
// three operations can share the keys. One operation per iteration.
//   BENCH_MODE=floor   the same iteration with `await null` in place of each
//                      call: what the script itself costs, without the store
import { openKv } from "k6/x/kv";
import { benchOptions, markStart, markEnd, env, envInt, seed } from "./common.js";
export { handleSummary } from "./common.js";

export const options = benchOptions();
const KEYS = envInt("BENCH_KEYS", 10000);
const kv = openKv({ backend: "memory" });
const keyOf = (i) => `key:${i}`;
const FLOOR = env("BENCH_MODE", "") === "floor";

export async function setup() {
  await seed(kv, KEYS, 1000, keyOf, (i) => i);
  return markStart();
}

export default async function () {
  const key = keyOf(Math.floor(Math.random() * KEYS));
  const r = Math.random();
  if (FLOOR) await null;
  else if (r < 0.6) await kv.get(key);
  else if (r < 0.9) await kv.set(key, 42);
  else await kv.incrementBy(key, 1);
}

export function teardown(data) {
  markEnd(data);
  kv.close();
}
