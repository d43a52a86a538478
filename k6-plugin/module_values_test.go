// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"testing"
	"time"

	"github.com/grafana/sobek"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 10: every value a script stores comes back exactly, or is refused
// with a typed error; keys that are not Unicode are refused.

const valuesPrelude = `
	const kv = openKv(` + testOptions + `);
	const assert = (c, m) => { if (!c) throw new Error(m); };
	const same = (a, b, m) => assert(Object.is(a, b), m + ": got " + String(a) + " (" + typeof a + "), want " + String(b));
	const rejects = async (p, name, m) => {
		try { await p; } catch (e) {
			assert(e.name === name, m + ": want " + name + ", got " + JSON.stringify(e) + " " + String(e));
			assert(!(e instanceof Error), m + " is a plain object");
			return e;
		}
		throw new Error(m + ": did not reject");
	};
`

// D1: numbers at and beyond 2^63 (and every other double) come back as set.
func TestValuesNumbersExact(t *testing.T) {
	r := newTestVU(t)
	run(t, r, valuesPrelude+`
		const numbers = [1e20, 2 ** 64, 2 ** 63, -(2 ** 63), 9.3e18, -1e19, 2 ** 69, 1e21, 2 ** 53 + 2,
			Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 2 ** -1017, 0.1, 1 / 3, 123456789.125,
			9007199254740991, -9007199254740991];
		for (const [i, n] of numbers.entries()) {
			await kv.set("v:n" + i, n);
			same(await kv.get("v:n" + i), n, "number " + n);
			await kv.set("v:o" + i, {n: [n]});
			same((await kv.get("v:o" + i)).n[0], n, "nested number " + n);
		}
		await kv.set("v:big", 9223372036854775807n);
		same(await kv.get("v:big"), 9223372036854775807, "BigInt within int64 reads as the number");
		await rejects(kv.set("v:big2", 2n ** 70n + 1n), "SerializerError", "BigInt beyond int64");
		await rejects(kv.set("v:big3", {x: 2n ** 64n + 1n}), "SerializerError", "nested BigInt beyond int64");
		await rejects(kv.get("v:big2"), "KeyNotFoundError", "nothing stored");
	`)
}

// D2: NUL in strings and member names is kept.
func TestValuesNULKept(t *testing.T) {
	r := newTestVU(t)
	run(t, r, valuesPrelude+`
		await kv.set("v:s1", "a\u0000b");
		same(await kv.get("v:s1"), "a\u0000b", "string with NUL");
		await kv.set("v:s2", "\u0000");
		same(await kv.get("v:s2"), "\u0000", "NUL only");
		await kv.set("v:s3", {"a\u0000b": 1, "a": 2});
		const o = await kv.get("v:s3");
		same(o["a\u0000b"], 1, "member with NUL");
		same(o.a, 2, "member without");
		same(Object.keys(o).length, 2, "no member lost");
		await kv.setMany({"v:s4": ["x\u0000y"]});
		same((await kv.get("v:s4"))[0], "x\u0000y", "setMany value with NUL");
	`)
}

// D4, D5: lone surrogates and Symbols are not keys; lone surrogates are not values.
func TestValuesKeysMustBeUnicode(t *testing.T) {
	r := newTestVU(t)
	run(t, r, valuesPrelude+`
		await rejects(kv.set("a\ud800b", "first"), "InvalidOptionsError", "lone high surrogate key");
		await rejects(kv.set("a\udbffb", "second"), "InvalidOptionsError", "another lone high surrogate");
		await rejects(kv.set("a\udc00", 1), "InvalidOptionsError", "lone low surrogate key");
		await rejects(kv.get("\ud800"), "InvalidOptionsError", "get");
		await rejects(kv.delete("\udfff"), "InvalidOptionsError", "delete");
		await kv.set("a\ufffdb", "third");
		same(await kv.get("a\ufffdb"), "third", "U+FFFD itself is a key");
		await rejects(kv.get("a\ud800b"), "InvalidOptionsError", "does not alias U+FFFD");
		await kv.set("v:pair\ud83d\ude00", 1);
		same(await kv.get("v:pair\ud83d\ude00"), 1, "a pair is a key");

		const e = await rejects(kv.setMany({"v:ok": 1, "v:\ud800": 2}), "InvalidOptionsError", "setMany");
		same(e.errors.length, 1, "one bad item");
		same(e.errors[0].name, "InvalidEntries", "item name");
		await rejects(kv.get("v:ok"), "KeyNotFoundError", "setMany wrote nothing");
		await rejects(kv.getMany(["v:ok", "x\udc00"]), "InvalidOptionsError", "getMany");

		await rejects(kv.set(Symbol("s"), 1), "InvalidOptionsError", "Symbol key");
		await rejects(kv.set(Symbol(), 1), "InvalidOptionsError", "Symbol key without description");
		await rejects(kv.get(Symbol("s")), "InvalidOptionsError", "get Symbol");
		await rejects(kv.get("s"), "KeyNotFoundError", "nothing stored under the description");

		await rejects(kv.set("v:lone", "\ud800"), "SerializerError", "lone surrogate value");
		await rejects(kv.set("v:lone", {"\udc00": 1}), "SerializerError", "lone surrogate member name");
		await rejects(kv.get("v:lone"), "KeyNotFoundError", "nothing stored");
	`)
}

// D6, D11: a huge sparse array is refused at once; an exception while reading
// a value is a SerializerError.
func TestValuesBoundedAndTyped(t *testing.T) {
	r := newTestVU(t)
	start := time.Now()
	run(t, r, valuesPrelude+`
		const a = []; a[4e9] = 1;
		const e = await rejects(kv.set("v:sparse", a), "InvalidOptionsError", "sparse array");
		assert(e.message.includes("limit"), e.message);
		const se = await rejects(kv.setMany({"v:sparse": a, "v:fine": 1}), "InvalidOptionsError", "sparse array in setMany");
		assert(se.errors.length === 1 && se.errors[0].name === "InvalidEntries", JSON.stringify(se.errors));
		// A bad value alone (no other bad item) must not let the batch through.
		const fe = await rejects(kv.setMany({"v:fn": () => 1, "v:fine": 1}), "InvalidOptionsError", "function in setMany");
		assert(fe.errors.length === 1 && fe.errors[0].name === "SerializerError", JSON.stringify(fe.errors));
		await rejects(kv.get("v:fine"), "KeyNotFoundError", "setMany wrote nothing");
		await rejects(kv.get("v:fn"), "KeyNotFoundError", "the sentinel was not stored");
		await rejects(kv.set("v:getter", {get g() { throw new Error("boom"); }}), "SerializerError", "throwing getter");
		const p = new Proxy({}, {ownKeys() { throw new Error("trap"); }});
		const pe = await rejects(kv.set("v:proxy", p), "SerializerError", "throwing Proxy trap");
		assert(pe.message.includes("trap"), pe.message);
	`)
	elapsed := time.Since(start)
	t.Logf("sparse array of length 4e9 and the rest: %v", elapsed)
	assert.Less(t, elapsed, 10*time.Second)
}

// D10: counters beyond Number.MAX_SAFE_INTEGER come back as exact BigInts.
func TestIncrementByBeyondSafeIntegers(t *testing.T) {
	r := newTestVU(t)
	run(t, r, valuesPrelude+`
		await kv.set("v:cs", "9007199254740993");
		const big = await kv.incrementBy("v:cs", 0);
		assert(typeof big === "bigint", "BigInt: " + typeof big);
		same(big, 9007199254740993n, "exact");
		same(await kv.incrementBy("v:cs", -2), 9007199254740991, "a safe integer is a number again");
		same(await kv.incrementBy("v:cs", 1), 9007199254740992n, "2^53 is past the safe range");
		await kv.set("v:neg", -9007199254740991);
		same(await kv.incrementBy("v:neg", -1), -9007199254740992n, "negative side");
		same(await kv.incrementBy("v:small", 5n), 5, "small counters stay numbers");
	`)
}

// D3: options strings with a NUL (openKv({path: "a\u0000b"}) opened "a").
func TestOpenOptionsRefuseNUL(t *testing.T) {
	rt := sobek.New()
	for _, src := range []string{
		`{backend: "disk", path: "a\u0000b"}`,
		`{backend: "disk", "path\u0000x": "evil"}`,
		`{backend: "memory", memory: {"shardCount\u0000": 4}}`,
	} {
		_, kerr := openOptionsJSON(rt, eval(t, rt, src))
		require.NotNil(t, kerr, src)
		assert.Equal(t, nameInvalidOptions, kerr.Name, src)
		assert.Contains(t, kerr.Message, "NUL", src)
	}
	text, kerr := openOptionsJSON(rt, eval(t, rt, `{backend: "disk", path: "a\\u0000b"}`))
	require.Nil(t, kerr, "a backslash, then u0000, is text")
	assert.Equal(t, `{"backend":"disk","path":"a\\u0000b"}`, string(text))

	r := newTestVU(t)
	run(t, r, `
		let name = "none";
		try { openKv({backend: "disk", path: "a\u0000b"}); } catch (e) { name = e.name; }
		if (name !== "InvalidOptionsError") throw new Error("openKv with a NUL in path: " + name);
	`)
}
