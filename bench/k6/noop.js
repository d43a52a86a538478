// noop.js — the floor rows: what a k6 iteration costs with no kv at all.
//   BENCH_MODE=empty   an empty synchronous iteration
//   BENCH_MODE=null    an async iteration doing only `await null`
// The empty default function is defined without async so that k6 does not
// wrap it in a promise.
import { benchOptions, markStart, markEnd, env } from "./common.js";
export { handleSummary } from "./common.js";

export const options = benchOptions();
const MODE = env("BENCH_MODE", "empty");

export function setup() {
  return markStart();
}

function empty() {}
async function awaitNull() {
  await null;
}
export default MODE === "null" ? awaitNull : empty;

export function teardown(data) {
  markEnd(data);
}
