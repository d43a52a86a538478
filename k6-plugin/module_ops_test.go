// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"testing"
)

// jsHelpers are the assertion helpers of the script-level tests.
const jsHelpers = `
	const assert = (c, m) => { if (!c) throw new Error(m); };
	const eq = (a, b, m) => assert(JSON.stringify(a) === JSON.stringify(b), m + ": " + JSON.stringify(a));
	const rejects = async (p, name, m) => {
		try { await p; } catch (e) { eq(e.name, name, m); return e; }
		throw new Error(m + ": did not reject");
	};
`

func TestOrderedOperations(t *testing.T) {
	r := newTestVU(t)
	run(t, r, `
		const kv = openKv(`+testOptions+`);
		`+jsHelpers+`
		await kv.deleteByPrefix({prefix: "o:", limit: 100000});
		for (const k of ["o:b", "o:a", "o:c", "o:a0", "o:B"]) await kv.set(k, {k});

		eq(await kv.listKeys({prefix: "o:"}), ["o:B", "o:a", "o:a0", "o:b", "o:c"], "listKeys: bytewise order");
		eq(await kv.list({prefix: "o:a", limit: 1}), [{key: "o:a", value: {k: "o:a"}}], "list with limit");
		eq(await kv.list({prefix: "o:zz"}), [], "list: nothing matches");
		await rejects(kv.list({limit: 250001}), "InvalidOptionsError", "list limit above the cap");
		await rejects(kv.listKeys({limit: 1.5}), "InvalidOptionsError", "fractional limit");
		await rejects(kv.list("o:"), "InvalidOptionsError", "options must be an object");

		// scan pages strictly after the cursor and ends with done.
		let page = await kv.scan({prefix: "o:", limit: 2});
		eq(page.entries.map((e) => e.key), ["o:B", "o:a"], "scan page 1");
		eq(page.done, false, "scan page 1 not done");
		assert(typeof page.cursor === "string" && page.cursor !== "", "cursor is an opaque string");
		page = await kv.scan({prefix: "o:", limit: 2, cursor: page.cursor});
		eq(page.entries, [{key: "o:a0", value: {k: "o:a0"}}, {key: "o:b", value: {k: "o:b"}}], "scan page 2");
		const keysPage = await kv.scanKeys({prefix: "o:", limit: 10, cursor: page.cursor});
		eq(keysPage.keys, ["o:c"], "scanKeys last page");
		eq(keysPage.done, true, "done");
		eq(keysPage.cursor, "", "the last page's cursor is \"\", as in xk6-kv");
		let loops = 0, seen = 0, cursor = "";
		do {
			const p = await kv.scan({prefix: "o:", limit: 2, cursor});
			seen += p.entries.length;
			cursor = p.cursor;
			assert(++loops <= 3, "xk6-kv's do/while (cursor !== \"\") loop ends");
		} while (cursor !== "");
		eq([loops, seen], [3, 5], "scan loop until the cursor is empty");
		eq((await kv.scanKeys({prefix: "o:none"})).cursor, "", "nothing matches: cursor \"\"");
		await rejects(kv.scanKeys({prefix: "x:", cursor: page.cursor}), "InvalidCursorError", "cursor of another prefix");
		await rejects(kv.scan({cursor: "garbage"}), "InvalidCursorError", "garbage cursor");
		const all = await kv.scanKeys({prefix: "o:"});
		eq([all.keys.length, all.done], [5, true], "limit omitted: everything in one page");

		eq(await kv.count({prefix: "o:"}), 5, "count by prefix");
		eq(await kv.count({prefix: "o:a"}), 2, "count by a longer prefix");
		assert(await kv.count() === await kv.size(), "count() is size()");

		const rk = await kv.randomKey({prefix: "o:"});
		assert(["o:B", "o:a", "o:a0", "o:b", "o:c"].includes(rk), "randomKey picks a matching key: " + rk);
		eq(await kv.randomKey({prefix: "o:none"}), "", "randomKey: empty string when none match");
		const some = await kv.randomKeys({prefix: "o:", count: 3});
		eq([some.length, new Set(some).size], [3, 3], "randomKeys: unique by default");
		eq((await kv.randomKeys({prefix: "o:", count: 50})).sort(), ["o:B", "o:a", "o:a0", "o:b", "o:c"], "more than match: all of them");
		eq((await kv.randomKeys({prefix: "o:a0", count: 4, unique: false})), ["o:a0", "o:a0", "o:a0", "o:a0"], "with repetition");
		eq(await kv.randomKeys({prefix: "o:none", count: 2}), [], "none match");
		await rejects(kv.randomKeys({count: 0}), "InvalidOptionsError", "count 0");
		await rejects(kv.randomKeys({count: 1000001}), "InvalidOptionsError", "count above the cap");
		await rejects(kv.randomKeys(), "InvalidOptionsError", "count is required");

		eq(await kv.rebuildKeyList(), true, "rebuildKeyList without trackKeys is a no-op");

		await rejects(kv.deleteByPrefix({prefix: "", limit: 10}), "InvalidOptionsError", "empty prefix");
		await rejects(kv.deleteByPrefix({prefix: "o:"}), "InvalidOptionsError", "limit required");
		await rejects(kv.deleteByPrefix({prefix: "o:", limit: 100001}), "InvalidOptionsError", "limit above the cap");
		eq(await kv.deleteByPrefix({prefix: "o:", limit: 3}), {deleted: 3, done: false}, "bounded delete");
		eq(await kv.deleteByPrefix({prefix: "o:", limit: 3}), {deleted: 2, done: true}, "done when none remain");
		eq(await kv.count({prefix: "o:"}), 0, "all gone");

		const stats = await kv.stats();
		eq([stats.backend, stats.serialization, stats.trackKeys, stats.index, stats.disk], ["memory", "json", false, null, null], "stats");
		assert(typeof stats.count === "number" && typeof stats.claims.live === "number" && typeof stats.claims.expired === "number", "stats counts");
		// No metrics registry outside k6 init (modulestest has one, but this is not a VU): reportStats rejects.
		await rejects(kv.reportStats(), "MetricsUnavailableError", "reportStats in the init context");
	`)
}

func TestClaimOperations(t *testing.T) {
	r := newTestVU(t)
	run(t, r, `
		const kv = openKv(`+testOptions+`);
		`+jsHelpers+`
		await kv.deleteByPrefix({prefix: "c:", limit: 100000});
		eq(await kv.claimRandom({prefix: "c:"}), null, "nothing to claim");
		eq(await kv.popRandom({prefix: "c:"}), null, "nothing to pop");
		eq(await kv.claimRandomMany({prefix: "c:", count: 3}), [], "nothing to claim (many)");
		eq(await kv.popRandomMany({prefix: "c:", count: 3}), [], "nothing to pop (many)");
		eq(await kv.claimKey("c:none"), null, "claimKey on a missing key");

		await kv.setMany({"c:1": {n: 1}, "c:2": {n: 2}, "c:3": {n: 3}});
		const before = Date.now();
		const c = await kv.claimKey("c:1", {owner: "w1", ttl: 5000});
		eq(Object.keys(c), ["id", "key", "token", "owner", "expiresAt", "entry"], "claim shape");
		eq([c.key, c.owner, c.entry], ["c:1", "w1", {key: "c:1", value: {n: 1}}], "claim fields");
		assert(typeof c.id === "string" && c.id !== "" && Number.isInteger(c.token) && c.token > 0, "id and token");
		assert(c.expiresAt >= before + 5000 && c.expiresAt <= Date.now() + 5000, "expiresAt is ms since the epoch");
		eq(await kv.claimKey("c:1"), null, "a live claim is exclusive");
		const noOwner = await kv.claimKey("c:2");
		assert(!("owner" in noOwner), "owner is left out when not given");
		eq(await kv.releaseClaim(noOwner), true, "release");

		const ak = await kv.claimKeys(["c:1", "c:2", "c:none"]);
		eq([ak.claimed.map((x) => x.key), ak.busy, ak.missing], [["c:2"], ["c:1"], ["c:none"]], "claimKeys");
		eq(await kv.releaseClaim(ak.claimed[0]), true, "release c:2");
		const aon = await kv.claimKeys(["c:2", "c:3", "c:1"], {allOrNothing: true});
		eq([aon.claimed, aon.busy, aon.missing], [[], ["c:1"], []], "allOrNothing: nothing claimed");
		eq((await kv.allocationStats({prefix: "c:"})), {prefix: "c:", total: 3, claimable: 2, claimedLive: 1, claimedExpired: 0,
			backend: "memory", trackKeys: false}, "allocationStats");
		const dup = await rejects(kv.claimKeys(["c:2", "c:2", ""]), "InvalidOptionsError", "duplicate and empty keys");
		eq(dup.errors.map((i) => [i.index, i.name]), [[1, "InvalidEntries"], [2, "EmptyKey"]], "claimKeys items");
		eq(await kv.claimKeys([]), {claimed: [], busy: [], missing: []}, "claimKeys([])");

		// renew keeps the token; stale refs resolve false.
		const renewedBefore = c.expiresAt;
		eq(await kv.renewClaim(c, {ttl: 60000}), true, "renew");
		eq(await kv.renewClaim({...c, token: c.token + 1000}), false, "renew with a stale token");
		eq(await kv.releaseClaim({...c, id: "other"}), false, "release with another id");
		await rejects(kv.renewClaim(c, {ttl: 0}), "InvalidOptionsError", "ttl 0");
		await rejects(kv.renewClaim(c, {ttl: 86400001}), "InvalidOptionsError", "ttl above 24h");
		await rejects(kv.releaseClaim({id: "x", key: "c:1", token: 0}), "InvalidOptionsError", "token 0");
		await rejects(kv.claimRandom({owner: "x".repeat(257)}), "InvalidOptionsError", "owner too long");
		await kv.claimRandom({prefix: "c:none", owner: "x".repeat(256)});
		await rejects(kv.claimKey(""), "InvalidOptionsError", "empty key");

		// completeClaim keeps the key with deleteKey false, deletes it by default.
		const c3 = await kv.claimKey("c:3");
		eq(await kv.completeClaim(c3, {deleteKey: false}), true, "complete, keep the key");
		eq(await kv.exists("c:3"), true, "kept");
		eq(await kv.completeClaim(c3), false, "completing twice");
		eq(await kv.completeClaim(c), true, "complete");
		eq(await kv.exists("c:1"), false, "deleted by default");

		// Batches.
		const many = await kv.claimRandomMany({prefix: "c:", count: 5, ttl: 1000});
		eq(many.map((x) => x.key).sort(), ["c:2", "c:3"], "claimRandomMany returns what is claimable");
		const renewed = await kv.renewClaims([many[0], {...many[1], token: 999999}], {ttl: 2000});
		eq([renewed.attempted, renewed.renewed, renewed.failed.length], [2, 1, 1], "renewClaims");
		eq(Object.keys(renewed.failed[0]), ["index", "id", "key", "name", "message"], "failed item shape");
		eq([renewed.failed[0].index, renewed.failed[0].id, renewed.failed[0].key, renewed.failed[0].name],
			[1, many[1].id, many[1].key, "ClaimNotUpdated"], "failed item");
		const released = await kv.releaseClaims([many[1]]);
		eq([released.attempted, released.released, released.failed], [1, 1, []], "releaseClaims");
		const completed = await kv.completeClaims([many[0], many[1]], {deleteKey: true});
		eq([completed.attempted, completed.completed, completed.failed.map((f) => f.index)], [2, 1, [1]], "completeClaims");
		const bad = await rejects(kv.completeClaims([many[1], {id: "", key: "k", token: 1}]), "InvalidOptionsError", "malformed ref");
		eq(bad.errors.map((i) => [i.index, i.name]), [[1, "InvalidEntries"]], "malformed ref item");
		eq(await kv.renewClaims([]), {attempted: 0, renewed: 0, failed: []}, "empty batch");

		// popRandom skips live claims and removes what it returns.
		await kv.setMany({"c:p1": 1, "c:p2": 2});
		const held = await kv.claimKey("c:p1");
		eq(await kv.popRandom({prefix: "c:p"}), {key: "c:p2", value: 2}, "pop skips the live claim");
		eq(await kv.popRandom({prefix: "c:p"}), null, "only a claimed key left");
		await kv.releaseClaim(held);
		eq(await kv.popRandomMany({prefix: "c:p", count: 10}), [{key: "c:p1", value: 1}], "popRandomMany");
		await rejects(kv.popRandomMany({prefix: "c:p"}), "InvalidOptionsError", "count required");
		await rejects(kv.popRandomMany({count: 1000001}), "InvalidOptionsError", "count above the cap");
		await kv.deleteByPrefix({prefix: "c:", limit: 100});
	`)
}
