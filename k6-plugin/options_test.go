// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"math"
	"testing"

	"github.com/grafana/sobek"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenOptionsJSON(t *testing.T) {
	rt := sobek.New()

	for _, src := range []string{`undefined`, `null`} {
		text, kerr := openOptionsJSON(rt, eval(t, rt, src))
		assert.Nil(t, kerr)
		assert.Nil(t, text, "nil means libkv's defaults")
	}

	text, kerr := openOptionsJSON(rt, eval(t, rt,
		`{backend: "disk", disk: {timeout: "2s", initialMmapSize: "64MB", noSync: true}, memory: {shardCount: 4}, metrics: {operations: true}}`))
	require.Nil(t, kerr)
	assert.JSONEq(t,
		`{"backend":"disk","disk":{"timeout":"2s","initialMmapSize":"64MB","noSync":true},"memory":{"shardCount":4},"metrics":{"operations":true}}`,
		string(text))

	for _, src := range []string{`"memory"`, `42`, `[{}]`, `() => ({})`, `{backend: () => "memory"}`} {
		_, kerr := openOptionsJSON(rt, eval(t, rt, src))
		require.NotNil(t, kerr, src)
		assert.Equal(t, nameInvalidOptions, kerr.Name, src)
	}
}

func TestParseCompareOptions(t *testing.T) {
	rt := sobek.New()
	for src, want := range map[string]bool{
		`undefined`:                         false,
		`null`:                              false,
		`{}`:                                false,
		`{includeCurrentOnMismatch: true}`:  true,
		`{includeCurrentOnMismatch: false}`: false,
		`{includeCurrentOnMismatch: null}`:  false,
		`{other: 1}`:                        false,
	} {
		o, kerr := parseCompareOptions("m", eval(t, rt, src))
		require.Nil(t, kerr, src)
		assert.Equal(t, want, o.includeCurrentOnMismatch, src)
	}
	for _, src := range []string{`true`, `"x"`, `[]`, `{includeCurrentOnMismatch: "yes"}`} {
		_, kerr := parseCompareOptions("m", eval(t, rt, src))
		require.NotNil(t, kerr, src)
		assert.Equal(t, nameInvalidOptions, kerr.Name, src)
	}
}

func TestDeltaArg(t *testing.T) {
	rt := sobek.New()
	ok := map[string]int64{
		`1`:                     1,
		`-5`:                    -5,
		`0`:                     0,
		`3.0`:                   3,
		`2 ** 53`:               1 << 53,
		`-(2 ** 63)`:            math.MinInt64,
		`9223372036854775807n`:  math.MaxInt64,
		`-9223372036854775808n`: math.MinInt64,
	}
	for src, want := range ok {
		got, kerr := deltaArg(eval(t, rt, src))
		require.Nil(t, kerr, src)
		assert.Equal(t, want, got, src)
	}
	for _, src := range []string{
		`1.5`, `NaN`, `Infinity`, `-Infinity`, `2 ** 63`, `-(2 ** 64)`, `9223372036854775808n`,
		`"5"`, `null`, `undefined`, `true`, `{}`, `[1]`,
	} {
		_, kerr := deltaArg(eval(t, rt, src))
		require.NotNil(t, kerr, src)
		assert.Equal(t, nameValueNumberRequired, kerr.Name, src)
	}
}

func TestKeyArg(t *testing.T) {
	rt := sobek.New()
	key, kerr := keyArg("get", eval(t, rt, `"user:1"`))
	require.Nil(t, kerr)
	assert.Equal(t, "user:1", key)

	// Empty keys are libkv's to judge; they pass through.
	key, kerr = keyArg("get", eval(t, rt, `""`))
	require.Nil(t, kerr)
	assert.Equal(t, "", key)

	for _, src := range []string{`"a\u0000b"`, `1`, `null`, `undefined`, `{}`, `["k"]`} {
		_, kerr := keyArg("get", eval(t, rt, src))
		require.NotNil(t, kerr, src)
		assert.Equal(t, nameInvalidOptions, kerr.Name, src)
	}
}

func TestKeyList(t *testing.T) {
	rt := sobek.New()
	keys, items, kerr := keyList("getMany", eval(t, rt, `["a", "", "a", 7, "x\u0000"]`))
	require.Nil(t, kerr)
	assert.Equal(t, []string{"a", "", "a", "", ""}, keys)
	require.Len(t, items, 2)
	assert.Equal(t, 3, items[0].Index)
	assert.Nil(t, items[0].Key)
	assert.Equal(t, itemInvalidEntries, items[0].Name)
	assert.Equal(t, 4, items[1].Index)
	require.NotNil(t, items[1].Key)
	assert.Equal(t, "x\x00", *items[1].Key)

	_, _, kerr = keyList("getMany", eval(t, rt, `"a"`))
	require.NotNil(t, kerr)
	assert.Equal(t, nameInvalidOptions, kerr.Name)
}

func TestPoolSize(t *testing.T) {
	assert.Equal(t, 16, poolSize("", 16))
	assert.Equal(t, 3, poolSize("3", 16))
	assert.Equal(t, 16, poolSize("0", 16))
	assert.Equal(t, 16, poolSize("lots", 16))
	assert.Equal(t, maxPoolSize, poolSize("1000000", 16))
}
