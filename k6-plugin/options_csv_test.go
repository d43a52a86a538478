// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"testing"

	"github.com/grafana/sobek"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCSVExportOptions(t *testing.T) {
	rt := sobek.New()
	base := func(o csvExportOptions) csvExportOptions {
		if o.fileName == "" {
			o.fileName = "u.csv"
		}
		if o.columns == nil {
			o.columns = []string{"name"}
		}
		if o.delimiter == 0 {
			o.delimiter = ','
		}
		return o
	}
	for src, want := range map[string]csvExportOptions{
		`{fileName: "u.csv", columns: ["name"]}`:                                    base(csvExportOptions{includeKey: true}),
		`{fileName: "u.csv", columns: ["name"], delimiter: null}`:                   base(csvExportOptions{includeKey: true}),
		`{fileName: "u.csv", columns: ["name"], includeKey: null}`:                  base(csvExportOptions{includeKey: true}),
		`{fileName: "u.csv", columns: ["name"], delimiter: ";", includeKey: false}`: base(csvExportOptions{delimiter: ';'}),
		`{fileName: "u.csv", columns: ["name"], delimiter: "\t"}`:                   base(csvExportOptions{delimiter: '\t', includeKey: true}),
		`{fileName: "u.csv", columns: ["name"], delimiter: "~"}`:                    base(csvExportOptions{delimiter: '~', includeKey: true}),
		`{fileName: "u.csv", columns: ["a", "b é", ""], prefix: "user:", limit: 10}`: base(csvExportOptions{
			columns: []string{"a", "b é", ""}, prefix: "user:", limit: 10, includeKey: true, // "" is libkv's to refuse
		}),
		`{fileName: "u.csv", columns: ["a", "a"], limit: -1}`: base(csvExportOptions{ // repeated: libkv refuses
			columns: []string{"a", "a"}, limit: -1, includeKey: true,
		}),
		// CR, LF and '"' are libkv's to refuse (InvalidOptionsError there too).
		`{fileName: "u.csv", columns: ["name"], delimiter: "\n"}`:                              base(csvExportOptions{delimiter: '\n', includeKey: true}),
		`{fileName: "u.csv", columns: ["name"], keyColumn: 5, hasHeader: "x", batchSize: 0.5}`: base(csvExportOptions{includeKey: true}),
	} {
		o, kerr := parseCSVExportOptions(eval(t, rt, src))
		require.Nil(t, kerr, src)
		assert.Equal(t, want, o, src)
	}

	for src, msg := range map[string]string{
		`undefined`:                                                "exportCSV(): options {fileName, columns} are required",
		`{columns: ["a"]}`:                                         "exportCSV(): options.fileName is required and must be a non-empty string",
		`{fileName: "u.csv"}`:                                      "exportCSV(): options.columns is required: a non-empty array of column names (strings)",
		`{fileName: "u.csv", columns: []}`:                         "exportCSV(): options.columns must be a non-empty array of column names (strings), got an array",
		`{fileName: "u.csv", columns: "a,b"}`:                      `exportCSV(): options.columns must be a non-empty array of column names (strings), got "a,b"`,
		`{fileName: "u.csv", columns: ["a", 1]}`:                   "exportCSV(): options.columns[1] must be a string without NUL characters, got 1",
		`{fileName: "u.csv", columns: ["a", null]}`:                "exportCSV(): options.columns[1] must be a string without NUL characters, got null",
		`{fileName: "u.csv", columns: ["a\u0000"]}`:                `exportCSV(): options.columns[0] must be a string without NUL characters, got "a\x00"`,
		`{fileName: "u.csv", columns: new Array(1e9)}`:             "exportCSV(): options.columns[0] must be a string without NUL characters, got undefined",
		`{fileName: "u.csv", columns: ["a"], delimiter: ""}`:       `exportCSV(): options.delimiter must be a string of one character, got ""`,
		`{fileName: "u.csv", columns: ["a"], delimiter: ",;"}`:     `exportCSV(): options.delimiter must be a string of one character, got ",;"`,
		`{fileName: "u.csv", columns: ["a"], delimiter: 44}`:       "exportCSV(): options.delimiter must be a string of one character, got 44",
		`{fileName: "u.csv", columns: ["a"], delimiter: "é"}`:      `exportCSV(): options.delimiter must be an ASCII character (one byte); "é" takes 2 bytes in UTF-8`,
		`{fileName: "u.csv", columns: ["a"], delimiter: "§"}`:      `exportCSV(): options.delimiter must be an ASCII character (one byte); "§" takes 2 bytes in UTF-8`,
		`{fileName: "u.csv", columns: ["a"], delimiter: "；"}`:      `exportCSV(): options.delimiter must be an ASCII character (one byte); "；" takes 3 bytes in UTF-8`,
		`{fileName: "u.csv", columns: ["a"], delimiter: "😀"}`:      `exportCSV(): options.delimiter must be an ASCII character (one byte); "😀" takes 4 bytes in UTF-8`,
		`{fileName: "u.csv", columns: ["a"], delimiter: "\u0000"}`: `exportCSV(): options.delimiter must be a character other than NUL, got "\x00"`,
	} {
		_, kerr := parseCSVExportOptions(eval(t, rt, src))
		requireInvalid(t, kerr, src)
		assert.Equal(t, msg, kerr.Message, src)
	}
	for _, src := range []string{
		`null`, `"u.csv"`, `["u.csv"]`, `() => 1`, `{fileName: "", columns: ["a"]}`, `{fileName: 1, columns: ["a"]}`,
		`{fileName: "u.csv", columns: {0: "a", length: 1}}`, `{fileName: "u.csv", columns: ["a"], prefix: 1}`,
		`{fileName: "u.csv", columns: ["a"], limit: 1.5}`, `{fileName: "u.csv", columns: ["a"], limit: "10"}`,
		`{fileName: "u.csv", columns: ["a"], includeKey: "false"}`, `{fileName: "u.csv", columns: ["a"], includeKey: 0}`,
		`{fileName: "u.csv", columns: ["a"], delimiter: [","]}`,
	} {
		_, kerr := parseCSVExportOptions(eval(t, rt, src))
		requireInvalid(t, kerr, src)
		assert.Contains(t, kerr.Message, "exportCSV()", src)
	}
}

func TestParseCSVReadOptions(t *testing.T) {
	rt := sobek.New()
	for _, c := range []struct {
		method    string
		importing bool
		src       string
		want      csvReadOptions
	}{
		{"importCSV", true, `{fileName: "u.csv", keyColumn: "key"}`,
			csvReadOptions{fileName: "u.csv", keyColumn: "key", delimiter: ',', hasHeader: true}},
		{"importCSV", true, `{fileName: "u.csv", keyColumn: "1", hasHeader: false, delimiter: ";", limit: 5, batchSize: 2}`,
			csvReadOptions{fileName: "u.csv", keyColumn: "1", delimiter: ';', limit: 5, batchSize: 2}},
		{"importCSV", true, `{fileName: "u.csv", keyColumn: "id", batchSize: 20000, limit: -3, hasHeader: null}`, // libkv caps batchSize
			csvReadOptions{fileName: "u.csv", keyColumn: "id", delimiter: ',', hasHeader: true, limit: -3, batchSize: 20000}},
		{"importCSV", true, `{fileName: "u.csv", keyColumn: "id", columns: 5, includeKey: "x", prefix: 1}`,
			csvReadOptions{fileName: "u.csv", keyColumn: "id", delimiter: ',', hasHeader: true}},
		{"validateCSV", false, `{fileName: "u.csv"}`,
			csvReadOptions{fileName: "u.csv", delimiter: ',', hasHeader: true}},
		{"validateCSV", false, `{fileName: "u.csv", keyColumn: null, delimiter: "|", hasHeader: false, limit: 1}`,
			csvReadOptions{fileName: "u.csv", delimiter: '|', limit: 1}},
		{"validateCSV", false, `{fileName: "u.csv", keyColumn: "key", batchSize: "ignored"}`,
			csvReadOptions{fileName: "u.csv", keyColumn: "key", delimiter: ',', hasHeader: true}},
	} {
		o, kerr := parseCSVReadOptions(c.method, eval(t, rt, c.src), c.importing)
		require.Nil(t, kerr, c.method+" "+c.src)
		assert.Equal(t, c.want, o, c.method+" "+c.src)
	}

	for _, v := range []struct {
		method    string
		importing bool
	}{{"importCSV", true}, {"validateCSV", false}} {
		for _, src := range []string{
			`undefined`, `null`, `{}`, `"u.csv"`, `["u.csv"]`, `{keyColumn: "key"}`,
			`{fileName: "", keyColumn: "key"}`, `{fileName: 7, keyColumn: "key"}`,
			`{fileName: "u.csv", keyColumn: ""}`, `{fileName: "u.csv", keyColumn: 1}`, `{fileName: "u.csv", keyColumn: "k\u0000"}`,
			`{fileName: "u.csv", keyColumn: "key", delimiter: ""}`, `{fileName: "u.csv", keyColumn: "key", delimiter: "ab"}`,
			`{fileName: "u.csv", keyColumn: "key", delimiter: "ü"}`, `{fileName: "u.csv", keyColumn: "key", delimiter: "\u0000"}`,
			`{fileName: "u.csv", keyColumn: "key", hasHeader: 1}`, `{fileName: "u.csv", keyColumn: "key", hasHeader: "true"}`,
			`{fileName: "u.csv", keyColumn: "key", limit: 0.5}`, `{fileName: "u.csv", keyColumn: "key", limit: "1"}`,
		} {
			_, kerr := parseCSVReadOptions(v.method, eval(t, rt, src), v.importing)
			requireInvalid(t, kerr, v.method+" "+src)
			assert.Contains(t, kerr.Message, v.method+"()", v.method+" "+src)
		}
	}
	for _, src := range []string{`{fileName: "u.csv", keyColumn: "key", batchSize: 1.5}`, `{fileName: "u.csv", keyColumn: "key", batchSize: "10"}`} {
		_, kerr := parseCSVReadOptions("importCSV", eval(t, rt, src), true)
		requireInvalid(t, kerr, src)
	}

	// keyColumn is required by importCSV only.
	_, kerr := parseCSVReadOptions("importCSV", eval(t, rt, `{fileName: "u.csv"}`), true)
	require.NotNil(t, kerr)
	assert.Equal(t, `importCSV(): options.keyColumn is required and must be a non-empty string: a header name, `+
		`or a 1-based column number ("1") with hasHeader: false`, kerr.Message)
	_, kerr = parseCSVReadOptions("validateCSV", eval(t, rt, `{fileName: "u.csv", keyColumn: ""}`), false)
	require.NotNil(t, kerr)
	assert.Equal(t, `validateCSV(): options.keyColumn must be a non-empty string: a header name, `+
		`or a 1-based column number ("1") with hasHeader: false`, kerr.Message)
	_, kerr = parseCSVReadOptions("importCSV", eval(t, rt, `undefined`), true)
	require.NotNil(t, kerr)
	assert.Equal(t, "importCSV(): options {fileName, keyColumn} are required", kerr.Message)
	_, kerr = parseCSVReadOptions("validateCSV", eval(t, rt, `{}`), false)
	require.NotNil(t, kerr)
	assert.Equal(t, "validateCSV(): options.fileName is required and must be a non-empty string", kerr.Message)
	_, kerr = parseCSVReadOptions("validateCSV", eval(t, rt, `{fileName: "u.csv", delimiter: "€"}`), false)
	require.NotNil(t, kerr)
	assert.Equal(t, `validateCSV(): options.delimiter must be an ASCII character (one byte); "€" takes 3 bytes in UTF-8`, kerr.Message)
}
