// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/grafana/sobek"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.k6.io/k6/v2/js/modulestest"
)

// The paths of keyops.go. A scripted keyOp stands in for a store call, so
// each test can make the loop's slot "would block", panic or fail to build
// its value, and count how often each step ran.

type scriptedOp struct {
	loop       *slot
	blockLoop  bool         // run on the loop's slot returns errWouldBlock
	runPanics  bool         // run panics (a bug in Go)
	buildFails *kvError     // toJS panics with it (stored bytes that are not JSON)
	onLoop     atomic.Int32 // runs on the loop's slot
	onPool     atomic.Int32 // runs on a pool slot
	built      atomic.Int32 // toJS calls
}

func (o *scriptedOp) run(s *slot) result {
	if o.runPanics {
		panic("scripted")
	}
	if s == o.loop {
		o.onLoop.Add(1)
		if o.blockLoop {
			return result{err: errWouldBlock}
		}
		return result{num0: 1}
	}
	o.onPool.Add(1)
	return result{num0: 2}
}

func (o *scriptedOp) toJS(rt *sobek.Runtime, r result) sobek.Value {
	o.built.Add(1)
	if o.buildFails != nil {
		panic(o.buildFails)
	}
	return rt.ToValue(r.num0)
}

// opVU is a VU with a global testOp() that runs h.inlineOp on the op that
// the test put in *cur, with prepErr *prep.
func opVU(t *testing.T, cur **scriptedOp, prep **kvError) (*modulestest.Runtime, *handle) {
	t.Helper()
	r := modulestest.NewRuntime(t)
	h := &handle{vu: r.VU, pools: sharedPools(), loopSlot: newLoopSlot(), memoryBackend: true}
	t.Cleanup(h.loopSlot.free)
	require.NoError(t, r.VU.Runtime().Set("testOp", func(sobek.FunctionCall) sobek.Value {
		return h.inlineOp("test_op", *prep, *cur)
	}))
	return r, h
}

func TestKeyOpPaths(t *testing.T) {
	var op *scriptedOp
	var prep *kvError
	r, h := opVU(t, &op, &prep)
	fresh := func() *scriptedOp { op = &scriptedOp{loop: h.loopSlot}; return op }

	// Inline: run once on the loop's slot, settled before the method returns.
	o := fresh()
	run(t, r, `const v = await testOp(); if (v !== 1) throw new Error("inline: " + v);`)
	assert.Equal(t, [3]int32{1, 0, 1}, [3]int32{o.onLoop.Load(), o.onPool.Load(), o.built.Load()})

	// The loop's slot would have waited: nothing happened, so the call is made
	// again on the CPU pool, and the promise settles once, with that result.
	o = fresh()
	o.blockLoop = true
	run(t, r, `const v = await testOp(); if (v !== 2) throw new Error("retried: " + v);`)
	assert.Equal(t, [3]int32{1, 1, 1}, [3]int32{o.onLoop.Load(), o.onPool.Load(), o.built.Load()})

	// Every inline token taken: straight to the pool.
	gate := inlineSlots()
	taken := gate.limit - gate.inside.Load()
	gate.inside.Add(taken)
	o = fresh()
	run(t, r, `const v = await testOp(); if (v !== 2) throw new Error("gate full: " + v);`)
	gate.inside.Add(-taken)
	assert.Equal(t, [3]int32{0, 1, 1}, [3]int32{o.onLoop.Load(), o.onPool.Load(), o.built.Load()})

	rejects := func(want string) {
		t.Helper()
		run(t, r, `
			let name = "resolved";
			try { await testOp(); } catch (e) { name = e.name; }
			if (name !== "`+want+`") throw new Error("got " + name);`)
	}
	// A Go panic in run and a value that cannot be built reject the call.
	o = fresh()
	o.runPanics = true
	rejects(nameUnknown)
	o = fresh()
	o.buildFails = newError(nameUnexpectedOutput, "stored value is not valid JSON")
	rejects(nameUnexpectedOutput)
	assert.Equal(t, int32(1), o.built.Load())
	// A bad argument rejects without running anything.
	o = fresh()
	prep = invalidOptions("test_op(): bad")
	rejects(nameInvalidOptions)
	prep = nil
	assert.Equal(t, [3]int32{0, 0, 0}, [3]int32{o.onLoop.Load(), o.onPool.Load(), o.built.Load()})

	// A VU whose context ended: OperationCanceledError, and nothing runs,
	// neither inline nor on the pool where a retry would go.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.VU.CtxField = ctx
	o = fresh()
	o.blockLoop = true
	rejects(nameOperationCanceled)
	assert.Equal(t, [3]int32{0, 0, 0}, [3]int32{o.onLoop.Load(), o.onPool.Load(), o.built.Load()})
}

// The key reaches C through the slot's key buffer: keys up to libkv's
// limit fit in it, each call overwrites the last one's, and a longer key
// still gets libkv's own refusal.
func TestKeyOpKeys(t *testing.T) {
	r := newTestVU(t)
	longest := strings.Repeat("k", 511) // KV_MAX_KEY_LENGTH
	run(t, r, `
		const kv = openKv(`+testOptions+`);
		const eq = (a, b, m) => { if (a !== b) throw new Error(m + ": " + a); };
		const longest = "`+longest+`";
		await kv.set("key:abcdef", "long");
		await kv.set("key:abc", "short");
		eq(await kv.get("key:abcdef"), "long", "longer key first");
		eq(await kv.get("key:abc"), "short", "shorter key after it");
		eq(await kv.exists("key:ab"), false, "a prefix is another key");
		eq(await kv.set(longest, 1), 1, "set at the limit");
		eq(await kv.incrementBy(longest, 2), 3, "incrementBy at the limit");
		eq(await kv.get(longest), 3, "get at the limit");
		eq(await kv.exists(longest), true, "exists at the limit");
		eq(await kv.delete(longest), true, "delete at the limit");
		eq(await kv.exists(longest), false, "deleted");
		for (const call of [() => kv.get(longest + "k"), () => kv.set(longest + "k", 1),
		                    () => kv.incrementBy(longest + "k", 1), () => kv.exists(longest + "k"),
		                    () => kv.delete(longest + "k")]) {
			let name = "resolved";
			try { await call(); } catch (e) { name = e.name; }
			eq(name, "InvalidOptionsError", "a key past the limit: " + call);
		}`)
}

// get copies a value out of C once, into the string the decoder reads:
// what was stored comes back exactly, whatever its size (past the loop
// slot's scratch buffer too) and whatever it holds.
func TestKeyOpValuesReadBack(t *testing.T) {
	r := newTestVU(t)
	run(t, r, `
		const kv = openKv(`+testOptions+`);
		const same = (a, b, m) => { if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(m + ": " + JSON.stringify(a)); };
		const big = "x".repeat(100000) + "é€𝄞";
		const values = [42, -0.5, "", "é€𝄞 \u0000 \"q\"", big, [1, "two", {three: [3]}],
		                {a: {more: ["a", "b"], nested: "strings"}, b: "shared"}, null, true];
		for (let i = 0; i < values.length; i++) {
			same(await kv.set("v:" + i, values[i]), values[i], "set resolves to its value " + i);
			same(await kv.get("v:" + i), values[i], "read back " + i);
		}
		const s1 = await kv.get("v:6"), s2 = await kv.get("v:6");
		s1.a.nested = "changed";
		same(s2.a.nested, "strings", "each get builds its own value");`)
}

// The same in string mode, which needs a process of its own (inParent).
func TestKeyOpStringValuesReadBack(t *testing.T) {
	if inParent(t, "TestKeyOpStringValuesReadBack") {
		return
	}
	r := newTestVU(t)
	run(t, r, `
		const kv = openKv({backend: "memory", serialization: "string"});
		const eq = (a, b, m) => { if (a !== b) throw new Error(m + ": " + a.length); };
		const big = "y".repeat(70000) + "\u0000é";
		for (const v of ["", "plain", "é€𝄞", big]) {
			await kv.set("s", v);
			eq(await kv.get("s"), v, "string mode");
		}`)
}
