// e2e/values-exact.js — every value comes back exactly, through set/get and
// through exportJSONL → importJSONL, or is refused with a typed error (issue 10).
//
//   k6-kv run -e TRACK_KEYS=true  e2e/values-exact.js
//   k6-kv run -e BACKEND=disk e2e/values-exact.js
//
// make check-k6 runs it with LIBKV_CHECK_CANONICAL=1, so libkv also checks
// that the binding's canonical text for each value is its own.

import { check } from "k6";
import { openKv } from "k6/x/kv";

const TRACK_KEYS = (__ENV.TRACK_KEYS || "true") !== "false";
const BACKEND = __ENV.BACKEND || "memory";
const kv = openKv({
  backend: BACKEND,
  trackKeys: TRACK_KEYS,
  ...(BACKEND === "disk" ? { path: __ENV.KV_PATH || "./e2e.k6.kv", disk: { noSync: true } } : {}),
});

export const options = {
  scenarios: { values: { executor: "shared-iterations", vus: 1, iterations: 1, maxDuration: "60s" } },
  thresholds: { checks: ["rate==1"] },
};

// Numbers beyond int64 (D1), next to powers of two, and ordinary ones.
const numbers = [1e20, 2 ** 64, 2 ** 63, -(2 ** 63), 9.3e18, -1e19, 2 ** 69, 1e21, 2 ** -1017,
  Number.MAX_VALUE, Number.MIN_VALUE, 0.1, 1 / 3, 9007199254740991, -7, -0, 0];
const values = {
  "v:nested": { n: 9.3e18, list: numbers },
  "v:nul": "a\u0000b", // D2
  "v:nul-names": { "a\u0000b": 1, a: 2, "\u0000": [3] },
  "v:text": "é 😀 \u2028 \t\n\"\\",
};
numbers.forEach((n, i) => { values[`v:n${i}`] = n; });

// Object.is on numbers, recursively on arrays and objects (key order aside).
function same(a, b) {
  if (typeof a !== "object" || a === null || b === null || typeof b !== "object") return Object.is(a, b);
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same(a[k], b[k]));
}

async function rejectsWith(p, name) {
  try {
    await p;
  } catch (e) {
    return e.name === name;
  }
  return false;
}

export default async function () {
  await kv.clear();
  for (const [k, v] of Object.entries(values)) await kv.set(k, v);
  const afterSet = {};
  for (const k of Object.keys(values)) afterSet[k] = await kv.get(k);
  check(null, { "set/get keeps every value": () => Object.keys(values).every((k) => same(afterSet[k], values[k])) });

  const exported = await kv.exportJSONL({ fileName: "./values-exact.jsonl" });
  const validation = await kv.validateJSONL({ fileName: "./values-exact.jsonl" });
  await kv.clear();
  const imported = await kv.importJSONL({ fileName: "./values-exact.jsonl" });
  const afterImport = {};
  for (const k of Object.keys(values)) afterImport[k] = await kv.get(k);
  check(null, {
    "exportJSONL → importJSONL keeps every value": () =>
      Object.keys(values).every((k) => same(afterImport[k], values[k])),
    "the export validates": () => validation.valid === true && validation.records === exported.exported,
    "everything is imported": () => imported.imported === exported.exported,
  });

  const sparse = [];
  sparse[4e9] = 1;
  check(null, {
    "a key with a lone surrogate is refused (D4)": await rejectsWith(kv.set("k\ud800", 1), "InvalidOptionsError"),
    "a Symbol key is refused (D5)": await rejectsWith(kv.set(Symbol("s"), 1), "InvalidOptionsError"),
    "a lone surrogate value is refused": await rejectsWith(kv.set("v:lone", "\udc00"), "SerializerError"),
    "a BigInt beyond int64 is refused (D1)": await rejectsWith(kv.set("v:big", 2n ** 70n + 1n), "SerializerError"),
    "a 4e9-long sparse array is refused at once (D6)": await rejectsWith(kv.set("v:sparse", sparse), "InvalidOptionsError"),
    "a throwing getter is a SerializerError (D11)":
      await rejectsWith(kv.set("v:get", { get g() { throw new Error("boom"); } }), "SerializerError"),
  });

  await kv.set("v:ctr", "9007199254740993");
  const ctr = await kv.incrementBy("v:ctr", 0);
  check(null, { "incrementBy beyond 2^53 is an exact BigInt (D10)": () => ctr === 9007199254740993n });
}
