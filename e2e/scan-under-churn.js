// e2e/scan-under-churn.js — paging with scanKeys()/scan() while other VUs
// insert and delete keys in the same key range.
//
//   k6-kv run -e TRACK_KEYS=true  e2e/scan-under-churn.js
//   k6-kv run -e TRACK_KEYS=false e2e/scan-under-churn.js
//   k6-kv run -e BACKEND=disk e2e/scan-under-churn.js
//
// Cursors are not snapshots: keys added or removed between pages may or may
// not show up. What must hold (a failed check fails the run):
// - every full scan returns keys in strictly increasing order (so no key
//   twice), across all its pages;
// - every stable key (present for the whole run) is seen exactly once per
//   full scan, whatever the page size;
// - count() by prefix never drops below the stable keys;
// - teardown: the churn left nothing behind and the stable keys are intact.

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

const STABLE = Number(__ENV.STABLE || 2000);
const PREFIX = "range:";

export const options = {
  scenarios: {
    // Writers insert keys between the stable ones and delete them again.
    churn: { executor: "constant-vus", vus: 3, duration: "3s", exec: "churn" },
    // Scanners page through the whole range, again and again.
    scanners: { executor: "constant-vus", vus: 3, duration: "3s", exec: "scanner" },
  },
  thresholds: { checks: ["rate==1"] },
};

const stableKey = (i) => `${PREFIX}${String(i).padStart(6, "0")}`;

export async function setup() {
  await kv.clear();
  let batch = {};
  for (let i = 0; i < STABLE; i++) {
    batch[stableKey(i)] = { stable: i };
    if ((i + 1) % 1000 === 0 || i === STABLE - 1) {
      await kv.setMany(batch);
      batch = {};
    }
  }
}

export async function churn() {
  // Keys like range:000042:3:17 sort right after range:000042: they land
  // between the stable keys, in the pages the scanners are reading.
  const mine = [];
  for (let n = 0; n < 40; n++) {
    const at = Math.floor(Math.random() * STABLE);
    const key = `${stableKey(at)}:${__VU}:${__ITER}:${String(n).padStart(2, "0")}`;
    await kv.set(key, { churn: true });
    mine.push(key);
  }
  // Delete them again: in one batch, or in bounded steps by prefix.
  if (__ITER % 2 === 0) {
    const r = await kv.deleteMany(mine);
    check(r, { "churn keys deleted": (x) => x.deleted === mine.length && x.missing === 0 });
  } else {
    for (const key of mine) {
      const r = await kv.deleteByPrefix({ prefix: key, limit: 10 });
      check(r, { "deleteByPrefix removes exactly the churn key": (x) => x.deleted === 1 && x.done === true });
    }
  }
}

export async function scanner() {
  const limit = 1 + Math.floor(Math.random() * 300);
  const withValues = Math.random() < 0.5;
  let cursor = "";
  let previous = "";
  let ordered = true;
  let stableSeen = 0;
  let stableOK = true;
  for (;;) {
    const page = withValues
      ? await kv.scan({ prefix: PREFIX, limit, cursor })
      : await kv.scanKeys({ prefix: PREFIX, limit, cursor });
    const keys = withValues ? page.entries.map((e) => e.key) : page.keys;
    if (withValues) {
      for (const e of page.entries) {
        if (e.value.stable !== undefined && stableKey(e.value.stable) !== e.key) stableOK = false;
      }
    }
    for (const key of keys) {
      if (!(previous < key)) ordered = false;
      previous = key;
      // A stable key has no ":" after the prefix; it must be the next one expected.
      if (key.indexOf(":", PREFIX.length) < 0) {
        if (key !== stableKey(stableSeen)) stableOK = false;
        stableSeen++;
      }
    }
    if (keys.length > limit) ordered = false;
    cursor = page.cursor;
    if (page.done) break;
  }
  check(null, {
    "a full scan is strictly increasing": () => ordered,
    "every stable key is seen exactly once, in order": () => stableOK && stableSeen === STABLE,
  });
  check(await kv.count({ prefix: PREFIX }), { "count never drops below the stable keys": (n) => n >= STABLE });
  const head = await kv.listKeys({ prefix: stableKey(0), limit: 1 });
  check(head, { "listKeys starts at the first stable key": (k) => k.length === 1 && k[0] === stableKey(0) });
}

export async function teardown() {
  const n = await kv.count({ prefix: PREFIX });
  const all = await kv.listKeys({ prefix: PREFIX });
  check(null, {
    "the churn left nothing behind": () => n === STABLE,
    "the stable keys are intact": () => all.length === STABLE && all.every((k, i) => k === stableKey(i)),
  });
  const stats = await kv.stats();
  check(stats, { "index consistent (trackKeys)": (s) => !TRACK_KEYS || (s.index.consistent && s.index.ost === s.count) });
  await kv.clear();
  kv.close();
}
