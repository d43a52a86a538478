// scan-pagination.js — ordered reads: scan()/scanKeys() cursors, list(),
// listKeys(), count() and bounded deleteByPrefix().
//
//   k6-kv run examples/scan-pagination.js
//   k6-kv run -e TRACK_KEYS=false examples/scan-pagination.js
//
// setup() writes ITEMS items. Every iteration pages through all of them with
// a different page size and checks that the pages come back in strictly
// increasing key order, that together they hold every item exactly once, and
// that the values match. Meanwhile each VU writes and deletes its own "tmp:"
// keys (another prefix), with deleteByPrefix() in bounded steps.

import { check } from "k6";
import { openKv } from "k6/x/kv";

const TRACK_KEYS = __ENV.TRACK_KEYS !== "false";
const kv = openKv({ backend: "memory", trackKeys: TRACK_KEYS });

const ITEMS = 500;

export const options = {
  scenarios: {
    pages: { executor: "per-vu-iterations", vus: 4, iterations: 10, maxDuration: "30s" },
  },
  thresholds: { checks: ["rate==1"] },
};

const itemKey = (i) => `item:${String(i).padStart(5, "0")}`;

export async function setup() {
  await kv.clear();
  const items = {};
  for (let i = 0; i < ITEMS; i++) items[itemKey(i)] = { n: i };
  await kv.setMany(items);
}

// scanAll pages through a prefix and returns every key seen, checking order and values on the way.
async function scanAll(prefix, limit, withValues) {
  const seen = [];
  let cursor = "";
  let pages = 0;
  for (;;) {
    const page = withValues ? await kv.scan({ prefix, limit, cursor }) : await kv.scanKeys({ prefix, limit, cursor });
    const keys = withValues ? page.entries.map((e) => e.key) : page.keys;
    pages++;
    check(page, {
      "a page is at most limit long": () => keys.length <= limit,
      "values belong to their keys": (p) => !withValues || p.entries.every((e) => itemKey(e.value.n) === e.key),
    });
    seen.push(...keys);
    cursor = page.cursor;
    if (page.done) break;
  }
  return { seen, pages };
}

function strictlyIncreasing(keys) {
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1] < keys[i])) return false;
  return true;
}

export default async function () {
  const limit = 7 + ((__VU * 13 + __ITER * 29) % 120); // a different page size each time
  const withValues = __ITER % 2 === 0;
  const { seen, pages } = await scanAll("item:", limit, withValues);
  check(seen, {
    "a full scan sees every item": (s) => s.length === ITEMS,
    "in strictly increasing order": (s) => strictlyIncreasing(s),
    "and only items": (s) => s.every((k) => k.startsWith("item:")),
  });
  check(pages, { "pages = ceil(items / limit), done on the last one": (p) => p === Math.ceil(ITEMS / limit) });

  // list()/listKeys() read in one go, bounded by limit.
  const first = await kv.listKeys({ prefix: "item:", limit: 10 });
  check(first, { "listKeys returns the first keys in order": (k) => k.join() === [...Array(10).keys()].map(itemKey).join() });
  const ten = await kv.list({ prefix: "item:001", limit: 5 });
  check(ten, { "list by a longer prefix": (e) => e.length === 5 && e[0].key === "item:00100" && e[0].value.n === 100 });
  check(await kv.count({ prefix: "item:" }), { "count by prefix": (n) => n === ITEMS });

  // Writes under another prefix do not disturb item scans; delete them in bounded steps.
  const own = `tmp:${__VU}:`;
  const batch = {};
  for (let i = 0; i < 25; i++) batch[`${own}${i}`] = i;
  await kv.setMany(batch);
  check(await kv.count({ prefix: own }), { "count sees this VU's tmp keys": (n) => n === 25 });
  let deleted = 0;
  for (;;) {
    const r = await kv.deleteByPrefix({ prefix: own, limit: 10 });
    check(r, { "deleteByPrefix deletes at most limit": (x) => x.deleted <= 10 });
    deleted += r.deleted;
    if (r.done) break;
  }
  check(deleted, { "deleteByPrefix removed them all": (d) => d === 25 });

  // A cursor is only valid for the prefix that made it.
  const page = await kv.scanKeys({ prefix: "item:", limit: 3 });
  try {
    await kv.scanKeys({ prefix: "tmp:", cursor: page.cursor });
    check(null, { "a cursor of another prefix rejects": () => false });
  } catch (err) {
    check(err, { "a cursor of another prefix rejects": (e) => e.name === "InvalidCursorError" });
  }
}

export async function teardown() {
  check(await kv.count({ prefix: "tmp:" }), { "no tmp key left": (n) => n === 0 });
  let total = 0;
  for (;;) {
    const r = await kv.deleteByPrefix({ prefix: "item:", limit: 200 });
    total += r.deleted;
    if (r.done) break;
  }
  check(total, { "teardown deleted every item": (n) => n === ITEMS });
  check(await kv.size(), { "the store is empty": (n) => n === 0 });
  kv.close();
}
