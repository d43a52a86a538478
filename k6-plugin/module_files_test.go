// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Files that used to kill k6 itself (hostile-testing report D7, D23): a
// snapshot with crafted pages and a valid trailer crashed restore() inside
// LMDB (SIGSEGV, SIGFPE), a truncated store crashed openKv() (SIGBUS). The
// restore's page walk runs in a forked child; this checks that it works
// from a Go program (its runtime's signal handlers and threads) and that
// both become typed errors.
func TestDamagedFiles(t *testing.T) {
	var crafted [2][]byte
	for i, name := range []string{"crafted-snapshot-sigsegv.kvs", "crafted-snapshot-sigfpe.kvs"} {
		b, err := os.ReadFile(filepath.Join("..", "tests", "data", name))
		require.NoError(t, err)
		crafted[i] = b
	}
	if !inChild(t) {
		return
	}
	require.NoError(t, os.WriteFile("segv.kvs", crafted[0], 0o644))
	require.NoError(t, os.WriteFile("fpe.kvs", crafted[1], 0o644))

	r := newTestVU(t)
	run(t, r, `
		`+jsHelpers+`
		const kv = openKv({backend: "disk", path: "live.kv"});
		await kv.set("kept", 1);
		await rejects(kv.restore({fileName: "segv.kvs"}), "SnapshotReadError", "crafted pages that crash LMDB");
		await rejects(kv.restore({fileName: "fpe.kvs"}), "SnapshotReadError", "a page size of 0");
		eq(await kv.get("kept"), 1, "the store is untouched");
	`)
}

// openKv() of a truncated store file (an interrupted copy) threw SIGBUS
// inside LMDB and killed k6; now it throws DiskStoreOpenError.
func TestTruncatedStoreOpen(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "tests", "data", "crafted-snapshot-sigsegv.kvs"))
	require.NoError(t, err)
	if !inChild(t) {
		return
	}
	require.NoError(t, os.WriteFile("cut.kv", b[:5000], 0o644))
	r := newTestVU(t)
	run(t, r, `
		`+jsHelpers+`
		let threw = null;
		try { openKv({backend: "disk", path: "cut.kv", disk: {readOnly: true}}); } catch (e) { threw = e; }
		assert(threw !== null, "openKv of a truncated store throws");
		eq(threw.name, "DiskStoreOpenError", "the error");
		assert(threw.message.includes("truncated"), "says why: " + threw.message);
	`)
}
