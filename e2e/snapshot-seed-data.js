// e2e/snapshot-seed-data.js — what e2e/snapshot-seed-fill.js writes and
// e2e/snapshot-seed-check.js expects: N = VUS × ITERATIONS keys
// seed:<vu>:<iter> (vu from 1, iter from 0) and the value of each. A module,
// not a scenario: both scripts import it, so they cannot disagree.
// Pass the same -e VUS / -e ITERATIONS to both runs.

export const VUS = Number(__ENV.VUS || 8);
export const ITERATIONS = Number(__ENV.ITERATIONS || 250);
export const N = VUS * ITERATIONS;
export const SNAPSHOT = __ENV.SNAPSHOT || "./seed.kv";
// SNAPSHOT=./.k6.kv is the seed's "shared .k6.kv" workflow: the fill step calls
// backup() without options (a memory store's default file) and the check step
// opens openKv({backend: "disk"}) without a path (the disk default).
export const SHARED = SNAPSHOT === "./.k6.kv";

export const seedKey = (vu, iter) => `seed:${vu}:${iter}`;

// Every kind of JSON value, with text that needs escaping and numbers that
// are not integers.
export function seedValue(vu, iter) {
  switch (iter % 6) {
    case 0:
      return { vu, iter, name: `user ${vu}-${iter}`, tags: ["a", "b", iter % 3 === 0], nested: { score: vu * 1000 + iter } };
    case 1:
      return `text ${vu}/${iter} — ünïcode ✓ "quoted" \\ back\nslash`;
    case 2:
      return vu * 1e6 + iter + 0.5;
    case 3:
      return [iter, null, { deep: [vu, [iter]] }];
    case 4:
      return iter % 12 === 4; // true and false
    default:
      return null;
  }
}

// Stored JSON is canonical (object members sorted): compare that way.
function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  }
  return v;
}

export const sameValue = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
