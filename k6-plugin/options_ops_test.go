// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"testing"

	"github.com/grafana/sobek"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func requireInvalid(t *testing.T, kerr *kvError, src string) {
	t.Helper()
	require.NotNil(t, kerr, src)
	assert.Equal(t, nameInvalidOptions, kerr.Name, src)
}

func TestParsePageOptions(t *testing.T) {
	rt := sobek.New()
	for src, want := range map[string]pageOptions{
		`undefined`:                 {},
		`{}`:                        {},
		`{prefix: "u:", limit: 10}`: {prefix: "u:", limit: 10},
		`{prefix: "u:", limit: -1, cursor: "abc"}`: {prefix: "u:", limit: -1, cursor: "abc"},
		`{limit: 10.0, cursor: null}`:              {limit: 10},
		`{limit: 99999999}`:                        {limit: 99999999}, // libkv rejects it, not us
	} {
		o, kerr := parsePageOptions("scan", eval(t, rt, src), true)
		require.Nil(t, kerr, src)
		assert.Equal(t, want, o, src)
	}
	o, kerr := parsePageOptions("list", eval(t, rt, `{cursor: "ignored"}`), false)
	require.Nil(t, kerr)
	assert.Equal(t, "", o.cursor, "list() has no cursor")

	for _, src := range []string{
		`"u:"`, `[]`, `{prefix: 1}`, `{prefix: "a\u0000"}`, `{limit: 1.5}`, `{limit: "10"}`,
		`{limit: NaN}`, `{limit: Infinity}`, `{cursor: 5}`,
	} {
		_, kerr := parsePageOptions("scan", eval(t, rt, src), true)
		requireInvalid(t, kerr, src)
	}
}

func TestParseDeleteByPrefixOptions(t *testing.T) {
	rt := sobek.New()
	o, kerr := parseDeleteByPrefixOptions(eval(t, rt, `{prefix: "tmp:", limit: 1000}`))
	require.Nil(t, kerr)
	assert.Equal(t, deleteByPrefixOptions{prefix: "tmp:", limit: 1000}, o)
	for _, src := range []string{
		`undefined`, `{}`, `{prefix: "tmp:"}`, `{limit: 5}`, `{prefix: "", limit: 5}`,
		`{prefix: "tmp:", limit: 0}`, `{prefix: "tmp:", limit: -3}`, `{prefix: "tmp:", limit: 2.5}`,
	} {
		_, kerr := parseDeleteByPrefixOptions(eval(t, rt, src))
		requireInvalid(t, kerr, src)
	}
}

// Issue 10, D4: an option string with a lone surrogate was read as U+FFFD, so
// deleteByPrefix({prefix: "\ud800"}) deleted the keys starting with U+FFFD.
func TestOptionStringsMustBeUnicode(t *testing.T) {
	rt := sobek.New()
	for _, src := range []string{`{prefix: "\ud800", limit: 5}`, `{prefix: "a\udc00b", limit: 5}`} {
		_, kerr := parseDeleteByPrefixOptions(eval(t, rt, src))
		requireInvalid(t, kerr, src)
		assert.Contains(t, kerr.Message, "lone surrogates", src)
	}
	_, kerr := parsePageOptions("scan", eval(t, rt, `{prefix: "\udbff"}`), true)
	requireInvalid(t, kerr, "scan prefix")
	o, kerr := parseDeleteByPrefixOptions(eval(t, rt, `{prefix: "\ufffd\ud83d\ude00", limit: 5}`))
	require.Nil(t, kerr, "U+FFFD and pairs are text")
	assert.Equal(t, "\ufffd😀", o.prefix)
}

func TestParseRandomKeysOptions(t *testing.T) {
	rt := sobek.New()
	o, kerr := parseRandomKeysOptions(eval(t, rt, `{count: 3}`))
	require.Nil(t, kerr)
	assert.Equal(t, randomKeysOptions{count: 3, unique: true}, o, "unique defaults to true")
	o, kerr = parseRandomKeysOptions(eval(t, rt, `{prefix: "u:", count: 3, unique: false}`))
	require.Nil(t, kerr)
	assert.Equal(t, randomKeysOptions{prefix: "u:", count: 3}, o)
	for _, src := range []string{`undefined`, `{}`, `{count: 0}`, `{count: -1}`, `{count: 1.5}`, `{count: 2, unique: "yes"}`} {
		_, kerr := parseRandomKeysOptions(eval(t, rt, src))
		requireInvalid(t, kerr, src)
	}
}

func TestParseClaimOptions(t *testing.T) {
	rt := sobek.New()
	owner := "worker-1"
	for src, want := range map[string]leaseOptions{
		`undefined`:                      {},
		`{}`:                             {},
		`{ttl: 1}`:                       {ttlMs: 1},
		`{ttl: 86400000}`:                {ttlMs: maxTTLMs},
		`{owner: "worker-1", ttl: 5000}`: {owner: &owner, ttlMs: 5000},
		`{prefix: "job:", owner: null}`:  {prefix: "job:"},
	} {
		o, kerr := parseClaimOptions("claimRandom", eval(t, rt, src), true, false, false)
		require.Nil(t, kerr, src)
		assert.Equal(t, want, o, src)
	}
	for _, src := range []string{
		`{ttl: 0}`, `{ttl: -5}`, `{ttl: 1.5}`, `{ttl: 86400001}`, `{ttl: "30s"}`,
		`{owner: 7}`, `{owner: "a\u0000b"}`, `{prefix: false}`, `5`,
	} {
		_, kerr := parseClaimOptions("claimRandom", eval(t, rt, src), true, false, false)
		requireInvalid(t, kerr, src)
	}

	o, kerr := parseClaimOptions("claimRandomMany", eval(t, rt, `{count: 4, ttl: 100}`), true, true, false)
	require.Nil(t, kerr)
	assert.Equal(t, leaseOptions{count: 4, ttlMs: 100}, o)
	for _, src := range []string{`undefined`, `{}`, `{count: 0}`, `{count: "4"}`} {
		_, kerr := parseClaimOptions("claimRandomMany", eval(t, rt, src), true, true, false)
		requireInvalid(t, kerr, src)
	}

	o, kerr = parseClaimOptions("claimKeys", eval(t, rt, `{allOrNothing: true}`), false, false, true)
	require.Nil(t, kerr)
	assert.True(t, o.allOrNothing)
	_, kerr = parseClaimOptions("claimKeys", eval(t, rt, `{allOrNothing: 1}`), false, false, true)
	requireInvalid(t, kerr, "allOrNothing: 1")
}

func TestParseCompleteAndRenewOptions(t *testing.T) {
	rt := sobek.New()
	for src, want := range map[string]bool{`undefined`: true, `{}`: true, `{deleteKey: false}`: false, `{deleteKey: true}`: true} {
		got, kerr := parseCompleteOptions("completeClaim", eval(t, rt, src))
		require.Nil(t, kerr, src)
		assert.Equal(t, want, got, src)
	}
	_, kerr := parseCompleteOptions("completeClaim", eval(t, rt, `{deleteKey: "no"}`))
	requireInvalid(t, kerr, "deleteKey")

	ttl, kerr := parseRenewOptions("renewClaim", eval(t, rt, `undefined`))
	require.Nil(t, kerr)
	assert.Equal(t, int64(0), ttl, "no ttl: libkv's default lease")
	ttl, kerr = parseRenewOptions("renewClaim", eval(t, rt, `{ttl: 2500}`))
	require.Nil(t, kerr)
	assert.Equal(t, int64(2500), ttl)
	_, kerr = parseRenewOptions("renewClaim", eval(t, rt, `{ttl: 0}`))
	requireInvalid(t, kerr, "ttl 0")
}

func TestClaimRefs(t *testing.T) {
	rt := sobek.New()
	ref, kerr := refArg("releaseClaim", eval(t, rt,
		`{id: "c1", key: "job:1", token: 7, owner: "w", expiresAt: 1, entry: {key: "job:1", value: 1}}`))
	require.Nil(t, kerr, "a whole claim object is a ref")
	assert.Equal(t, claimRef{id: "c1", key: "job:1", token: 7}, ref)

	for _, src := range []string{
		`undefined`, `null`, `"c1"`, `[]`, `{}`, `{id: "", key: "k", token: 1}`, `{id: "c1", key: "", token: 1}`,
		`{id: "c1", key: "k"}`, `{id: "c1", key: "k", token: 0}`, `{id: "c1", key: "k", token: -1}`,
		`{id: "c1", key: "k", token: 1.5}`, `{id: "c1", key: "k", token: "1"}`, `{id: 1, key: "k", token: 1}`,
		`{id: "c1", key: "k\u0000", token: 1}`,
	} {
		_, kerr := refArg("releaseClaim", eval(t, rt, src))
		requireInvalid(t, kerr, src)
	}

	refs, kerr := refList("renewClaims", eval(t, rt, `[{id: "a", key: "k1", token: 1}, {id: "b", key: "k2", token: 2}]`))
	require.Nil(t, kerr)
	assert.Equal(t, []claimRef{{"a", "k1", 1}, {"b", "k2", 2}}, refs)
	refs, kerr = refList("renewClaims", eval(t, rt, `[]`))
	require.Nil(t, kerr)
	assert.Empty(t, refs)

	_, kerr = refList("releaseClaims", eval(t, rt, `[{id: "a", key: "k1", token: 1}, {id: "b", key: "k2", token: 0}, 5]`))
	requireInvalid(t, kerr, "bad refs")
	require.Len(t, kerr.Items, 2, "every bad ref is reported")
	assert.Equal(t, 1, kerr.Items[0].Index)
	assert.Equal(t, "k2", *kerr.Items[0].Key)
	assert.Equal(t, "b", *kerr.Items[0].ID)
	assert.Equal(t, itemInvalidEntries, kerr.Items[0].Name)
	assert.Equal(t, 2, kerr.Items[1].Index)
	assert.Nil(t, kerr.Items[1].Key)

	_, kerr = refList("releaseClaims", eval(t, rt, `{id: "a", key: "k1", token: 1}`))
	requireInvalid(t, kerr, "not an array")
}

func TestClaimKeyList(t *testing.T) {
	rt := sobek.New()
	keys, kerr := claimKeyList(eval(t, rt, `["a", "b"]`))
	require.Nil(t, kerr)
	assert.Equal(t, []string{"a", "b"}, keys)

	_, kerr = claimKeyList(eval(t, rt, `["a", "", "b", "a", 3]`))
	requireInvalid(t, kerr, "bad keys")
	var got [][2]any
	for _, it := range kerr.Items {
		got = append(got, [2]any{it.Index, it.Name})
	}
	assert.Equal(t, [][2]any{{1, itemEmptyKey}, {3, itemInvalidEntries}, {4, itemInvalidEntries}}, got)
}
