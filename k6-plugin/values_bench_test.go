// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"strings"
	"testing"

	"github.com/grafana/sobek"
	"github.com/stretchr/testify/require"
)

// Old path vs new path, both ways. The old write path is encodeJSON plus
// libkv re-parsing and rewriting the text (kv_json_canonicalize: what
// canonicalization costs today, measured through testonlyCanonicalize); the
// new one is encodeCanonicalJSON alone. The old read path is legacyDecode
// (encoding/json into any, then sobek values); the new one is jsonToJS.

var benchValues = []struct{ name, src string }{
	{"small-object", `({name: "Alice", age: 30, tags: ["admin", "ops", "k6"]})`},
	{"string-100B", `"` + strings.Repeat("abcdefghi ", 10) + `"`},
	{"number-int", `1234567`},
	{"number-double", `3.14159`},
	{"object-20-members", `(() => { const o = {}; for (let i = 0; i < 20; i++) o["member" + i] = i % 2 ? "v" + i : i * 1.5; return o; })()`},
	{"array-100-objects", `Array.from({length: 100}, (_, i) => ({id: i, name: "user" + i, active: i % 2 === 0}))`},
}

func benchValue(b *testing.B, rt *sobek.Runtime, src string) sobek.Value {
	v, err := rt.RunString(src)
	require.NoError(b, err)
	return v
}

func BenchmarkEncode(b *testing.B) {
	for _, bv := range benchValues {
		rt := sobek.New()
		v := benchValue(b, rt, bv.src)
		b.Run(bv.name+"/old-go", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := encodeJSON(rt, v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bv.name+"/old-go+libkv", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				text, err := encodeJSON(rt, v)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := testonlyCanonicalize(text); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bv.name+"/new", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := encodeCanonicalJSON(rt, v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bv.name+"/new-append", func(b *testing.B) {
			b.ReportAllocs()
			var buf []byte
			for b.Loop() {
				var err error
				if buf, err = appendCanonicalJSON(buf[:0], rt, v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, bv := range benchValues {
		rt := sobek.New()
		text, err := encodeCanonicalJSON(rt, benchValue(b, rt, bv.src))
		require.NoError(b, err)
		b.Run(bv.name+"/old", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := legacyDecode(rt, text); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bv.name+"/new", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := jsonToJS(rt, text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The building blocks jsonToJS chose between.
func BenchmarkDecodeBuildingBlocks(b *testing.B) {
	rt := sobek.New()
	v := rt.ToValue(1)
	names := []string{"name", "age", "tags", "email", "id"}
	b.Run("object/Set", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			o := rt.NewObject()
			for _, n := range names {
				_ = o.Set(n, v)
			}
		}
	})
	b.Run("object/DefineDataProperty", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			o := rt.NewObject()
			for _, n := range names {
				_ = o.DefineDataProperty(n, v, sobek.FLAG_TRUE, sobek.FLAG_TRUE, sobek.FLAG_TRUE)
			}
		}
	})
	b.Run("object/ToValue-map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := make(map[string]any, len(names))
			for _, n := range names {
				m[n] = v
			}
			_ = rt.ToValue(m)
		}
	})
	text := string(make([]byte, 100))
	short := "Alice"
	units := []uint16{'A', 'l', 'i', 'c', 'e'}
	b.Run("string/ToValue-5B", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = rt.ToValue(short)
		}
	})
	b.Run("string/StringFromUTF16-5B", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = sobek.StringFromUTF16(units)
		}
	})
	b.Run("string/ToValue-100B", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = rt.ToValue(text)
		}
	})
}
