// e2e/unique-pool-pop.js — a pool of unique test data (say, one-time
// credentials) handed out with popRandom()/popRandomMany(): every item must
// be handed out exactly once, and never while someone holds a claim on it.
//
//   k6-kv run -e TRACK_KEYS=true  e2e/unique-pool-pop.js
//   k6-kv run -e TRACK_KEYS=false e2e/unique-pool-pop.js
//   k6-kv run -e BACKEND=disk e2e/unique-pool-pop.js
//
// Invariants (a failed check fails the run):
// - each handed-out item's marker handed:<item> is created by setIfAbsent()
//   and must not exist yet (an item handed out twice fails);
// - a pop never returns an item that is live-claimed: VU 1 holds claims on a
//   few items while the others pop, and must be able to complete them;
// - teardown: markers == items, the pool is empty, popRandom() resolves null.

import { check } from "k6";
import { openKv } from "k6/x/kv";

const TRACK_KEYS = (__ENV.TRACK_KEYS || "true") !== "false";
// BACKEND=disk runs the same scenario on LMDB (noSync: the invariants are
// about concurrency, not durability); the store file lives in the working directory.
const BACKEND = __ENV.BACKEND || "memory";
const kv = openKv({
  backend: BACKEND,
  trackKeys: TRACK_KEYS,
  ...(BACKEND === "disk" ? { path: __ENV.KV_PATH || "./e2e.k6.kv", disk: { noSync: true } } : {}),
});

const ITEMS = Number(__ENV.ITEMS || 4000);
const VUS = Number(__ENV.VUS || 8);
const HELD = 10; // claims VU 1 holds while the pool drains

export const options = {
  scenarios: {
    consumers: { executor: "per-vu-iterations", vus: VUS, iterations: 1, maxDuration: "60s" },
  },
  thresholds: { checks: ["rate==1"] },
};

const credKey = (i) => `cred:${String(i).padStart(6, "0")}`;

export async function setup() {
  await kv.clear();
  let batch = {};
  for (let i = 0; i < ITEMS; i++) {
    batch[credKey(i)] = { user: `user${i}`, password: `secret-${i}` };
    if ((i + 1) % 1000 === 0 || i === ITEMS - 1) {
      await kv.setMany(batch);
      batch = {};
    }
  }
}

async function handOut(item) {
  check(item, { "popped value belongs to its key": (e) => e.key === credKey(Number(e.value.user.slice(4))) });
  const first = await kv.setIfAbsent(`handed:${item.key}`, __VU);
  check(first, { "an item is handed out once": (f) => f === true });
}

export default async function () {
  let held = [];
  if (__VU === 1) {
    held = await kv.claimRandomMany({ prefix: "cred:", count: HELD, owner: "holder", ttl: 60000 });
    check(held, { "holder claimed its items": (h) => h.length === HELD });
  }

  for (;;) {
    if (__VU % 2 === 0) {
      const items = await kv.popRandomMany({ prefix: "cred:", count: 9 });
      if (items.length === 0) break;
      check(items, { "a batch holds distinct keys": (b) => new Set(b.map((e) => e.key)).size === b.length });
      for (const item of items) await handOut(item);
    } else {
      const item = await kv.popRandom({ prefix: "cred:" });
      if (item === null) break;
      await handOut(item);
    }
  }

  if (__VU === 1) {
    // Only the held items can be left; nobody popped them.
    const alloc = await kv.allocationStats({ prefix: "cred:" });
    check(alloc, { "only held items are left when pops find nothing": (a) => a.claimedLive <= HELD && a.claimable === 0 });
    for (const claim of held) {
      await handOut(claim.entry);
      check(await kv.completeClaim(claim), { "a held claim survives the pops": (ok) => ok === true });
    }
  }
}

export async function teardown() {
  const handed = await kv.count({ prefix: "handed:" });
  const left = await kv.count({ prefix: "cred:" });
  console.log(`handed out ${handed}/${ITEMS}, left ${left}`);
  check(null, {
    "every item was handed out": () => handed === ITEMS,
    "the pool is empty": () => left === 0,
  });
  check(await kv.popRandom({ prefix: "cred:" }), { "popRandom on an empty pool resolves null": (v) => v === null });
  check(await kv.popRandomMany({ prefix: "cred:", count: 3 }), { "popRandomMany on an empty pool resolves []": (v) => v.length === 0 });
  const stats = await kv.stats();
  check(stats, {
    "no claim left": (s) => s.claims.live === 0 && s.claims.expired === 0,
    "index consistent (trackKeys)": (s) => !TRACK_KEYS || (s.index.consistent && s.index.ost === s.count),
  });
  await kv.clear();
  kv.close();
}
