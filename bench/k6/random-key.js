// random-key.js — randomKey({prefix}) on a tracked memory store of
// BENCH_KEYS (1000000) keys, seeded in setup() with setMany() in chunks of
// 10000: half "user:…", half "item:…"; the iterations sample "user:".
import { openKv } from "k6/x/kv";
import { benchOptions, markStart, markEnd, envInt, seed, benchEmpty } from "./common.js";
export { handleSummary } from "./common.js";

export const options = benchOptions();
const KEYS = envInt("BENCH_KEYS", 1000000);
const kv = openKv({ backend: "memory", trackKeys: true });

export async function setup() {
  await seed(kv, KEYS, 10000, (i) => `${i % 2 ? "item" : "user"}:${i}`, () => 1);
  return markStart();
}

export default async function () {
  const key = await kv.randomKey({ prefix: "user:" });
  if (!key) benchEmpty.add(1);
}

export function teardown(data) {
  markEnd(data);
  kv.close();
}
