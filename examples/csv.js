// csv.js — exportCSV, validateCSV and importCSV on user records.
//
//   k6-kv run examples/csv.js
//   k6-kv run -e TRACK_KEYS=false examples/csv.js
//
// VUs write user records (flat objects: strings with commas, quotes and line
// breaks, numbers, booleans, null) to a memory store. Teardown exports them
// to CSV, validates the file, clears the store, imports the file back and
// compares every record with what was written. CSV carries no types, so the
// imported records hold strings: 42 comes back as "42", true as "true", null
// as "". It also shows the typed errors of a nested value, a missing file and
// a file read with the wrong delimiter. Files are written to the working
// directory. The run fails (non-zero exit) if any check fails.

import { check } from "k6";
import { openKv } from "k6/x/kv";

const TRACK_KEYS = __ENV.TRACK_KEYS !== "false";
const kv = openKv({ backend: "memory", trackKeys: TRACK_KEYS });

const CSV = "./csv-example.csv";
const SEMI = "./csv-example-semicolon.csv";
const VUS = 4;
const ITERATIONS = 25;
const USERS = VUS * ITERATIONS;
const COLUMNS = ["name", "email", "age", "active", "zip", "note"];

export const options = {
  scenarios: {
    users: { executor: "per-vu-iterations", vus: VUS, iterations: ITERATIONS, maxDuration: "30s" },
  },
  thresholds: { checks: ["rate==1"] },
};

const userKey = (vu, iter) => `user:${vu}:${String(iter).padStart(3, "0")}`;

// The record every user must have.
const user = (vu, iter) => ({
  name: `Doe-${vu}, Jöhn "${iter}"`, // a comma and quotes: the field is quoted
  email: `u${vu}.${iter}@example.test`,
  age: 18 + ((vu * 31 + iter) % 60),
  active: iter % 2 === 0,
  zip: String(1000 + iter).padStart(5, "0"), // a string with leading zeros: stays one
  note: iter % 5 === 0 ? null : `line 1\nline 2 of ${iter}`,
  // Not exported: CSV rows hold the chosen columns only.
  internal: iter,
});

// What importCSV() gives back for that user: the exported columns, as strings.
const asRow = (u) => Object.fromEntries(COLUMNS.map((c) => [c, u[c] === null ? "" : String(u[c])]));
// Stored JSON is canonical (members sorted), so compare with sorted members.
const sorted = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
const same = (a, b) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

export async function setup() {
  await kv.clear();
  await kv.set("users:written", 0);
}

export default async function () {
  await kv.set(userKey(__VU, __ITER), user(__VU, __ITER));
  await kv.incrementBy("users:written", 1);
}

async function errorName(promise) {
  try {
    await promise;
    return "resolved";
  } catch (e) {
    return e.name;
  }
}

// Reads every user back; returns the keys whose record differs from want(vu, iter).
async function differing(want) {
  const keys = [];
  for (let vu = 1; vu <= VUS; vu++) for (let iter = 0; iter < ITERATIONS; iter++) keys.push(userKey(vu, iter));
  const got = await kv.getMany(keys);
  return got
    .filter((item, i) => {
      const [, vu, iter] = keys[i].split(":").map(Number);
      return !item.exists || !same(item.value, want(vu, iter));
    })
    .map((item) => item.key);
}

export async function teardown() {
  check(await kv.get("users:written"), { "every user was written": (n) => n === USERS });

  // 1. Export the users (not the counter: it is outside the prefix).
  const exported = await kv.exportCSV({ fileName: CSV, columns: COLUMNS, prefix: "user:" });
  check(exported, {
    "exportCSV: one row per user": (r) => r.exported === USERS && r.fileName === CSV && r.bytesWritten > 0,
  });

  // 2. Validate the file as importCSV will read it.
  const validation = await kv.validateCSV({ fileName: CSV, keyColumn: "key" });
  check(validation, {
    "validateCSV: the export is valid": (v) => v.valid && v.checkedAll && v.rows === USERS && v.firstError === undefined,
    "validateCSV: every byte read": (v) => v.bytesRead === exported.bytesWritten,
  });

  // 3. Clear the store and import the file.
  await kv.clear();
  check(await kv.size(), { "the store is empty before the import": (n) => n === 0 });
  const imported = await kv.importCSV({ fileName: CSV, keyColumn: "key", batchSize: 30 });
  check(imported, {
    "importCSV: every user": (r) => r.imported === USERS && r.bytesRead === exported.bytesWritten,
  });
  const bad = await differing((vu, iter) => asRow(user(vu, iter)));
  check(bad, { "importCSV: every record came back, as strings": (keys) => keys.length === 0 });
  if (bad.length > 0) console.error(`differing records: ${bad.slice(0, 5).join(", ")}`);
  const first = await kv.get(userKey(1, 0));
  check(first, {
    "CSV carries no types": (u) => u.age === String(user(1, 0).age) && u.active === "true" && u.zip === "01000",
    "null became an empty cell": (u) => u.note === "",
    "only the exported columns": (u) => !("internal" in u) && !("key" in u),
  });
  check(await kv.size(), { "only the users were imported": (n) => n === USERS });

  // 4. Another delimiter, without the key column; validated with it.
  const semi = await kv.exportCSV({ fileName: SEMI, columns: ["email", "name"], prefix: "user:1:", delimiter: ";", includeKey: false });
  check(await kv.validateCSV({ fileName: SEMI, keyColumn: "email", delimiter: ";" }), {
    "validateCSV with ';' keyed by email": (v) => v.valid && v.rows === ITERATIONS && semi.exported === ITERATIONS,
  });

  // 5. Typed errors; none of them changes the store.
  const wrong = await kv.validateCSV({ fileName: SEMI, delimiter: "," });
  check(wrong, {
    "read with the wrong delimiter: a ragged row": (v) =>
      !v.valid && v.firstError.row === 2 && v.firstError.name === "ValueParseError",
  });
  // Read with ',', the header "email;name" is one column, and the rows have a comma in the name.
  check(await errorName(kv.importCSV({ fileName: SEMI, keyColumn: "email;name", delimiter: "," })), {
    "importCSV of a ragged row: ValueParseError": (n) => n === "ValueParseError",
  });
  check(await errorName(kv.importCSV({ fileName: "./no-such-file.csv", keyColumn: "key" })), {
    "missing file: SnapshotNotFoundError": (n) => n === "SnapshotNotFoundError",
  });
  check(await errorName(kv.exportCSV({ fileName: CSV, columns: COLUMNS, delimiter: "é" })), {
    "a multi-byte delimiter: InvalidOptionsError": (n) => n === "InvalidOptionsError",
  });
  await kv.set("user:9:nested", { name: "nested", email: "n@example.test", tags: ["a", "b"] });
  check(await errorName(kv.exportCSV({ fileName: CSV, columns: ["name", "tags"], prefix: "user:" })), {
    "a nested value: UnsupportedValueTypeError": (n) => n === "UnsupportedValueTypeError",
  });
  check(await kv.validateCSV({ fileName: CSV, keyColumn: "key" }), {
    "a failed export leaves the file as it was": (v) => v.valid && v.rows === USERS,
  });
  await kv.delete("user:9:nested");
  check(await kv.size(), { "failed calls left the store as imported": (n) => n === USERS });
  kv.close();
}
