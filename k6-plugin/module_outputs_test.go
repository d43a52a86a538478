// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// What backup(), exportJSONL() and exportCSV() may replace, seen from a
// script: only regular files, never the store's own files, and a missing
// directory is created as in xk6-kv. The nodes are scratch ones in the
// child's temporary directory (a FIFO, a unix socket, a symlink); never a
// real device.
func TestOutputsDisk(t *testing.T) {
	if !inChild(t) {
		return
	}
	require.NoError(t, syscall.Mkfifo("fifo1", 0o600))
	l, err := net.Listen("unix", "sock1")
	require.NoError(t, err)
	defer l.Close()
	require.NoError(t, os.WriteFile("target1", []byte("precious\n"), 0o644))
	require.NoError(t, os.Symlink("target1", "link1"))
	require.NoError(t, os.WriteFile("secret.kvs", nil, 0o600))
	require.NoError(t, os.WriteFile("secret.jsonl", nil, 0o640))

	r := newTestVU(t)
	run(t, r, `
		// As in xk6-kv: the store's directory is created.
		const kv = openKv({backend: "disk", path: "./data/custom.kv", disk: {noSync: true}});
		`+jsHelpers+`
		await kv.setMany({a: {n: 1}, b: {n: 2}, c: {n: 3}});
		const csv = (fileName) => kv.exportCSV({fileName, columns: ["n"]});
		const writers = [
			["backup", (fileName) => kv.backup({fileName})],
			["exportJSONL", (fileName) => kv.exportJSONL({fileName})],
			["exportCSV", csv],
		];

		// A missing directory of backup()'s fileName and of the exports is created.
		eq((await kv.backup({fileName: "./snapshots/run.kv"})).totalEntries, 3, "backup into a new directory");
		eq((await kv.exportJSONL({fileName: "./exports/jsonl/all.jsonl"})).exported, 3, "exportJSONL into a new directory");
		eq((await csv("./exports/csv/all.csv")).exported, 3, "exportCSV into a new directory");
		eq((await kv.restore({fileName: "./snapshots/run.kv"})).totalEntries, 3, "the backup restores");

		for (const [name, write] of writers) {
			for (const node of ["fifo1", "sock1", "link1"]) {
				await rejects(write(node), "SnapshotExportError", name + " onto " + node);
			}
			await rejects(write("./data/custom.kv-lock"), "SnapshotExportError", name + " onto the store's lock file");
			await rejects(write("./snapshots/run.kv-lock"), "SnapshotExportError", name + " onto a snapshot's lock name");
		}
		await rejects(kv.exportJSONL({fileName: "./data/custom.kv"}), "SnapshotExportError", "exportJSONL onto the store");
		await rejects(csv("./data/custom.kv"), "SnapshotExportError", "exportCSV onto the store");
		eq((await kv.backup({fileName: "./data/custom.kv"})).noOp, true, "backup onto the store is the no-op");
		eq(await kv.size(), 3, "the store is whole");
		await kv.set("d", {n: 4});
		eq(await kv.get("d"), {n: 4}, "and still the file writes go to");

		await kv.backup({fileName: "secret.kvs"});
		await kv.exportJSONL({fileName: "secret.jsonl"});
		kv.close();
	`)
	for _, node := range []struct {
		name string
		mode os.FileMode
	}{{"fifo1", os.ModeNamedPipe}, {"sock1", os.ModeSocket}, {"link1", os.ModeSymlink}} {
		fi, err := os.Lstat(node.name)
		require.NoError(t, err)
		require.Equal(t, node.mode, fi.Mode().Type(), node.name+" left as it was")
	}
	target, err := os.ReadFile("target1")
	require.NoError(t, err)
	require.Equal(t, "precious\n", string(target))
	for name, mode := range map[string]os.FileMode{"secret.kvs": 0o600, "secret.jsonl": 0o640} {
		fi, err := os.Stat(name)
		require.NoError(t, err)
		require.Equal(t, mode, fi.Mode().Perm(), name+" keeps its mode")
		require.NotZero(t, fi.Size(), name+" was written")
	}
	fi, err := os.Stat("data")
	require.NoError(t, err)
	require.True(t, fi.IsDir())
}
