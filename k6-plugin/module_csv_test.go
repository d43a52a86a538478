// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// The CSV tests run in child processes (see inChild in
// module_snapshot_test.go): each needs a backend of its own and a temporary
// working directory for its files. Scripts cannot write files, so the
// malformed inputs are written here.

func writeCSVFixtures(t *testing.T) {
	t.Helper()
	for name, text := range map[string]string{
		"ragged.csv":     "key,name\r\nr:1,a\r\nr:2,b,extra\r\nr:3,c\r\n",
		"open-quote.csv": "key,name\nq:1,\"never closed\n",
		"partial.csv":    "key,v\nk1,1\nk2,2\nk3,3\nk4,4,x\nk5,5\n",
		"no-header.csv":  "id1;Alice;30\nid2;Bob;\"3;1\"\n",
		"header.csv":     "key,name\r\n",
		"empty-key.csv":  "key,name\n,nobody\n",
	} {
		require.NoError(t, os.WriteFile(name, []byte(text), 0o644))
	}
}

// csvScript is the part of the CSV test that runs on every backend; kv is open and empty.
const csvScript = `
	const users = {};
	for (let i = 0; i < 20; i++) {
		const u = {name: "user " + i, age: 20 + i, active: i % 2 === 0, zip: "00" + (100 + i)};
		if (i % 3 === 0) u.note = 'says "hi", then\r\nleaves';
		if (i % 4 === 0) u.email = null;
		users["user:" + String(i).padStart(2, "0")] = u;
	}
	await kv.setMany(users);
	await kv.set("other:list", [1, 2]); // not a row, outside the prefix (cleared below)
	const N = 20;
	const columns = ["name", "age", "active", "zip", "note", "email"];
	// What importCSV gives back: every cell a string, missing and null members "".
	const asRow = (u) => {
		const row = {};
		for (const c of [...columns].sort()) row[c] = u[c] === undefined || u[c] === null ? "" : String(u[c]);
		return row;
	};

	// export → validate → import.
	const ex = await kv.exportCSV({fileName: "users.csv", columns, prefix: "user:"});
	eq(Object.keys(ex), ["exported", "fileName", "bytesWritten"], "export summary fields");
	eq([ex.exported, ex.fileName], [N, "users.csv"], "exportCSV");
	assert(Number.isInteger(ex.bytesWritten) && ex.bytesWritten > 0, "bytesWritten");
	const v = await kv.validateCSV({fileName: "users.csv", keyColumn: "key"});
	eq(v, {valid: true, rows: N, bytesRead: ex.bytesWritten, checkedAll: true}, "validateCSV");
	eq(await kv.validateCSV({fileName: "users.csv"}), v, "validateCSV without keyColumn");
	const cut = await kv.validateCSV({fileName: "users.csv", limit: 5});
	eq([cut.valid, cut.rows, cut.checkedAll, "firstError" in cut], [true, 5, false, false], "validateCSV with a limit");
	eq((await kv.validateCSV({fileName: "users.csv", limit: N})).checkedAll, true, "a limit at the end checks all");

	await kv.clear();
	eq(await kv.importCSV({fileName: "users.csv", keyColumn: "key", batchSize: 7}),
		{imported: N, fileName: "users.csv", bytesRead: ex.bytesWritten}, "importCSV");
	eq(await kv.size(), N, "every row imported");
	for (const [k, u] of Object.entries(users)) eq(await kv.get(k), asRow(u), "row " + k);
	eq((await kv.get("user:03")).note, 'says "hi", then\r\nleaves', "quotes, commas and CRLF survive");
	eq((await kv.get("user:00")).zip, "00100", "CSV carries no types: leading zeros stay");
	await kv.clear();
	eq((await kv.importCSV({fileName: "users.csv", keyColumn: "key", limit: 3})).imported, 3, "import limit");
	eq(await kv.listKeys(), ["user:00", "user:01", "user:02"], "the first rows, in file order");

	// Another delimiter, no key column, a limit; then keyed by another column.
	await kv.setMany(users);
	const semi = await kv.exportCSV({fileName: "semi.csv", columns: ["name", "zip"], prefix: "user:1",
		delimiter: ";", includeKey: false, limit: 4});
	eq(semi.exported, 4, "prefix and limit");
	eq((await kv.validateCSV({fileName: "semi.csv", keyColumn: "zip", delimiter: ";"})).rows, 4, "validate with ';'");
	const wrongDelimiter = await kv.validateCSV({fileName: "semi.csv", keyColumn: "zip"});
	eq([wrongDelimiter.valid, wrongDelimiter.firstError.row, wrongDelimiter.firstError.name],
		[false, 1, "InvalidOptionsError"], "read with ',' there is one column, named 'name;zip'");
	eq((await kv.importCSV({fileName: "semi.csv", keyColumn: "zip", delimiter: ";"})).imported, 4, "import with ';'");
	eq(await kv.get("00110"), {name: "user 10"}, "keyed by zip; the key column is not repeated");
	const tab = await kv.exportCSV({fileName: "tab.tsv", columns: ["note", "name"], prefix: "user:0", delimiter: "\t"});
	await kv.deleteByPrefix({prefix: "user:0", limit: 100});
	eq((await kv.importCSV({fileName: "tab.tsv", keyColumn: "key", delimiter: "\t"})).bytesRead, tab.bytesWritten, "tabs");
	eq(await kv.get("user:06"), {name: "user 6", note: users["user:06"].note}, "tab round trip");

	// Content errors.
	const ragged = await kv.validateCSV({fileName: "ragged.csv", keyColumn: "key"});
	eq([ragged.valid, ragged.rows, ragged.checkedAll], [false, 1, false], "ragged: one good row");
	eq(Object.keys(ragged.firstError), ["row", "name", "message"], "firstError fields");
	eq([ragged.firstError.row, ragged.firstError.name], [3, "ValueParseError"], "ragged: row 3 (the header is row 1)");
	assert(ragged.firstError.message.includes("3 fields"), ragged.firstError.message);
	const re = await rejects(kv.importCSV({fileName: "ragged.csv", keyColumn: "key"}), "ValueParseError", "import a ragged row");
	assert(re.message.includes("row 3"), re.message);
	eq(await kv.exists("r:1"), false, "the batch holding the bad row is not written");
	const open = await kv.validateCSV({fileName: "open-quote.csv"});
	eq([open.valid, open.firstError.name], [false, "ValueParseError"], "an unclosed quote");
	await rejects(kv.importCSV({fileName: "open-quote.csv", keyColumn: "key"}), "ValueParseError", "import an unclosed quote");
	const emptyKey = await kv.validateCSV({fileName: "empty-key.csv", keyColumn: "key"});
	eq([emptyKey.valid, emptyKey.firstError.row, emptyKey.firstError.name], [false, 2, "ValueParseError"], "an empty key");
	eq((await kv.validateCSV({fileName: "empty-key.csv"})).valid, true, "no key column, no key check");
	const noColumn = await kv.validateCSV({fileName: "users.csv", keyColumn: "id"});
	eq([noColumn.valid, noColumn.firstError.row, noColumn.firstError.name], [false, 1, "InvalidOptionsError"], "keyColumn not in the header");
	await rejects(kv.importCSV({fileName: "users.csv", keyColumn: "id"}), "InvalidOptionsError", "import: keyColumn not in the header");
	eq(await kv.validateCSV({fileName: "header.csv", keyColumn: "key"}),
		{valid: true, rows: 0, bytesRead: 10, checkedAll: true}, "a header alone");
	eq((await kv.importCSV({fileName: "header.csv", keyColumn: "key"})).imported, 0, "import a header alone");
	const numbered = await kv.validateCSV({fileName: "semi.csv", keyColumn: "key", hasHeader: false});
	eq(numbered.firstError.name, "InvalidOptionsError", "without a header, keyColumn is a column number");

	// Batch-atomic: rows k1..k2 (batch 1) stay, batch 2 holding the bad row 5 is not written.
	const pe = await rejects(kv.importCSV({fileName: "partial.csv", keyColumn: "key", batchSize: 2}), "ValueParseError", "bad row");
	assert(pe.message.includes("row 5") && pe.message.includes("2 rows"), "row and progress: " + pe.message);
	eq([await kv.get("k2"), await kv.exists("k3")], [{v: "2"}, false], "batch-atomic");

	// Without a header columns are named by their 1-based position.
	eq((await kv.importCSV({fileName: "no-header.csv", keyColumn: "1", hasHeader: false, delimiter: ";"})).imported, 2, "no header");
	eq(await kv.get("id2"), {"2": "Bob", "3": "3;1"}, "columns named 1, 2, 3");
	eq((await kv.validateCSV({fileName: "no-header.csv", hasHeader: false, delimiter: ";"})).rows, 2, "validate without a header");

	// Values that are not flat objects.
	await kv.set("user:nested", {name: "n", tags: ["a"]});
	const ne = await rejects(kv.exportCSV({fileName: "users.csv", columns: ["name", "tags"], prefix: "user:"}),
		"UnsupportedValueTypeError", "a nested value");
	assert(ne.message.includes("user:nested") && ne.message.includes("tags"), ne.message);
	eq((await kv.validateCSV({fileName: "users.csv"})).rows, N, "a failed export leaves the old file");
	await kv.set("user:nested", "a string");
	await rejects(kv.exportCSV({fileName: "x.csv", columns: ["name"], prefix: "user:"}), "UnsupportedValueTypeError", "a string value");
	await kv.set("other:list", [1, 2]);
	await rejects(kv.exportCSV({fileName: "x.csv", columns: ["name"], prefix: "other:"}), "UnsupportedValueTypeError", "an array value");
	eq((await kv.exportCSV({fileName: "x.csv", columns: ["name"], prefix: "none:"})).exported, 0, "nothing matches: a header only");

	// Files that cannot be read or written.
	await rejects(kv.importCSV({fileName: "missing.csv", keyColumn: "key"}), "SnapshotNotFoundError", "import a missing file");
	await rejects(kv.validateCSV({fileName: "missing.csv"}), "SnapshotNotFoundError", "validate a missing file");
	await rejects(kv.exportCSV({fileName: "x.csv/no/dir/x.csv", columns: ["name"], prefix: "none:"}), "SnapshotExportError", "a directory cannot be made under a file");

	// Options: shapes here, ranges and content in libkv; all InvalidOptionsError.
	for (const [what, call] of [
		["no options", () => kv.exportCSV()],
		["no columns", () => kv.exportCSV({fileName: "x.csv"})],
		["empty columns", () => kv.exportCSV({fileName: "x.csv", columns: []})],
		["a column that is not a string", () => kv.exportCSV({fileName: "x.csv", columns: ["a", 1]})],
		["repeated columns (libkv)", () => kv.exportCSV({fileName: "x.csv", columns: ["a", "a"]})],
		["an empty column name (libkv)", () => kv.exportCSV({fileName: "x.csv", columns: [""]})],
		["a quote delimiter (libkv)", () => kv.exportCSV({fileName: "x.csv", columns: ["a"], delimiter: '"'})],
		["a CR delimiter (libkv)", () => kv.importCSV({fileName: "users.csv", keyColumn: "key", delimiter: "\r"})],
		["an LF delimiter (libkv)", () => kv.validateCSV({fileName: "users.csv", delimiter: "\n"})],
		["a two-character delimiter", () => kv.exportCSV({fileName: "x.csv", columns: ["a"], delimiter: ", "})],
		["a multi-byte delimiter", () => kv.importCSV({fileName: "users.csv", keyColumn: "key", delimiter: "§"})],
		["an empty delimiter", () => kv.validateCSV({fileName: "users.csv", delimiter: ""})],
		["export limit cap (libkv)", () => kv.exportCSV({fileName: "x.csv", columns: ["a"], limit: 1000001})],
		["import limit cap (libkv)", () => kv.importCSV({fileName: "users.csv", keyColumn: "key", limit: 1000001})],
		["batchSize cap (libkv)", () => kv.importCSV({fileName: "users.csv", keyColumn: "key", batchSize: 10001})],
		["validate limit cap (libkv)", () => kv.validateCSV({fileName: "users.csv", limit: 1000001})],
		["no keyColumn", () => kv.importCSV({fileName: "users.csv"})],
		["an empty keyColumn", () => kv.validateCSV({fileName: "users.csv", keyColumn: ""})],
		["hasHeader not a boolean", () => kv.validateCSV({fileName: "users.csv", hasHeader: "no"})],
		["includeKey not a boolean", () => kv.exportCSV({fileName: "x.csv", columns: ["a"], includeKey: 1})],
	]) await rejects(call(), "InvalidOptionsError", what);
	const md = await rejects(kv.exportCSV({fileName: "x.csv", columns: ["a"], delimiter: "é"}), "InvalidOptionsError", "é");
	assert(md.message.includes("ASCII") && md.message.includes("2 bytes"), md.message);
`

func TestCSVMemory(t *testing.T) {
	if !inChild(t) {
		return
	}
	writeCSVFixtures(t)
	r := newTestVU(t)
	run(t, r, `
		const kv = openKv({backend: "memory", memory: {shardCount: 4}});
		`+jsHelpers+csvScript+`
		// A closed handle rejects every call, even on a file without data rows.
		const closed = openKv({backend: "memory", memory: {shardCount: 4}});
		closed.close();
		for (const [name, arg] of [["exportCSV", {fileName: "c.csv", columns: ["name"]}],
				["importCSV", {fileName: "header.csv", keyColumn: "key"}],
				["validateCSV", {fileName: "header.csv"}]]) {
			await rejects(closed[name](arg), "StoreClosedError", name + " on a closed handle");
		}
		kv.close();
	`)
}

func TestCSVDisk(t *testing.T) {
	if !inChild(t) {
		return
	}
	writeCSVFixtures(t)
	r := newTestVU(t)
	run(t, r, `
		const kv = openKv({backend: "disk", path: "./csv.kv", disk: {noSync: true}});
		`+jsHelpers+csvScript+`
		kv.close();
	`)
}

// In string mode values are text, not rows: exportCSV refuses the store and
// importCSV stores each row as the JSON text of its object.
func TestCSVStringMode(t *testing.T) {
	if !inChild(t) {
		return
	}
	writeCSVFixtures(t)
	r := newTestVU(t)
	run(t, r, `
		const kv = openKv({backend: "memory", serialization: "string"});
		`+jsHelpers+`
		await kv.set("a", "text");
		await rejects(kv.exportCSV({fileName: "s.csv", columns: ["name"]}), "UnsupportedValueTypeError", "export in string mode");
		eq((await kv.importCSV({fileName: "no-header.csv", keyColumn: "1", hasHeader: false, delimiter: ";"})).imported, 2, "import");
		eq(await kv.get("id1"), '{"2":"Alice","3":"30"}', "a row is stored as its JSON text");
		kv.close();
	`)
}
