// e2e/claims-worker-queue.js — many workers drain one pool with claims;
// every item must be processed exactly once, including items whose worker
// "crashed" and let the lease expire.
//
//   k6-kv run -e TRACK_KEYS=true  e2e/claims-worker-queue.js
//   k6-kv run -e TRACK_KEYS=false e2e/claims-worker-queue.js
//   k6-kv run -e BACKEND=disk e2e/claims-worker-queue.js
//
// Invariants (a failed check fails the run):
// - processing an item increments processed:<item>; teardown reads every
//   counter with one getMany and requires exactly 1 for each item;
// - completeClaim() of a claim we hold succeeds (we never lose a live lease);
// - a claim abandoned by a "crashed" worker expires, another worker
//   processes the item, and the crashed worker's late completeClaims() of its
//   stale claims all fail with ClaimNotUpdated;
// - at the end the pool is empty and no claim record is left.

import { check, sleep } from "k6";
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
const LEASE_MS = 10000; // long enough never to expire while a healthy worker holds it
const CRASH_LEASE_MS = 150; // abandoned claims expire quickly
const CRASHES = 5;

export const options = {
  scenarios: {
    workers: { executor: "per-vu-iterations", vus: VUS, iterations: 1, maxDuration: "60s" },
  },
  thresholds: { checks: ["rate==1"] },
};

const itemKey = (i) => `queue:item:${String(i).padStart(6, "0")}`;

export async function setup() {
  await kv.clear();
  const batch = {};
  for (let i = 0; i < ITEMS; i++) {
    batch[itemKey(i)] = { id: i };
    if (Object.keys(batch).length === 500 || i === ITEMS - 1) {
      await kv.setMany(batch);
      for (const k of Object.keys(batch)) delete batch[k];
    }
  }
  check(await kv.count({ prefix: "queue:item:" }), { "setup filled the pool": (n) => n === ITEMS });
}

async function process(claim) {
  const n = await kv.incrementBy(`processed:${claim.key}`, 1);
  check(n, { "an item is processed once": (v) => v === 1 });
}

export default async function () {
  const owner = `worker-${__VU}`;
  const abandoned = [];
  let idle = 0;
  for (;;) {
    // Batches on even VUs, single claims on odd ones.
    const claims =
      __VU % 2 === 0
        ? await kv.claimRandomMany({ prefix: "queue:item:", count: 4, owner, ttl: LEASE_MS })
        : [await kv.claimRandom({ prefix: "queue:item:", owner, ttl: LEASE_MS })].filter((c) => c !== null);
    if (claims.length === 0) {
      // Nothing claimable now: finished, or the rest is leased by others.
      const alloc = await kv.allocationStats({ prefix: "queue:item:" });
      if (alloc.total === 0) break;
      if (++idle > 2000) {
        check(alloc, { "the pool drains": () => false });
        break;
      }
      sleep(0.01);
      continue;
    }
    idle = 0;
    for (const claim of claims) {
      check(claim, { "claim is well formed": (c) => c.owner === owner && c.entry.key === c.key && c.entry.value.id >= 0 });
      // VU 1 "crashes" on its first CRASHES claims: it shortens the lease
      // and walks away without releasing.
      if (__VU === 1 && abandoned.length < CRASHES && (await kv.setIfAbsent(`crashed:${claim.key}`, true))) {
        check(await kv.renewClaim(claim, { ttl: CRASH_LEASE_MS }), { "renew a live claim": (ok) => ok });
        abandoned.push(claim);
        continue;
      }
      await process(claim);
      check(await kv.completeClaim(claim), { "complete a live claim": (ok) => ok === true });
    }
  }

  if (abandoned.length > 0) {
    // The crashed worker comes back: its leases expired and others took the items.
    const late = await kv.completeClaims(abandoned);
    check(late, {
      "stale claims cannot be completed": (r) =>
        r.attempted === abandoned.length && r.completed === 0 && r.failed.length === abandoned.length &&
        r.failed.every((f, i) => f.name === "ClaimNotUpdated" && f.index === i && f.id === abandoned[i].id && f.key === abandoned[i].key),
    });
  }
}

export async function teardown() {
  const keys = Array.from({ length: ITEMS }, (_, i) => `processed:${itemKey(i)}`);
  const counters = await kv.getMany(keys);
  const missing = counters.filter((c) => !c.exists).length;
  const twice = counters.filter((c) => c.exists && c.value !== 1).length;
  const crashed = await kv.count({ prefix: "crashed:" });
  const alloc = await kv.allocationStats({ prefix: "queue:item:" });
  console.log(`items ${ITEMS}: unprocessed ${missing}, processed more than once ${twice}, crashed leases ${crashed}`);
  check(null, {
    "every item was processed": () => missing === 0,
    "no item was processed twice": () => twice === 0,
    "abandoned leases were recovered": () => crashed === CRASHES,
    "the pool is empty": () => alloc.total === 0 && alloc.claimedLive === 0 && alloc.claimedExpired === 0,
  });
  const stats = await kv.stats();
  check(stats, {
    "no claim record left": (s) => s.claims.live === 0 && s.claims.expired === 0,
    "index consistent (trackKeys)": (s) => !TRACK_KEYS || (s.index.consistent && s.index.ost === s.count),
  });
  await kv.clear();
  kv.close();
}
