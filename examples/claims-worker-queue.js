// claims-worker-queue.js — a worker queue on claims (leases).
//
//   k6-kv run examples/claims-worker-queue.js
//   k6-kv run -e TRACK_KEYS=false examples/claims-worker-queue.js
//
// setup() fills a pool of jobs. Every VU is a worker that drains the pool:
// it claims a job (a lease: no other worker can claim it while it is live),
// works on it, and completes the claim, which deletes the job. A job whose
// first attempt "fails" is released back to the pool and retried. Slow jobs
// renew their lease. Even VUs take jobs in batches (claimRandomMany +
// completeClaims), odd VUs one by one (claimRandom + completeClaim).
//
// Each finished job writes a done marker with setIfAbsent(): it can only
// succeed once per job, so a job processed twice fails a check. teardown()
// checks that every job was done exactly once and that the pool is empty.

import { check } from "k6";
import { openKv } from "k6/x/kv";

const TRACK_KEYS = __ENV.TRACK_KEYS !== "false";
const kv = openKv({ backend: "memory", trackKeys: TRACK_KEYS });

const JOBS = 300;
const VUS = 6;
const LEASE_MS = 10000;

export const options = {
  scenarios: {
    workers: { executor: "per-vu-iterations", vus: VUS, iterations: 1, maxDuration: "60s" },
  },
  thresholds: { checks: ["rate==1"] },
};

const jobKey = (i) => `job:${String(i).padStart(5, "0")}`;

export async function setup() {
  await kv.clear();
  const jobs = {};
  for (let i = 0; i < JOBS; i++) jobs[jobKey(i)] = { id: i, payload: `work item ${i}` };
  await kv.setMany(jobs);
}

// work "processes" a claimed job; false means it failed and should be retried.
async function work(claim) {
  const attempt = await kv.incrementBy(`attempts:${claim.key}`, 1);
  if (claim.entry.value.id % 7 === 0) {
    // A slow job: extend the lease before it runs out. The token stays.
    check(await kv.renewClaim(claim, { ttl: LEASE_MS }), { "renewing a live claim succeeds": (ok) => ok === true });
  }
  return !(claim.entry.value.id % 5 === 0 && attempt === 1); // every 5th job fails once
}

async function finish(claim) {
  // The done marker is first-writer-wins: false here means the job ran twice.
  const first = await kv.setIfAbsent(`done:${claim.key}`, { by: __VU, token: claim.token });
  check(first, { "job processed exactly once": (f) => f === true });
}

async function oneByOne(owner) {
  for (;;) {
    const claim = await kv.claimRandom({ prefix: "job:", owner, ttl: LEASE_MS });
    if (claim === null) return; // nothing claimable: the rest is held by other workers
    check(claim, {
      "claim has id, key, token, owner, expiresAt, entry": (c) =>
        c.id !== "" && c.key.startsWith("job:") && c.token > 0 && c.owner === owner &&
        c.expiresAt > Date.now() && c.entry.key === c.key && c.entry.value.id >= 0,
    });
    if (await work(claim)) {
      await finish(claim);
      check(await kv.completeClaim(claim), { "completing a live claim succeeds": (ok) => ok === true });
      check(await kv.completeClaim(claim), { "completing twice is refused": (ok) => ok === false });
    } else {
      check(await kv.releaseClaim(claim), { "releasing a live claim succeeds": (ok) => ok === true });
    }
  }
}

async function inBatches(owner) {
  for (;;) {
    const claims = await kv.claimRandomMany({ prefix: "job:", count: 5, owner, ttl: LEASE_MS });
    if (claims.length === 0) return;
    check(claims, { "a batch holds distinct keys": (cs) => new Set(cs.map((c) => c.key)).size === cs.length });
    const done = [];
    const retry = [];
    for (const claim of claims) {
      if (await work(claim)) {
        await finish(claim);
        done.push(claim);
      } else {
        retry.push(claim);
      }
    }
    const completed = await kv.completeClaims(done);
    const released = await kv.releaseClaims(retry);
    check(null, {
      "completeClaims completes every live claim": () => completed.attempted === done.length && completed.completed === done.length && completed.failed.length === 0,
      "releaseClaims releases every live claim": () => released.released === retry.length && released.failed.length === 0,
    });
  }
}

export default async function () {
  const owner = `worker-${__VU}`;
  if (__VU % 2 === 0) {
    await inBatches(owner);
  } else {
    await oneByOne(owner);
  }
}

export async function teardown() {
  const done = await kv.count({ prefix: "done:" });
  const left = await kv.count({ prefix: "job:" });
  const alloc = await kv.allocationStats({ prefix: "job:" });
  const markers = await kv.list({ prefix: "done:" });
  console.log(`jobs done: ${done}/${JOBS}, left in the pool: ${left}`);
  check(null, {
    "every job was done": () => done === JOBS,
    "the pool is empty": () => left === 0,
    "no claim is left behind": () => alloc.total === 0 && alloc.claimedLive === 0 && alloc.claimedExpired === 0,
    "every done marker names its worker": () => markers.every((m) => m.value.by >= 1 && m.value.by <= VUS && m.value.token > 0),
  });

  // claimKey / claimKeys with allOrNothing on named slots.
  await kv.setMany({ "slot:a": 1, "slot:b": 2 });
  const held = await kv.claimKey("slot:a", { owner: "holder" });
  const refused = await kv.claimKeys(["slot:a", "slot:b", "slot:c"], { allOrNothing: true });
  check(refused, {
    "allOrNothing claims nothing when one key is busy": (r) =>
      r.claimed.length === 0 && r.busy.join() === "slot:a" && r.missing.join() === "slot:c",
  });
  await kv.releaseClaim(held);
  const both = await kv.claimKeys(["slot:a", "slot:b"], { allOrNothing: true });
  check(both, { "allOrNothing claims all when all are free": (r) => r.claimed.length === 2 });
  const released = await kv.releaseClaims(both.claimed.concat([held]));
  check(released, {
    "stale refs are reported, not thrown": (r) =>
      r.attempted === 3 && r.released === 2 && r.failed.length === 1 && r.failed[0].name === "ClaimNotUpdated" && r.failed[0].id === held.id,
  });
  await kv.clear();
  kv.close();
}
