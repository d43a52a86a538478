// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// The snapshot tests replace the whole store (restore) and need a backend of
// their own, so each runs in a child process (like TestStringMode), in a
// temporary working directory: backup() without a fileName writes ./.k6.kv.

// inChild reports whether this is the child run of test; otherwise it runs
// the child and checks that it passed.
func inChild(t *testing.T) bool {
	t.Helper()
	const env = "KV_TEST_CHILD"
	if os.Getenv(env) == t.Name() {
		t.Chdir(t.TempDir())
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), env+"="+t.Name())
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	return false
}

func TestSnapshotsMemory(t *testing.T) {
	if !inChild(t) {
		return
	}
	// importJSONL is batch-atomic: a bad 4th line with batches of 2 keeps
	// the first batch only. (Scripts cannot write files; the test can.)
	require.NoError(t, os.WriteFile("partial.jsonl", []byte(
		`{"key":"p:1","value":1}`+"\n"+`{"key":"p:2","value":2}`+"\n"+
			`{"key":"p:3","value":3}`+"\n"+`{"key":"p:4"}`+"\n"), 0o644))

	r := newTestVU(t)
	run(t, r, `
		const kv = openKv({backend: "memory", memory: {shardCount: 4}});
		`+jsHelpers+`
		const users = {};
		for (let i = 0; i < 50; i++) users["u:" + i] = {id: i, name: "ü" + i, tags: [i, null, true]};
		await kv.setMany(users);
		await kv.set("counter", 7);
		await kv.set("s", "text");
		const N = 52;

		// backup: an explicit file, a best-effort one, the default file.
		const b = await kv.backup({fileName: "snap.kv"});
		eq(Object.keys(b), ["fileName", "totalEntries", "bytesWritten", "bestEffort", "noOp"], "backup summary fields");
		eq([b.fileName, b.totalEntries, b.bestEffort, b.noOp], ["snap.kv", N, false, false], "backup summary");
		assert(Number.isInteger(b.bytesWritten) && b.bytesWritten > 0, "bytesWritten is the file size");
		const be = await kv.backup({fileName: "be.kv", allowConcurrentWrites: true});
		eq([be.bestEffort, typeof be.warning, be.totalEntries], [true, "string", N], "best effort backup has a warning");
		const d = await kv.backup();
		eq([d.fileName, d.noOp, d.totalEntries], ["./.k6.kv", false, N], "memory: the default file is ./.k6.kv");
		eq((await kv.backup({fileName: ""})).fileName, "./.k6.kv", "an empty fileName is the default too");

		await rejects(kv.backup({fileName: "x.kv", maxEntries: N - 1}), "SnapshotBudgetExceededError", "backup over maxEntries");
		await rejects(kv.backup({fileName: "x.kv", maxBytes: 10}), "SnapshotBudgetExceededError", "backup over maxBytes");
		eq((await kv.backup({fileName: "x.kv", maxEntries: N})).totalEntries, N, "backup at the budget");
		// As in xk6-kv, a budget <= 0 is no budget.
		eq((await kv.backup({fileName: "x.kv", maxEntries: -1, maxBytes: 0})).totalEntries, N, "negative budget: no guard");
		await rejects(kv.backup("x.kv"), "InvalidOptionsError", "options must be an object");
		await rejects(kv.backup({allowConcurrentWrites: "yes"}), "InvalidOptionsError", "wrong type");
		await rejects(kv.backup({fileName: "snap.kv/no/dir/x.kv"}), "SnapshotExportError", "a directory cannot be made under a file");

		// restore replaces every key and drops claims.
		await kv.set("u:0", "changed");
		await kv.set("extra", 1);
		assert((await kv.claimKey("u:1")) !== null, "claimed");
		const r = await kv.restore({fileName: "snap.kv"});
		eq(r, {fileName: "snap.kv", totalEntries: N, bytesRead: b.bytesWritten, noOp: false}, "restore summary");
		eq(await kv.get("u:0"), {id: 0, name: "ü0", tags: [0, null, true]}, "value restored");
		eq([await kv.exists("extra"), await kv.size()], [false, N], "keys not in the snapshot are gone");
		eq((await kv.allocationStats()).claimedLive, 0, "claims are dropped");
		await kv.clear();
		const rd = await kv.restore();
		eq([rd.fileName, rd.totalEntries, rd.noOp, await kv.get("s")], ["./.k6.kv", N, false, "text"], "restore from the default file");

		await rejects(kv.restore({fileName: "missing.kv"}), "SnapshotNotFoundError", "missing snapshot");
		await rejects(kv.restore({fileName: "snap.kv", maxEntries: N - 1}), "SnapshotBudgetExceededError", "restore over maxEntries");
		await rejects(kv.restore({fileName: "snap.kv", maxBytes: 100}), "SnapshotBudgetExceededError", "restore over maxBytes");
		eq((await kv.restore({fileName: "snap.kv", maxBytes: -5})).totalEntries, N, "negative budget: no guard");
		await rejects(kv.restore({fileName: "partial.jsonl"}), "SnapshotReadError", "a JSONL file is not a snapshot");
		eq(await kv.size(), N, "failed restores leave the store untouched");

		// JSON Lines.
		const ex = await kv.exportJSONL({fileName: "all.jsonl"});
		eq(Object.keys(ex), ["exported", "fileName", "bytesWritten"], "export summary fields");
		eq([ex.exported, ex.fileName], [N, "all.jsonl"], "exportJSONL");
		eq((await kv.exportJSONL({fileName: "u.jsonl", prefix: "u:1", limit: 5})).exported, 5, "prefix and limit");
		eq(await kv.validateJSONL({fileName: "all.jsonl"}),
			{valid: true, records: N, bytesRead: ex.bytesWritten, checkedAll: true}, "validateJSONL");
		const cut = await kv.validateJSONL({fileName: "all.jsonl", limit: 5});
		eq([cut.valid, cut.records, cut.checkedAll], [true, 5, false], "validateJSONL with a limit");
		const bad = await kv.validateJSONL({fileName: "snap.kv"});
		eq([bad.valid, bad.records, bad.checkedAll, bad.firstError.line, bad.firstError.name],
			[false, 0, false, 1, "ValueParseError"], "an LMDB file is not JSONL");
		eq(Object.keys(bad.firstError), ["line", "name", "message"], "firstError fields");
		const partial = await kv.validateJSONL({fileName: "partial.jsonl"});
		eq([partial.valid, partial.records, partial.firstError.line], [false, 3, 4], "first problem on line 4");
		await rejects(kv.validateJSONL({fileName: "missing.jsonl"}), "SnapshotNotFoundError", "validate a missing file");
		await rejects(kv.validateJSONL({fileName: "all.jsonl", limit: 1000001}), "InvalidOptionsError", "validate limit cap");

		await kv.clear();
		eq(await kv.importJSONL({fileName: "all.jsonl", batchSize: 7}),
			{imported: N, fileName: "all.jsonl", bytesRead: ex.bytesWritten}, "importJSONL");
		eq([await kv.size(), await kv.get("u:3"), await kv.get("counter")], [N, users["u:3"], 7], "imported values");
		await kv.clear();
		eq((await kv.importJSONL({fileName: "all.jsonl", limit: 3})).imported, 3, "import limit");
		const e = await rejects(kv.importJSONL({fileName: "partial.jsonl", batchSize: 2}), "ValueParseError", "bad line");
		assert(e.message.includes("line 4") && e.message.includes("2 records"), "line and progress: " + e.message);
		eq([await kv.exists("p:2"), await kv.exists("p:3")], [true, false], "batch-atomic");
		await rejects(kv.importJSONL({fileName: "snap.kv"}), "ValueParseError", "binary input");
		await rejects(kv.importJSONL({fileName: "missing.jsonl"}), "SnapshotNotFoundError", "import a missing file");
		await rejects(kv.importJSONL({fileName: "all.jsonl", batchSize: 10001}), "InvalidOptionsError", "batchSize cap");
		await rejects(kv.exportJSONL({fileName: "x.jsonl", limit: 1000001}), "InvalidOptionsError", "export limit cap");
		await rejects(kv.exportJSONL({prefix: "u:"}), "InvalidOptionsError", "fileName required");
		await rejects(kv.importJSONL(), "InvalidOptionsError", "options required");
		await rejects(kv.exportJSONL({fileName: "snap.kv/no/dir/x.jsonl"}), "SnapshotExportError", "a directory cannot be made under a file");

		// A closed handle rejects every call, validateJSONL included.
		const closed = openKv({backend: "memory", memory: {shardCount: 4}});
		closed.close();
		for (const [name, arg] of [["backup", {fileName: "c.kv"}], ["restore", {fileName: "snap.kv"}],
				["exportJSONL", {fileName: "c.jsonl"}], ["importJSONL", {fileName: "all.jsonl"}],
				["validateJSONL", {fileName: "all.jsonl"}]]) {
			await rejects(closed[name](arg), "StoreClosedError", name + " on a closed handle");
		}
		kv.close();
	`)
}

// On the disk backend the live file is the data: backup() and restore()
// without a fileName are no-ops, and backups are consistent whatever
// allowConcurrentWrites says.
func TestSnapshotsDisk(t *testing.T) {
	if !inChild(t) {
		return
	}
	r := newTestVU(t)
	run(t, r, `
		const kv = openKv({backend: "disk", path: "./live.kv", disk: {noSync: true}});
		`+jsHelpers+`
		await kv.setMany({a: 1, b: {x: [1, 2]}, c: "three"});

		const live = await kv.backup();
		eq([live.fileName, live.noOp, live.totalEntries, live.bestEffort], ["./live.kv", true, 3, false], "backup(): the live file");
		assert(live.bytesWritten > 0, "the live file's size");
		eq((await kv.backup({fileName: "./live.kv"})).noOp, true, "naming the live file is a no-op too");
		const back = await kv.restore();
		eq([back.fileName, back.noOp, back.totalEntries], ["./live.kv", true, 3], "restore(): no-op");

		const copy = await kv.backup({fileName: "copy.kv", allowConcurrentWrites: true});
		eq([copy.noOp, copy.bestEffort, copy.totalEntries, "warning" in copy], [false, false, 3, false], "disk backups are consistent");
		await kv.set("a", 100);
		await kv.delete("c");
		await kv.set("d", 4);
		eq((await kv.restore({fileName: "copy.kv"})).totalEntries, 3, "restore");
		eq(await kv.list(), [{key: "a", value: 1}, {key: "b", value: {x: [1, 2]}}, {key: "c", value: "three"}], "restored exactly");

		eq((await kv.exportJSONL({fileName: "d.jsonl"})).exported, 3, "exportJSONL on disk");
		await kv.clear();
		eq((await kv.importJSONL({fileName: "d.jsonl"})).imported, 3, "importJSONL on disk");
		eq(await kv.get("b"), {x: [1, 2]}, "imported");
		kv.close();
	`)
}
