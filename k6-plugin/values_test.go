// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"testing"

	"github.com/grafana/sobek"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func eval(t *testing.T, rt *sobek.Runtime, src string) sobek.Value {
	t.Helper()
	v, err := rt.RunString("(" + src + ")")
	require.NoError(t, err, src)
	return v
}

func TestEncodeValueJSON(t *testing.T) {
	rt := sobek.New()
	cases := []struct{ src, want string }{
		{`"plain"`, `"plain"`},
		{`"quote\" back\\ nl\n tab\t \u0001 <&> é"`, `"quote\" back\\ nl\n tab\t \u0001 <&> é"`},
		{`42`, `42`},
		{`-7`, `-7`},
		{`2.5`, `2.5`},
		{`1e21`, `1e+21`},
		{`true`, `true`},
		{`null`, `null`},
		{`undefined`, `null`},
		{`[1, "a", null, undefined, [true]]`, `[1,"a",null,null,[true]]`},
		{`{b: 1, a: {c: [2]}}`, `{"a":{"c":[2]},"b":1}`}, // members sorted: canonical
		{`{keep: 1, skip: undefined}`, `{"keep":1}`},
		{`new Date(0)`, `"1970-01-01T00:00:00.000Z"`},
		{`{toJSON() { return {x: 1}; }}`, `{"x":1}`},
		{`{n: 1234567890123456789n}`, `{"n":1234567890123456789}`},
		{`new Map([[1, 2]])`, `{}`},
	}
	for _, c := range cases {
		got, err := encodeCanonicalJSON(rt, eval(t, rt, c.src))
		require.NoError(t, err, c.src)
		assert.Equal(t, c.want, string(got), c.src)
	}
}

func TestEncodeJSONRejects(t *testing.T) {
	rt := sobek.New()
	for _, src := range []string{
		`() => 1`,
		`{f: function () {}}`,
		`[1, () => 2]`,
		`Symbol("s")`,
		`{s: Symbol("s")}`,
		`NaN`,
		`[Infinity]`,
		`(() => { const o = {}; o.self = o; return o; })()`,
		`(() => { const a = []; a.push(a); return a; })()`,
		`{toJSON() { throw new Error("boom"); }}`,
		`{n: 12345678901234567890n}`,
		`"lone \ud800"`,
	} {
		_, err := encodeCanonicalJSON(rt, eval(t, rt, src))
		assert.Error(t, err, src)
	}
}

func TestEncodeJSONSharedIsNotCycle(t *testing.T) {
	rt := sobek.New()
	got, err := encodeCanonicalJSON(rt, eval(t, rt, `(() => { const s = {v: 1}; return {a: s, b: [s, s]}; })()`))
	require.NoError(t, err)
	assert.Equal(t, `{"a":{"v":1},"b":[{"v":1},{"v":1}]}`, string(got))
}

func TestEncodeJSONDepthLimit(t *testing.T) {
	rt := sobek.New()
	_, err := encodeCanonicalJSON(rt, eval(t, rt, `(() => { let o = 1; for (let i = 0; i < 2000; i++) o = [o]; return o; })()`))
	assert.Error(t, err)
}

func TestFormatString(t *testing.T) {
	rt := sobek.New()
	cases := map[string]string{
		`"as is"`:  "as is",
		`""`:       "",
		`42`:       "42",
		`1.5`:      "1.5",
		`true`:     "true",
		`null`:     "<nil>",
		`{a: 1}`:   "map[a:1]",
		`[1, "x"]`: "[1 x]",
	}
	for src, want := range cases {
		assert.Equal(t, want, formatString(eval(t, rt, src)), src)
	}
}

func TestDecodeValueToJS(t *testing.T) {
	rt := sobek.New()
	d := decodeValue([]byte(`{"a":[1,2.5,"x",null,true],"b":{"c":"d"}}`), false)
	require.NoError(t, rt.Set("v", d.toJS(rt)))
	ok := eval(t, rt, `Array.isArray(v.a) && v.a[0] === 1 && v.a[1] === 2.5 && v.a[3] === null &&
		v.b.c === "d" && Object.getPrototypeOf(v) === Object.prototype && JSON.stringify(v) ===
		'{"a":[1,2.5,"x",null,true],"b":{"c":"d"}}'`)
	assert.True(t, ok.ToBoolean())

	s := decodeValue([]byte(`{"not":"parsed"}`), true)
	assert.Equal(t, `{"not":"parsed"}`, s.toJS(rt).Export())

	// Bytes that are not JSON reject the call as it settles, on the event loop.
	bad := decodeValue([]byte(`{bad`), false)
	_, settleErr := settle(rt, resolved(bad.toJS))
	require.NotNil(t, settleErr)
	assert.Equal(t, nameUnexpectedOutput, settleErr.Name)
}

func TestRoundTrip(t *testing.T) {
	rt := sobek.New()
	for _, src := range []string{`{x: [1, {y: "z"}], n: null}`, `"s"`, `0`, `[]`, `{}`} {
		text, err := encodeCanonicalJSON(rt, eval(t, rt, src))
		require.NoError(t, err)
		d := decodeValue(text, false)
		again, err := encodeCanonicalJSON(rt, d.toJS(rt))
		require.NoError(t, err)
		assert.JSONEq(t, string(text), string(again))
	}
}
