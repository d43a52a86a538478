// e2e/xk6-kv-compat.js — idioms of scripts written for xk6-kv that must run
// unchanged on k6-kv, after VUs have filled the store concurrently.
//
//   k6-kv run -e BACKEND=disk -e TRACK_KEYS=true e2e/xk6-kv-compat.js
//   k6-kv run -e BACKEND=memory -e TRACK_KEYS=false e2e/xk6-kv-compat.js
//
// Invariants (a failed check fails the run):
// - `do { … } while (cursor !== "")` over scan()/scanKeys() ends, with and
//   without a prefix, at any page size, and sees every key once: the last
//   page's cursor is "" (and done is true);
// - a forged cursor with an empty last key is InvalidCursorError;
// - missing directories are created: the disk store's path
//   (./…/data/custom.kv), backup()'s fileName (./…/snapshots/run.kv) and the
//   exports' fileName;
// - nothing is written over the store's own file or a lock file: those
//   exports reject with SnapshotExportError and the store stays whole.
//
// Each run works in a directory of its own (DIR, by default named after the
// backend and trackKeys), so every run starts with the directories missing.

import { check } from "k6";
import crypto from "k6/crypto";
import encoding from "k6/encoding";
import { openKv } from "k6/x/kv";

const TRACK_KEYS = (__ENV.TRACK_KEYS || "true") !== "false";
const BACKEND = __ENV.BACKEND || "memory";
const DIR = __ENV.DIR || `./compat-${BACKEND}-${TRACK_KEYS}`;
const STORE = `${DIR}/data/custom.kv`;
const kv = openKv({
  backend: BACKEND,
  trackKeys: TRACK_KEYS,
  ...(BACKEND === "disk" ? { path: STORE, disk: { noSync: true } } : {}),
});

const VUS = 4;
const PER_VU = 60;
const N = VUS * PER_VU;
const OTHER = 17;

export const options = {
  scenarios: {
    fill: { executor: "per-vu-iterations", vus: VUS, iterations: 1, maxDuration: "60s" },
  },
  thresholds: { checks: ["rate==1"] },
};

export async function setup() {
  await kv.clear();
  const other = {};
  for (let i = 0; i < OTHER; i++) other[`other:${i}`] = { i };
  await kv.setMany(other);
}

export default async function () {
  for (let i = 0; i < PER_VU; i++) {
    await kv.set(`user:${__VU}:${String(i).padStart(3, "0")}`, { vu: __VU, i });
  }
}

// xk6-kv's loop: until the cursor is "".
async function scanAll(method, prefix, limit) {
  let cursor = "";
  let pages = 0;
  let done = false;
  const keys = [];
  do {
    const page = await kv[method]({ prefix, limit, cursor });
    for (const k of method === "scan" ? page.entries.map((e) => e.key) : page.keys) keys.push(k);
    cursor = page.cursor;
    done = page.done;
    if (done !== (cursor === "")) return { keys, pages, mismatch: true };
    if (++pages > N + OTHER + 1) return { keys, pages, endless: true };
  } while (cursor !== "");
  return { keys, pages };
}

// A cursor as k6-kv encodes it (version 1, prefix length, prefix, last key,
// 4 bytes of SHA-256), with an empty last key, which k6-kv never writes.
function forgedCursor(prefix) {
  const bytes = [1, 0, 0, 0, prefix.length];
  for (let i = 0; i < prefix.length; i++) bytes.push(prefix.charCodeAt(i));
  const digest = new Uint8Array(crypto.sha256(new Uint8Array(bytes).buffer, "binary"));
  return encoding.b64encode(new Uint8Array([...bytes, ...digest.slice(0, 4)]).buffer, "std");
}

async function rejectsWith(promise, name) {
  try {
    await promise;
    return false;
  } catch (e) {
    return e.name === name;
  }
}

export async function teardown() {
  for (const method of ["scan", "scanKeys"]) {
    for (const prefix of ["user:", "other:", "none:", undefined]) {
      const want = prefix === "user:" ? N : prefix === "other:" ? OTHER : prefix === "none:" ? 0 : N + OTHER;
      for (const limit of [1, 7, 60, N, 100000]) {
        const r = await scanAll(method, prefix, limit);
        const sorted = r.keys.every((k, i) => i === 0 || r.keys[i - 1] < k);
        check(r, {
          [`${method} prefix=${prefix} limit=${limit}: the loop ends on cursor ""`]: (x) => !x.endless && !x.mismatch,
          [`${method} prefix=${prefix} limit=${limit}: every key once`]: (x) => x.keys.length === want && sorted,
        });
      }
    }
    for (const prefix of ["user:", ""]) {
      check(await rejectsWith(kv[method]({ prefix, cursor: forgedCursor(prefix) }), "InvalidCursorError"), {
        [`${method}: a forged cursor with an empty last key is InvalidCursorError (prefix "${prefix}")`]: (ok) => ok,
      });
    }
  }

  // Missing directories are created, as in xk6-kv.
  const b = await kv.backup({ fileName: `${DIR}/snapshots/run.kv` });
  const j = await kv.exportJSONL({ fileName: `${DIR}/exports/jsonl/all.jsonl` });
  const c = await kv.exportCSV({ fileName: `${DIR}/exports/csv/users.csv`, columns: ["vu", "i"], prefix: "user:" });
  check(null, {
    "backup into a missing directory": () => b.totalEntries === N + OTHER,
    "exportJSONL into a missing directory": () => j.exported === N + OTHER,
    "exportCSV into a missing directory": () => c.exported === N,
  });

  // Never over the store itself or a lock file.
  const refusals = [
    ["exportJSONL onto a snapshot's -lock name", () => kv.exportJSONL({ fileName: `${DIR}/snapshots/run.kv-lock` })],
    ["backup onto a snapshot's -lock name", () => kv.backup({ fileName: `${DIR}/snapshots/run.kv-lock` })],
  ];
  if (BACKEND === "disk") {
    refusals.push(
      ["exportJSONL onto the store", () => kv.exportJSONL({ fileName: STORE })],
      ["exportCSV onto the store", () => kv.exportCSV({ fileName: STORE, columns: ["vu"], prefix: "user:" })],
      ["exportJSONL onto the store's lock file", () => kv.exportJSONL({ fileName: `${STORE}-lock` })],
      ["backup onto the store's lock file", () => kv.backup({ fileName: `${STORE}-lock` })],
    );
  }
  for (const [what, call] of refusals) {
    check(await rejectsWith(call(), "SnapshotExportError"), { [`${what}: SnapshotExportError`]: (ok) => ok });
  }
  await kv.clear();
  const r = await kv.restore({ fileName: `${DIR}/snapshots/run.kv` });
  check(null, {
    "the snapshot restores every key": () => r.totalEntries === N + OTHER,
  });
  check(await kv.size(), { "the store is whole after the refused writes": (n) => n === N + OTHER });
  kv.close();
}
