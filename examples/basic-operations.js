// basic-operations.js — end-to-end check of every store operation under
// concurrency. Several VUs hit shared and private keys at once; k6 checks
// assert each result and the invariants that only hold if no update is lost.
// `checks: rate==1` makes any broken invariant (or unexpected exception) fail
// the run with a non-zero exit status.
//
//   k6-kv run examples/basic-operations.js
//   k6-kv run -e VUS=8 -e ITERATIONS=50 examples/basic-operations.js
//   k6-kv run -e BACKEND=disk examples/basic-operations.js   # store in ./.k6.kv

import { check } from "k6";
import { openKv } from "k6/x/kv";

const STORE =
  __ENV.BACKEND === "disk" ? { backend: "disk", path: __ENV.KV_PATH || "./.k6.kv" } : { backend: "memory", memory: { shardCount: 8 } };
const kv = openKv(STORE);

// A second handle, closed in teardown to check that a closed handle rejects
// while the first one keeps working.
const closable = openKv(STORE);

// The first openKv() fixed the configuration; different options must throw
// synchronously, in the init context. Record what happened for teardown.
const conflictName = (() => {
  try {
    openKv({ ...STORE, serialization: "string" });
    return "no error";
  } catch (err) {
    return err.name;
  }
})();

const VUS = Number(__ENV.VUS || 6);
const ITERATIONS = Number(__ENV.ITERATIONS || 25);
const TOTAL = VUS * ITERATIONS;

export const options = {
  scenarios: {
    operations: {
      executor: "per-vu-iterations",
      vus: VUS,
      iterations: ITERATIONS,
      maxDuration: "1m",
    },
  },
  thresholds: {
    checks: ["rate==1"],
  },
};

// Canonical JSON (sorted members) so comparisons ignore member order.
function canon(value) {
  if (Array.isArray(value)) {
    return `[${value.map(canon).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canon(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

const same = (a, b) => canon(a) === canon(b);

// Resolves to the rejection (a plain {name, message, errors?} object), or
// to null when the promise fulfilled.
async function rejection(promise) {
  try {
    await promise;
    return null;
  } catch (err) {
    return err;
  }
}

async function guarded(label, fn) {
  try {
    await fn();
  } catch (err) {
    console.error(`${label}: unexpected exception: ${err && err.name ? `${err.name}: ${err.message}` : err}`);
    check(null, { "no unexpected exception": () => false });
  }
}

export async function setup() {
  await guarded("setup", async () => {
    await kv.set("leftover", 1);
    check(await kv.clear(), { "clear resolves true": (r) => r === true });
    check(await kv.size(), { "store is empty after clear": (n) => n === 0 });
    check(await kv.set("cas:counter", 0), { "set resolves to the value": (v) => v === 0 });
  });
}

export default async function () {
  await guarded("iteration", iteration);
}

async function iteration() {
  const vu = __VU;
  const it = __ITER;
  const own = (name) => `vu:${vu}:${name}`;

  // set / get / exists / delete
  const profile = { name: `user ${vu}`, tags: ["a", "b"], nested: { it, ok: true }, nothing: null };
  await kv.set(own("profile"), profile);
  check(await kv.get(own("profile")), { "get returns what set stored": (v) => same(v, profile) });
  check(await kv.exists(own("profile")), { "exists: present": (v) => v === true });
  check(await kv.delete(own("profile")), { "delete resolves true": (v) => v === true });
  check(await kv.exists(own("profile")), { "exists: absent after delete": (v) => v === false });
  check(await kv.delete(own("profile")), { "delete of a missing key resolves true": (v) => v === true });

  // incrementBy: two shared counters, checked exactly in teardown
  await Promise.all([kv.incrementBy("counter:inc", 1), kv.incrementBy("counter:inc", 2)]);
  const n = await kv.incrementBy(own("n"), 5);
  check(n, { "incrementBy resolves to the new number": (v) => v === 5 * (it + 1) });

  // compareAndSwapDetailed: a CAS-loop counter must not lose an update
  let current = await kv.get("cas:counter");
  for (;;) {
    const r = await kv.compareAndSwapDetailed("cas:counter", current, current + 1, { includeCurrentOnMismatch: true });
    if (r.swapped) {
      check(r, { "detailed CAS success shape": (x) => same(x, { swapped: true, reason: "swapped" }) });
      break;
    }
    check(r, {
      "detailed CAS mismatch shape": (x) => x.reason === "mismatch" && x.existed === true && typeof x.current === "number",
    });
    current = r.current;
  }

  // compareAndSwap compares canonical JSON: member order does not matter
  await kv.set(own("cas"), { n: 1, m: [2, 3] });
  check(await kv.compareAndSwap(own("cas"), { m: [2, 3], n: 1 }, "next"), { "CAS matches canonical form": (v) => v === true });
  check(await kv.compareAndSwap(own("cas"), "wrong", "x"), { "CAS mismatch resolves false": (v) => v === false });
  check(await kv.compareAndSwap(own("cas-new"), null, 1), { "CAS with null expects absence": (v) => v === true });
  check(await kv.compareAndSwap(own("cas-new"), undefined, 2), { "CAS with undefined fails when present": (v) => v === false });
  check(await kv.compareAndSwapDetailed(own("missing"), 1, 2, { includeCurrentOnMismatch: true }), {
    "detailed CAS on a missing key": (x) => same(x, { swapped: false, reason: "mismatch", existed: false }),
  });
  await kv.delete(own("cas-new"));

  // setIfAbsent: one winner per iteration number across all VUs
  if (await kv.setIfAbsent(`once:${it}`, vu)) {
    await kv.incrementBy("stats:setIfAbsent:wins", 1);
  }

  // getOrSet: one creator across the whole run
  const gos = await kv.getOrSet("config", { createdBy: vu });
  if (!gos.loaded) {
    await kv.incrementBy("stats:getOrSet:created", 1);
  }
  check(gos, { "getOrSet returns the stored value": (r) => typeof r.value.createdBy === "number" });

  // swap: returns the previous value of this VU's key
  const sw = await kv.swap(own("swap"), it);
  check(sw, {
    "swap returns the previous value": (r) =>
      it === 0 ? r.loaded === false && r.previous === null : r.loaded === true && r.previous === it - 1,
  });

  // compareAndDelete / compareAndDeleteDetailed / deleteIfExists
  await kv.set(own("cad"), "x");
  check(await kv.compareAndDelete(own("cad"), "y"), { "compareAndDelete mismatch": (v) => v === false });
  check(await kv.compareAndDelete(own("cad"), "x"), { "compareAndDelete match": (v) => v === true });
  await kv.set(own("cadd"), { a: 1 });
  check(await kv.compareAndDeleteDetailed(own("cadd"), { a: 2 }, { includeCurrentOnMismatch: true }), {
    "detailed CAD mismatch with current": (x) =>
      same(x, { deleted: false, reason: "mismatch", existed: true, current: { a: 1 } }),
  });
  check(await kv.compareAndDeleteDetailed(own("cadd"), { a: 1 }), {
    "detailed CAD success": (x) => same(x, { deleted: true, reason: "deleted" }),
  });
  check(await kv.compareAndDeleteDetailed(own("cadd"), { a: 1 }, { includeCurrentOnMismatch: true }), {
    "detailed CAD on a missing key": (x) => same(x, { deleted: false, reason: "mismatch", existed: false }),
  });
  await kv.set(own("die"), 0);
  check(await kv.deleteIfExists(own("die")), { "deleteIfExists: existed": (v) => v === true });
  check(await kv.deleteIfExists(own("die")), { "deleteIfExists: missing": (v) => v === false });

  // setMany / getMany / deleteMany
  const batch = { [own("b1")]: 1, [own("b2")]: { two: 2 }, [own("b3")]: null };
  check(await kv.setMany(batch), { "setMany reports written": (r) => same(r, { written: 3 }) });
  const many = await kv.getMany([own("b1"), own("nope"), own("b2"), own("b3"), own("b1")]);
  check(many, {
    "getMany keeps order, duplicates and null values": (m) =>
      same(m, [
        { key: own("b1"), exists: true, value: 1 },
        { key: own("nope"), exists: false, value: null },
        { key: own("b2"), exists: true, value: { two: 2 } },
        { key: own("b3"), exists: true, value: null },
        { key: own("b1"), exists: true, value: 1 },
      ]),
  });
  check(await kv.deleteMany([own("b1"), own("b2"), own("b3"), own("nope")]), {
    "deleteMany counts deleted and missing": (r) => same(r, { deleted: 3, missing: 1 }),
  });

  // setMany is all-or-nothing: a value JSON cannot hold rejects the batch
  const bad = await rejection(kv.setMany({ [own("good")]: 1, [own("bad")]: () => "no functions in JSON" }));
  check(bad, {
    "setMany with a bad entry rejects with InvalidOptionsError": (e) => e !== null && e.name === "InvalidOptionsError",
    "setMany names the bad entry": (e) =>
      e !== null && Array.isArray(e.errors) && e.errors.length === 1 && e.errors[0].key === own("bad") && e.errors[0].name === "SerializerError",
  });
  check(await kv.exists(own("good")), { "setMany rolled back the good entry": (v) => v === false });

  await kv.set(own("keep"), 1);
  check(await rejection(kv.deleteMany([own("keep"), ""])), {
    "deleteMany with an empty key rejects": (e) => e !== null && e.name === "InvalidOptionsError",
  });
  check(await kv.exists(own("keep")), { "deleteMany deleted nothing": (v) => v === true });

  // typed errors
  check(await rejection(kv.set("", 1)), { "empty key: InvalidOptionsError": (e) => e && e.name === "InvalidOptionsError" });
  check(await rejection(kv.get(own("never-set"))), { "missing key: KeyNotFoundError": (e) => e && e.name === "KeyNotFoundError" });
  await kv.set(own("text"), "not a number");
  check(await rejection(kv.incrementBy(own("text"), 1)), {
    "non-numeric value: ValueParseError": (e) => e && e.name === "ValueParseError",
  });
  check(await kv.get(own("text")), { "failed incrementBy left the value alone": (v) => v === "not a number" });
  check(await rejection(kv.incrementBy(own("n"), 1.5)), {
    "fractional delta: ValueNumberRequiredError": (e) => e && e.name === "ValueNumberRequiredError",
  });
  check(await rejection(kv.incrementBy(own("n"), "1")), {
    "string delta: ValueNumberRequiredError": (e) => e && e.name === "ValueNumberRequiredError",
  });
  const err = await rejection(kv.get(own("never-set")));
  check(err, { "rejections are plain objects": (e) => !(e instanceof Error) && typeof e.message === "string" });

  check(await kv.size(), { "size is a number": (v) => Number.isInteger(v) && v > 0 });
}

export async function teardown() {
  await guarded("teardown", async () => {
    check(await kv.get("counter:inc"), { "incrementBy lost no update": (v) => v === 3 * TOTAL });
    check(await kv.get("cas:counter"), { "CAS counter lost no update": (v) => v === TOTAL });
    check(await kv.get("stats:setIfAbsent:wins"), { "setIfAbsent: one winner per iteration": (v) => v === ITERATIONS });
    check(await kv.get("stats:getOrSet:created"), { "getOrSet: exactly one creator": (v) => v === 1 });
    check(conflictName, { "conflicting openKv options: KVOptionsConflictError": (n) => n === "KVOptionsConflictError" });

    closable.close();
    check(await rejection(closable.get("cas:counter")), {
      "closed handle: StoreClosedError": (e) => e && e.name === "StoreClosedError",
    });
    check(await kv.get("cas:counter"), { "other handles stay open": (v) => v === TOTAL });

    console.log(`incrementBy total ${await kv.get("counter:inc")}, CAS counter ${await kv.get("cas:counter")}, keys ${await kv.size()}`);
    await kv.clear();
    check(await kv.size(), { "clear empties the store": (n) => n === 0 });
    kv.close();
  });
}
