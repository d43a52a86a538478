// random-keys.js — random sampling: randomKey(), randomKeys() and hydration
// with getMany(), on a keyspace with several prefixes.
//
//   k6-kv run examples/random-keys.js
//   k6-kv run -e TRACK_KEYS=false examples/random-keys.js
//
// setup() writes USERS users and ORDERS orders. Every iteration samples users
// by prefix and checks that each sample really has the prefix, that unique
// samples hold no repeats, and that hydrated values belong to their keys.
// Half the VUs also add and remove "session:" keys while the others sample
// them, so sampling runs under churn. `checks: rate==1` fails the run on any
// broken invariant.

import { check } from "k6";
import { openKv } from "k6/x/kv";

const TRACK_KEYS = __ENV.TRACK_KEYS !== "false";
// trackKeys keeps an ordered index so random picks by prefix never scan.
const kv = openKv({ backend: "memory", trackKeys: TRACK_KEYS });

const USERS = 200;
const ORDERS = 50;
const VUS = 4;

export const options = {
  scenarios: {
    sampling: { executor: "per-vu-iterations", vus: VUS, iterations: 40, maxDuration: "30s" },
  },
  thresholds: { checks: ["rate==1"] },
};

const userKey = (i) => `user:${String(i).padStart(4, "0")}`;

export async function setup() {
  await kv.clear();
  const users = {};
  for (let i = 0; i < USERS; i++) users[userKey(i)] = { id: i, name: `user ${i}` };
  const orders = {};
  for (let i = 0; i < ORDERS; i++) orders[`order:${i}`] = { id: i, total: i * 10 };
  await kv.setMany(users);
  await kv.setMany(orders);
}

export default async function () {
  // One random user; "" would mean "no key matched".
  const one = await kv.randomKey({ prefix: "user:" });
  check(one, { "randomKey has the prefix": (k) => k.startsWith("user:") });

  // A unique sample, hydrated in one batch read.
  const sample = await kv.randomKeys({ prefix: "user:", count: 20 });
  const users = await kv.getMany(sample);
  check(null, {
    "randomKeys returns count keys": () => sample.length === 20,
    "unique sample has no repeats": () => new Set(sample).size === sample.length,
    "every sampled key has the prefix": () => sample.every((k) => k.startsWith("user:")),
    "hydrated values belong to their keys": () => users.every((u) => u.exists && userKey(u.value.id) === u.key),
  });

  // With repetition allowed a sample can be larger than the keyspace.
  const orders = await kv.randomKeys({ prefix: "order:", count: ORDERS * 2, unique: false });
  check(orders, {
    "non-unique sample can exceed the keyspace": (o) => o.length === ORDERS * 2 && o.every((k) => k.startsWith("order:")),
  });
  // Unique and asking for more than exist: all of them, in random order.
  const allOrders = await kv.randomKeys({ prefix: "order:", count: ORDERS * 2 });
  check(allOrders, { "unique oversample returns every key once": (o) => o.length === ORDERS && new Set(o).size === ORDERS });

  // Nothing matches: "" and [] rather than errors.
  check(await kv.randomKey({ prefix: "nobody:" }), { "no match: empty string": (k) => k === "" });
  check(await kv.randomKeys({ prefix: "nobody:", count: 5 }), { "no match: empty array": (k) => k.length === 0 });

  // Churn: odd VUs add and remove their own session keys while even VUs sample them.
  if (__VU % 2 === 1) {
    const own = `session:${__VU}:${__ITER}`;
    await kv.set(own, { vu: __VU });
    await kv.delete(own);
  } else {
    const s = await kv.randomKey({ prefix: "session:" });
    check(s, { "session sample is empty or has the prefix": (k) => k === "" || k.startsWith("session:") });
  }

  // Bad arguments are typed errors.
  try {
    await kv.randomKeys({ prefix: "user:", count: 0 });
    check(null, { "count 0 rejects": () => false });
  } catch (err) {
    check(err, { "count 0 rejects": (e) => e.name === "InvalidOptionsError" });
  }
}

export async function teardown() {
  const users = await kv.count({ prefix: "user:" });
  const sessions = await kv.count({ prefix: "session:" });
  check(null, {
    "sampling changed nothing": () => users === USERS,
    "every session key was removed": () => sessions === 0,
  });
  if (TRACK_KEYS) {
    const stats = await kv.stats();
    check(stats, { "key index matches the data": (s) => s.index !== null && s.index.consistent && s.index.ost === s.count });
  }
  kv.close();
}
