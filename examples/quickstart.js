// quickstart.js — the first run: a few VUs share one store on disk.
//
//   k6-kv run examples/quickstart.js
//
// openKv() with no options opens the default store: the LMDB file ./.k6.kv
// in the working directory, durable across runs (kv-admin can inspect it
// afterwards). Every VU counts its iterations in a shared counter and keeps a
// profile record; teardown prints what the VUs built together and checks the
// totals. The run fails (non-zero exit) if any check fails.

import { check, sleep } from "k6";
import { openKv } from "k6/x/kv";

// openKv() runs in the init context. Every VU gets its own handle on one
// process-wide store; the first call fixes the options for the whole run.
const kv = openKv();

const VUS = 4;
const ITERATIONS = 25;

export const options = {
  scenarios: {
    visitors: {
      executor: "per-vu-iterations",
      vus: VUS,
      iterations: ITERATIONS,
      maxDuration: "30s",
    },
  },
  thresholds: {
    checks: ["rate==1"],
  },
};

export async function setup() {
  await kv.clear();
}

export default async function () {
  // Every kv method returns a Promise: await it.
  const visits = await kv.incrementBy("visits", 1);

  const key = `user:${__VU}`;
  const { value: profile, loaded } = await kv.getOrSet(key, { vu: __VU, firstSeen: Date.now(), visits: 0 });
  await kv.set(key, { ...profile, visits: profile.visits + 1 });

  check(null, {
    "counter moves forward": () => visits >= 1 && visits <= VUS * ITERATIONS,
    "profile created once per VU": () => loaded === (__ITER > 0),
  });

  sleep(0.1); // think time: the run takes a few seconds, like a real test
}

export async function teardown() {
  const visits = await kv.get("visits");
  const profiles = await kv.getMany(Array.from({ length: VUS }, (_, i) => `user:${i + 1}`));
  const size = await kv.size();

  console.log(`visits counted: ${visits} (expected ${VUS * ITERATIONS})`);
  for (const { key, exists, value } of profiles) {
    console.log(`${key}: ${exists ? `${value.visits} visits` : "missing"}`);
  }
  console.log(`keys in the store: ${size}`);
  const stats = await kv.stats();
  console.log(`store: ${stats.backend} ${stats.disk.path}, ${stats.disk.sizeBytes} bytes, ` +
    `${stats.lmdb.groupCommitOps} writes in ${stats.lmdb.groupCommitBatches} commits`);

  check(null, {
    "no visit lost": () => visits === VUS * ITERATIONS,
    "every VU has a profile": () => profiles.every((p) => p.exists && p.value.visits === ITERATIONS),
    "store holds the counter and one profile per VU": () => size === VUS + 1,
  });

  try {
    await kv.get("nobody");
  } catch (err) {
    // Rejections are plain objects with a stable name, not Error instances.
    check(err, { "a missing key rejects with KeyNotFoundError": (e) => e.name === "KeyNotFoundError" });
  }

  kv.close();
}
