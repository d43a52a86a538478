// scan.js — page through BENCH_KEYS (100000) keys of an untracked memory
// store with scan({limit: BENCH_PAGE}) (1000); one page per iteration. A VU
// starts over when a scan is done.
import { openKv } from "k6/x/kv";
import { benchOptions, markStart, markEnd, envInt, seed, benchKeys } from "./common.js";
export { handleSummary } from "./common.js";

export const options = benchOptions();
const KEYS = envInt("BENCH_KEYS", 100000);
const PAGE = envInt("BENCH_PAGE", 1000);
const kv = openKv({ backend: "memory", trackKeys: false });

export async function setup() {
  await seed(kv, KEYS, 10000, (i) => `key:${String(i).padStart(8, "0")}`, (i) => i);
  return markStart();
}

let cursor = "";
export default async function () {
  const page = await kv.scan({ limit: PAGE, cursor });
  benchKeys.add(page.entries.length);
  cursor = page.done ? "" : page.cursor;
}

export function teardown(data) {
  markEnd(data);
  kv.close();
}
