// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.k6.io/k6/v2/js/modulestest"
)

// The paths of async.go on a disk store: submitted writes, the commit pool,
// inline reads. A disk store needs a process of its own (the first openKv
// fixes the store), so each test re-runs this binary with one child test.

// inParent runs test @name in a child process (with @env added) and returns
// true, unless this process is that child: then it returns false and the
// caller goes on with the test's body.
func inParent(t *testing.T, name string, env ...string) bool {
	t.Helper()
	if os.Getenv("KV_TEST_CHILD") == name {
		return false
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.count=1", "-test.v")
	cmd.Env = append(append(os.Environ(), "KV_TEST_CHILD="+name, "KV_TEST_DIR="+dir), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	t.Log(string(out))
	return true
}

type testVU struct{ *modulestest.Runtime }

// newDiskVU is a VU whose global kv is a handle on the child's disk store.
func newDiskVU(t *testing.T) *testVU {
	r := newTestVU(t)
	run(t, r, `globalThis.kv = openKv(`+diskOptions()+`);`)
	return &testVU{r}
}

func diskOptions() string {
	return `{backend: "disk", path: ` + strconv.Quote(filepath.Join(os.Getenv("KV_TEST_DIR"), "store.kv")) + `}`
}

// osThreads is the process's thread count, from /proc/self/status.
func osThreads(t *testing.T) int {
	f, err := os.Open("/proc/self/status")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			require.NoError(t, err)
			return n
		}
	}
	t.Fatal("no Threads: line")
	return 0
}

// Hundreds of VUs writing durably at once: every write lands exactly once,
// many share each commit although only 2+2 pool slots exist, and the
// process does not grow a thread per waiting write.
func TestDiskSubmittedWritesManyVUs(t *testing.T) {
	if inParent(t, "TestDiskSubmittedWritesManyVUs", cpuPoolEnv+"=2", commitPoolEnv+"=2") {
		return
	}
	const vus, iters = 300, 20

	// Every VU opens its handle first, so the pools, the store and its writer exist.
	runtimes := make([]*testVU, vus)
	for i := range runtimes {
		runtimes[i] = newDiskVU(t)
	}
	base := osThreads(t)

	var peak atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				n := int64(osThreads(t))
				for old := peak.Load(); n > old && !peak.CompareAndSwap(old, n); old = peak.Load() {
				}
			}
		}
	}()

	var wg sync.WaitGroup
	for i, r := range runtimes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := r.RunOnEventLoop(fmt.Sprintf(`
				(async () => {
					for (let i = 0; i < %d; i++) {
						await Promise.all([
							kv.incrementBy("counter", 1),
							kv.set("vu:%d:" + i, {i}),
						]);
						const c = await kv.getOrSet("first:%d", i);
						if (c.value !== 0) throw new Error("getOrSet kept " + JSON.stringify(c));
					}
				})().catch((e) => { throw new Error(JSON.stringify(e)); });`, iters, i, i))
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled

	r := newDiskVU(t)
	run(t, r.Runtime, fmt.Sprintf(`
		const eq = (a, b, m) => { if (a !== b) throw new Error(m + ": " + a + " !== " + b); };
		eq(await kv.get("counter"), %d, "no increment lost or doubled");
		eq(await kv.count({prefix: "vu:"}), %d, "every set landed");
		const s = await kv.stats();
		globalThis.perCommit = s.lmdb.groupCommitOps / s.lmdb.groupCommitBatches;`, vus*iters, vus*iters))
	perCommit := r.VU.Runtime().Get("perCommit").ToFloat()
	t.Logf("threads: %d before, %d at most during %d VUs × %d iterations; %.1f writes per commit",
		base, peak.Load(), vus, iters, perCommit)
	// Pools of 2 could not put more than 4 writes in a commit if writes held slots.
	assert.Greater(t, perCommit, slotBoundPerCommit(),
		"writes should share commits without holding pool slots")
	// A few runtime threads may start (GC workers, a sysmon spin); a thread
	// per waiting write would be hundreds.
	assert.LessOrEqual(t, peak.Load(), int64(base+16), "thread growth past the pools' bound")
}

// Hundreds of VUs draining a durable queue with claimRandom, popRandom,
// claimRandomMany and completeClaims, all submitted: every job goes to
// exactly one VU, and the writes share commits with pools of 2 slots.
func TestDiskSubmittedClaimsManyVUs(t *testing.T) {
	if inParent(t, "TestDiskSubmittedClaimsManyVUs", cpuPoolEnv+"=2", commitPoolEnv+"=2") {
		return
	}
	const vus, jobs = 200, 1200

	seed := newDiskVU(t)
	run(t, seed.Runtime, fmt.Sprintf(`
		const entries = {};
		for (let i = 0; i < %d; i++) entries["job:" + String(i).padStart(5, "0")] = i;
		await kv.setMany(entries);`, jobs))
	runtimes := make([]*testVU, vus)
	for i := range runtimes {
		runtimes[i] = newDiskVU(t)
	}
	var wg sync.WaitGroup
	for i, r := range runtimes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := r.RunOnEventLoop(fmt.Sprintf(`
				(async () => {
					// Each job taken is marked once; a second mark means it was taken twice.
					const took = async (key) => {
						if (!(await kv.setIfAbsent("took:" + key, %d))) throw new Error(key + " taken twice");
					};
					for (;;) {
						const c = await kv.claimRandom({prefix: "job:"});
						if (c === null) break;
						await took(c.key);
						if (!(await kv.completeClaim(c))) throw new Error("lost the claim on " + c.key);
						const p = await kv.popRandom({prefix: "job:"});
						if (p !== null) await took(p.key);
						const many = await kv.claimRandomMany({prefix: "job:", count: 2});
						for (const m of many) await took(m.key);
						const done = await kv.completeClaims(many);
						if (done.completed !== many.length) throw new Error("completeClaims: " + JSON.stringify(done));
					}
				})().catch((e) => { throw new Error(e && e.message ? e.message : JSON.stringify(e)); });`, i))
			assert.NoError(t, err)
		}()
	}
	wg.Wait()

	r := newDiskVU(t)
	run(t, r.Runtime, fmt.Sprintf(`
		const eq = (a, b, m) => { if (a !== b) throw new Error(m + ": " + a + " !== " + b); };
		eq(await kv.count({prefix: "job:"}), 0, "the queue is drained");
		eq(await kv.count({prefix: "took:"}), %d, "every job was taken exactly once");
		const s = await kv.stats();
		globalThis.perCommit = s.lmdb.groupCommitOps / s.lmdb.groupCommitBatches;`, jobs))
	perCommit := r.VU.Runtime().Get("perCommit").ToFloat()
	t.Logf("%d VUs drained %d jobs; %.1f writes per commit", vus, jobs, perCommit)
	assert.Greater(t, perCommit, slotBoundPerCommit(),
		"claims should share commits without holding pool slots")
}

// A VU's context ends while its writes are in flight: every promise settles
// exactly once, each write is either done (and counted) or rejected with
// OperationCanceledError before it was submitted, and the loop does not hang.
func TestDiskCancelWhileWritesInFlight(t *testing.T) {
	if inParent(t, "TestDiskCancelWhileWritesInFlight") {
		return
	}
	r := newDiskVU(t)
	ctx, cancel := context.WithCancel(context.Background())
	r.VU.CtxField = ctx
	go func() {
		time.Sleep(30 * time.Millisecond)
		cancel()
	}()
	done := make(chan error, 1)
	go func() {
		_, err := r.RunOnEventLoop(`
			globalThis.fulfilled = 0; globalThis.canceled = 0; globalThis.settles = 0;
			(async () => {
				for (let round = 0; round < 100000 && globalThis.canceled === 0; round++) {
					const ps = [];
					for (let i = 0; i < 20; i++) {
						ps.push(kv.incrementBy("c", 1).then(
							() => { globalThis.settles++; globalThis.fulfilled++; },
							(e) => {
								globalThis.settles++;
								if (e.name !== "OperationCanceledError") throw new Error(JSON.stringify(e));
								globalThis.canceled++;
							}));
					}
					await Promise.all(ps);
				}
			})();`)
		done <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(60 * time.Second):
		t.Fatal("the event loop did not finish: a promise never settled")
	}
	rt := r.VU.Runtime()
	fulfilled, canceledN, settles := rt.Get("fulfilled").ToInteger(), rt.Get("canceled").ToInteger(), rt.Get("settles").ToInteger()
	require.Positive(t, canceledN, "the context ended during the run")
	assert.Equal(t, fulfilled+canceledN, settles, "each promise settled once")

	check := newDiskVU(t)
	run(t, check.Runtime, `globalThis.c = await kv.get("c");`)
	assert.Equal(t, fulfilled, check.VU.Runtime().Get("c").ToInteger(),
		"exactly the fulfilled increments are in the store")
}

// Disk reads run inline: they see every write whose promise resolved.
func TestDiskInlineReadsSeeResolvedWrites(t *testing.T) {
	if inParent(t, "TestDiskInlineReadsSeeResolvedWrites") {
		return
	}
	r := newDiskVU(t)
	run(t, r.Runtime, `
		for (let i = 0; i < 200; i++) {
			await kv.set("k" + i, i);
			if ((await kv.get("k" + i)) !== i) throw new Error("read did not see write " + i);
			if (!(await kv.exists("k" + i))) throw new Error("exists did not see write " + i);
		}
		const m = await kv.getMany(["k0", "k199", "none"]);
		if (m[1].value !== 199 || m[2].exists) throw new Error(JSON.stringify(m));
		if ((await kv.size()) !== 200) throw new Error("size");

		// Submitted batches: all or nothing, item errors as on memory.
		const w = await kv.setMany({"b:1": 1, "b:2": {z: 1, a: [2]}});
		if (w.written !== 2) throw new Error(JSON.stringify(w));
		if (JSON.stringify(await kv.get("b:2")) !== '{"a":[2],"z":1}') throw new Error("b:2");
		let refused = null;
		try { await kv.setMany({"b:3": 3, "": 0, "b:4": () => 1}); } catch (e) { refused = e; }
		if (refused === null || refused.name !== "InvalidOptionsError" ||
		    JSON.stringify(refused.errors.map((i) => i.name)) !== '["EmptyKey","SerializerError"]')
			throw new Error("setMany refusal: " + JSON.stringify(refused));
		if (await kv.exists("b:3")) throw new Error("a refused batch wrote b:3");
		const d = await kv.deleteMany(["b:1", "b:2", "b:none"]);
		if (d.deleted !== 2 || d.missing !== 1) throw new Error(JSON.stringify(d));

		// A submitted claimKey: granted once, then busy (null), then completed.
		await kv.set("job:1", {n: 1});
		const c = await kv.claimKey("job:1", {owner: "w"});
		if (c === null || c.owner !== "w" || c.entry.value.n !== 1) throw new Error(JSON.stringify(c));
		if ((await kv.claimKey("job:1")) !== null) throw new Error("claimed twice");
		if ((await kv.claimKey("job:none")) !== null) throw new Error("claimed a missing key");
		if (!(await kv.completeClaim(c))) throw new Error("completeClaim");
		if (await kv.exists("job:1")) throw new Error("completed job still there");`)
}

// slotBoundPerCommit is the most writes one commit could hold if each write
// kept a pool slot until its fsync (the design before submitted writes): the
// CPU pool's default size. More than that per commit shows writes do not hold
// slots; how far above it depends on scheduling, which a test must not time.
func slotBoundPerCommit() float64 {
	return float64(max(2*runtime.GOMAXPROCS(0), 4))
}
