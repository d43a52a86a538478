// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.k6.io/k6/v2/js/modulestest"
	"go.k6.io/k6/v2/lib"
)

// The store configuration is process-wide (the first successful openKv fixes
// it), so every test in this binary opens the same memory store and uses its
// own keys.
const testOptions = `{backend: "memory", memory: {shardCount: 4}}`

func newTestVU(t *testing.T) *modulestest.Runtime {
	t.Helper()
	r := modulestest.NewRuntime(t)
	mi := new(RootModule).NewModuleInstance(r.VU)
	require.NoError(t, r.VU.Runtime().Set("openKv", mi.Exports().Named["openKv"]))
	return r
}

// run executes an async script body on the event loop and fails the test if
// it throws or its promise rejects.
func run(t *testing.T, r *modulestest.Runtime, body string) {
	t.Helper()
	_, err := r.RunOnEventLoop(`
		(async () => {` + body + `})().catch((e) => {
			throw new Error("rejected: " + (e instanceof Error ? e.message : JSON.stringify(e)));
		});`)
	require.NoError(t, err)
}

func TestModuleOperations(t *testing.T) {
	r := newTestVU(t)
	run(t, r, `
		const kv = openKv(`+testOptions+`);
		const assert = (c, m) => { if (!c) throw new Error(m); };
		const eq = (a, b, m) => assert(JSON.stringify(a) === JSON.stringify(b), m + ": " + JSON.stringify(a));
		const rejects = async (p, name, m) => {
			try { await p; } catch (e) { eq(e.name, name, m); assert(!(e instanceof Error), m + " is a plain object"); return e; }
			throw new Error(m + ": did not reject");
		};

		eq(await kv.set("t:obj", {b: 1, a: [1, "x"]}), {b: 1, a: [1, "x"]}, "set resolves to the value");
		eq(await kv.get("t:obj"), {a: [1, "x"], b: 1}, "get");
		eq(await kv.exists("t:obj"), true, "exists");
		eq(await kv.exists("t:none"), false, "exists missing");
		await rejects(kv.get("t:none"), "KeyNotFoundError", "get missing");
		await rejects(kv.set("", 1), "InvalidOptionsError", "empty key");
		await rejects(kv.set("t:\u0000", 1), "InvalidOptionsError", "NUL key");
		await rejects(kv.set("t:fn", () => 1), "SerializerError", "function value");

		eq(await kv.incrementBy("t:n", 5), 5, "increment missing key");
		eq(await kv.incrementBy("t:n", -7), -2, "decrement");
		await rejects(kv.incrementBy("t:n", 0.5), "ValueNumberRequiredError", "fractional delta");
		await rejects(kv.incrementBy("t:obj", 1), "ValueParseError", "non-numeric value");

		eq(await kv.getMany(["t:obj", "t:none", "t:n", ""]), [
			{key: "t:obj", exists: true, value: {a: [1, "x"], b: 1}},
			{key: "t:none", exists: false, value: null},
			{key: "t:n", exists: true, value: -2},
			{key: "", exists: false, value: null},
		], "getMany");
		eq(await kv.getMany([]), [], "getMany empty");

		eq(await kv.setMany({"t:m1": 1, "t:m2": {x: null}}), {written: 2}, "setMany");
		const e = await rejects(kv.setMany({"t:m3": 3, "t:bad": () => 1, "": 0}), "InvalidOptionsError", "setMany bad");
		eq(e.errors.map((i) => [i.key, i.name]), [["t:bad", "SerializerError"], ["", "EmptyKey"]], "setMany items");
		eq(await kv.exists("t:m3"), false, "setMany wrote nothing");

		eq(await kv.deleteMany(["t:m1", "t:m2", "t:none"]), {deleted: 2, missing: 1}, "deleteMany");
		await kv.set("t:keep", 1);
		await rejects(kv.deleteMany(["t:keep", ""]), "InvalidOptionsError", "deleteMany empty key");
		eq(await kv.exists("t:keep"), true, "deleteMany deleted nothing");

		eq(await kv.getOrSet("t:g", 1), {value: 1, loaded: false}, "getOrSet stores");
		eq(await kv.getOrSet("t:g", 2), {value: 1, loaded: true}, "getOrSet loads");
		eq(await kv.swap("t:s", "a"), {previous: null, loaded: false}, "swap new");
		eq(await kv.swap("t:s", "b"), {previous: "a", loaded: true}, "swap");

		eq(await kv.compareAndSwap("t:c", null, {v: 1, w: 2}), true, "cas absent");
		eq(await kv.compareAndSwap("t:c", undefined, 0), false, "cas absent when present");
		eq(await kv.compareAndSwap("t:c", {w: 2, v: 1}, 3), true, "cas compares canonical form");
		eq(await kv.compareAndSwapDetailed("t:c", 4, 5), {swapped: false, reason: "mismatch", existed: true}, "casd");
		eq(await kv.compareAndSwapDetailed("t:c", 4, 5, {includeCurrentOnMismatch: true}),
			{swapped: false, reason: "mismatch", existed: true, current: 3}, "casd current");
		eq(await kv.compareAndSwapDetailed("t:none", 4, 5, {includeCurrentOnMismatch: true}),
			{swapped: false, reason: "mismatch", existed: false}, "casd missing");
		eq(await kv.compareAndSwapDetailed("t:c", 3, 5), {swapped: true, reason: "swapped"}, "casd swap");

		eq(await kv.setIfAbsent("t:c", 0), false, "setIfAbsent present");
		eq(await kv.setIfAbsent("t:ia", 0), true, "setIfAbsent absent");
		eq(await kv.deleteIfExists("t:ia"), true, "deleteIfExists");
		eq(await kv.deleteIfExists("t:ia"), false, "deleteIfExists missing");

		await kv.set("t:null", null);
		eq(await kv.compareAndDelete("t:null", undefined), true, "cad null means JSON null");
		eq(await kv.compareAndDelete("t:c", 4), false, "cad mismatch");
		eq(await kv.compareAndDeleteDetailed("t:c", 4, {includeCurrentOnMismatch: true}),
			{deleted: false, reason: "mismatch", existed: true, current: 5}, "cadd current");
		eq(await kv.compareAndDeleteDetailed("t:c", 5), {deleted: true, reason: "deleted"}, "cadd");

		eq(await kv.delete("t:none"), true, "delete missing");
		assert(typeof (await kv.size()) === "number", "size");

		const other = openKv(`+testOptions+`);
		kv.close();
		kv.close();
		await rejects(kv.get("t:obj"), "StoreClosedError", "closed handle");
		eq(await other.get("t:obj"), {a: [1, "x"], b: 1}, "other handles stay open");
		other.close();
	`)
}

func TestOpenKvErrorsAreThrown(t *testing.T) {
	r := newTestVU(t)
	run(t, r, `
		const check = (fn, name) => {
			try { fn(); } catch (e) {
				if (e.name !== name) throw new Error("want " + name + ", got " + JSON.stringify(e));
				return;
			}
			throw new Error("did not throw " + name);
		};
		openKv(`+testOptions+`).close();
		check(() => openKv({backend: "memory", serialization: "string"}), "KVOptionsConflictError");
		check(() => openKv({backend: "tape"}), "InvalidBackendError");
		check(() => openKv("memory"), "InvalidOptionsError");
	`)

	r.MoveToVUContext(&lib.State{})
	_, err := r.VU.Runtime().RunString(`
		let name = "none";
		try { openKv(` + testOptions + `); } catch (e) { name = e.name; }
		if (name !== "InvalidOptionsError") throw new Error("outside init: " + name);`)
	require.NoError(t, err)
}

// A VU whose context has ended gets OperationCanceledError, and the promise still settles.
func TestCanceledContext(t *testing.T) {
	r := newTestVU(t)
	run(t, r, `globalThis.kv = openKv(`+testOptions+`);`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.VU.CtxField = ctx
	run(t, r, `
		try { await kv.get("t:any"); } catch (e) {
			if (e.name !== "OperationCanceledError") throw e;
			return;
		}
		throw new Error("not canceled");`)
}

// Many VUs, one counter: incrementBy loses no update, and the pool never
// lets more calls into C than it has slots.
func TestConcurrentVUs(t *testing.T) {
	const vus, iters = 8, 50
	counter := strconv.Quote("t:counter:" + strconv.FormatInt(time.Now().UnixNano(), 10))
	var wg sync.WaitGroup
	for v := 0; v < vus; v++ {
		r := newTestVU(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := r.RunOnEventLoop(`
				const kv = openKv(` + testOptions + `);
				(async () => {
					for (let i = 0; i < ` + strconv.Itoa(iters) + `; i++) {
						await Promise.all([kv.incrementBy(` + counter + `, 1), kv.incrementBy(` + counter + `, 1)]);
					}
				})();`)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()

	r := newTestVU(t)
	run(t, r, `
		const kv = openKv(`+testOptions+`);
		const total = await kv.get(`+counter+`);
		if (total !== `+strconv.Itoa(vus*iters*2)+`) throw new Error("lost updates: " + total);`)
}

func TestPoolBoundsConcurrency(t *testing.T) {
	p := &pool{slots: make(chan *slot, 3)}
	for range 3 {
		p.slots <- &slot{}
	}
	var inside, peak atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.Nil(t, p.run(context.Background(), func(*slot) {
				n := inside.Add(1)
				for {
					old := peak.Load()
					if n <= old || peak.CompareAndSwap(old, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond)
				inside.Add(-1)
			}))
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, peak.Load(), int32(3))

	// A caller waiting for a slot gives up when its context ends.
	for range 3 {
		<-p.slots
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	ran := false
	kerr := p.run(ctx, func(*slot) { ran = true })
	require.NotNil(t, kerr)
	assert.Equal(t, nameOperationCanceled, kerr.Name)
	assert.False(t, ran)
}

// String mode needs a process of its own (the first openKv fixes the mode):
// the test re-runs this binary with only the child test selected.
func TestStringMode(t *testing.T) {
	if os.Getenv("KV_TEST_STRING_CHILD") == "1" {
		r := newTestVU(t)
		run(t, r, `
			const kv = openKv({backend: "memory", serialization: "string"});
			const eq = (a, b, m) => { if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(m + ": " + JSON.stringify(a)); };
			eq(await kv.set("s", "text"), "text", "set");
			await kv.set("o", {a: 1});
			await kv.set("n", 42);
			eq(await kv.getMany(["s", "o", "n"]).then((m) => m.map((i) => i.value)), ["text", "map[a:1]", "42"], "values are strings");
			eq(await kv.incrementBy("n", 1), 43, "incrementBy reads a string holding an integer");
			eq(await kv.compareAndSwap("n", "43", "x"), true, "cas compares strings");
			eq(await kv.setMany({a: "1", b: 2}), {written: 2}, "setMany");
			eq(await kv.get("b"), "2", "non-string formatted with %v");
			// Ordered reads, pops and claims decode values by the mode too.
			eq(await kv.list({prefix: "o"}), [{key: "o", value: "map[a:1]"}], "list in string mode");
			eq((await kv.scan({prefix: "s"})).entries, [{key: "s", value: "text"}], "scan in string mode");
			eq((await kv.claimKey("o")).entry, {key: "o", value: "map[a:1]"}, "claim entry in string mode");
			eq(await kv.popRandom({prefix: "s"}), {key: "s", value: "text"}, "popRandom in string mode");
			eq((await kv.stats()).serialization, "string", "stats() is JSON whatever the mode");
			eq((await kv.allocationStats({prefix: "o"})).claimedLive, 1, "allocationStats");
		`)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestStringMode$", "-test.count=1")
	cmd.Env = append(os.Environ(), "KV_TEST_STRING_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
}
