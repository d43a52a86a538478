// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"testing"

	"github.com/grafana/sobek"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseBackupOptions(t *testing.T) {
	rt := sobek.New()
	for src, want := range map[string]backupOptions{
		`undefined`:                      {},
		`null`:                           {},
		`{}`:                             {},
		`{fileName: ""}`:                 {}, // libkv's default file
		`{fileName: "./a.kv"}`:           {fileName: "./a.kv"},
		`{fileName: null}`:               {},
		`{unknown: 1}`:                   {}, // unknown fields are ignored, as in openKv()
		`{maxEntries: 10.0}`:             {maxEntries: 10},
		`{maxEntries: -1}`:               {maxEntries: -1}, // <= 0: no budget (libkv)
		`{allowConcurrentWrites: false}`: {},
		`{fileName: "s.kv", allowConcurrentWrites: true, maxEntries: 5, maxBytes: 1048576}`: {
			fileName: "s.kv", allowConcurrentWrites: true, maxEntries: 5, maxBytes: 1 << 20,
		},
	} {
		o, kerr := parseBackupOptions(eval(t, rt, src))
		require.Nil(t, kerr, src)
		assert.Equal(t, want, o, src)
	}
	for _, src := range []string{
		`"./a.kv"`, `[]`, `5`, `true`, `() => 1`,
		`{fileName: 5}`, `{fileName: "a\u0000b"}`, `{fileName: {}}`,
		`{allowConcurrentWrites: "yes"}`, `{allowConcurrentWrites: 1}`,
		`{maxEntries: 1.5}`, `{maxEntries: "10"}`, `{maxEntries: NaN}`, `{maxBytes: Infinity}`, `{maxBytes: "64MB"}`,
	} {
		_, kerr := parseBackupOptions(eval(t, rt, src))
		requireInvalid(t, kerr, src)
		assert.Contains(t, kerr.Message, "backup()", src)
	}
}

func TestParseRestoreOptions(t *testing.T) {
	rt := sobek.New()
	for src, want := range map[string]restoreOptions{
		`undefined`:                      {},
		`{}`:                             {},
		`{fileName: "s.kv"}`:             {fileName: "s.kv"},
		`{allowConcurrentWrites: "any"}`: {}, // not a restore option: ignored
		`{fileName: "s.kv", maxEntries: 100, maxBytes: 0}`: {fileName: "s.kv", maxEntries: 100},
	} {
		o, kerr := parseRestoreOptions(eval(t, rt, src))
		require.Nil(t, kerr, src)
		assert.Equal(t, want, o, src)
	}
	for _, src := range []string{
		`"s.kv"`, `[]`, `{fileName: 1}`, `{maxEntries: 2.5}`, `{maxBytes: "1"}`, `{maxEntries: true}`,
	} {
		_, kerr := parseRestoreOptions(eval(t, rt, src))
		requireInvalid(t, kerr, src)
		assert.Contains(t, kerr.Message, "restore()", src)
	}
}

func TestParseJSONLOptions(t *testing.T) {
	rt := sobek.New()
	type variant struct {
		method                    string
		withPrefix, withBatchSize bool
	}
	export := variant{"exportJSONL", true, false}
	imp := variant{"importJSONL", false, true}
	validate := variant{"validateJSONL", false, false}

	for _, c := range []struct {
		v    variant
		src  string
		want jsonlOptions
	}{
		{export, `{fileName: "out.jsonl"}`, jsonlOptions{fileName: "out.jsonl"}},
		{export, `{fileName: "out.jsonl", prefix: "user:", limit: 10}`, jsonlOptions{fileName: "out.jsonl", prefix: "user:", limit: 10}},
		{export, `{fileName: "out.jsonl", limit: -1, batchSize: 5}`, jsonlOptions{fileName: "out.jsonl", limit: -1}},
		{imp, `{fileName: "in.jsonl", limit: 3, batchSize: 2}`, jsonlOptions{fileName: "in.jsonl", limit: 3, batchSize: 2}},
		{imp, `{fileName: "in.jsonl", prefix: "ignored"}`, jsonlOptions{fileName: "in.jsonl"}},
		{imp, `{fileName: "in.jsonl", batchSize: 20000}`, jsonlOptions{fileName: "in.jsonl", batchSize: 20000}}, // libkv caps it
		{validate, `{fileName: "in.jsonl", limit: 1}`, jsonlOptions{fileName: "in.jsonl", limit: 1}},
		{validate, `{fileName: "in.jsonl", batchSize: "x"}`, jsonlOptions{fileName: "in.jsonl"}},
	} {
		o, kerr := parseJSONLOptions(c.v.method, eval(t, rt, c.src), c.v.withPrefix, c.v.withBatchSize)
		require.Nil(t, kerr, c.v.method+" "+c.src)
		assert.Equal(t, c.want, o, c.v.method+" "+c.src)
	}

	for _, v := range []variant{export, imp, validate} {
		for _, src := range []string{
			`undefined`, `null`, `{}`, `{fileName: ""}`, `{fileName: null}`, `"out.jsonl"`, `["out.jsonl"]`,
			`{fileName: 7}`, `{fileName: "a\u0000"}`, `{fileName: "f", limit: 1.5}`, `{fileName: "f", limit: "10"}`,
		} {
			_, kerr := parseJSONLOptions(v.method, eval(t, rt, src), v.withPrefix, v.withBatchSize)
			requireInvalid(t, kerr, v.method+" "+src)
			assert.Contains(t, kerr.Message, v.method+"()", src)
		}
	}
	for _, src := range []string{`{fileName: "f", prefix: 1}`, `{fileName: "f", prefix: "a\u0000"}`} {
		_, kerr := parseJSONLOptions("exportJSONL", eval(t, rt, src), true, false)
		requireInvalid(t, kerr, src)
	}
	for _, src := range []string{`{fileName: "f", batchSize: 0.5}`, `{fileName: "f", batchSize: "100"}`} {
		_, kerr := parseJSONLOptions("importJSONL", eval(t, rt, src), false, true)
		requireInvalid(t, kerr, src)
	}
	_, kerr := parseJSONLOptions("exportJSONL", eval(t, rt, `{}`), true, false)
	require.NotNil(t, kerr)
	assert.Equal(t, "exportJSONL(): options.fileName is required and must be a non-empty string", kerr.Message)
}
