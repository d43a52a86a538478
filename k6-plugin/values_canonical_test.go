// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/sobek"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of encodeCanonicalJSON, most of them differential: libkv's
// kv_json_canonicalize (through testonlyCanonicalize) is the reference,
// including the cases where libkv was wrong before issue 10 (formerLibkvDefects).

func TestEncodeCanonicalJSON(t *testing.T) {
	rt := sobek.New()
	cases := []struct{ src, want string }{
		{`"plain"`, `"plain"`},
		{`"quote\" back\\ nl\n cr\r tab\t bs\b ff\f \u0001 \u001f \u007f / <&> é \u2028 😀"`,
			`"quote\" back\\ nl\n cr\r tab\t bs\b ff\f \u0001 \u001f ` + "\x7f" + ` / <&> é ` + "\u2028" + ` 😀"`},
		{`"a\u0000b"`, `"a\u0000b"`},
		{`"\ud83d\ude00"`, `"😀"`},
		{`"\ufffd"`, "\"\uFFFD\""},
		{`42`, `42`},
		{`-7`, `-7`},
		{`-0`, `-0`},
		{`2.5`, `2.5`},
		{`0.1`, `0.1`},
		{`1/3`, `0.3333333333333333`},
		{`2**53`, `9007199254740992`},
		{`2**53 + 2`, `9007199254740994`},
		{`2**63`, `9223372036854776000`},
		{`2**64`, `18446744073709552000`},
		{`1e20`, `100000000000000000000`},
		{`1e21`, `1e+21`},
		{`-1e21`, `-1e+21`},
		{`1.5e300`, `1.5e+300`},
		{`1e-6`, `0.000001`},
		{`1.25e-6`, `0.00000125`},
		{`1e-7`, `1e-7`},
		{`5e-324`, `5e-324`},
		{`1.7976931348623157e308`, `1.7976931348623157e+308`},
		{`123456789.125`, `123456789.125`},
		{`true`, `true`},
		{`false`, `false`},
		{`null`, `null`},
		{`undefined`, `null`},
		{`[1, "a", null, undefined, [true], , 3]`, `[1,"a",null,null,[true],null,3]`},
		{`{b: 1, a: {d: [2], c: 3}}`, `{"a":{"c":3,"d":[2]},"b":1}`},
		{`{keep: 1, skip: undefined}`, `{"keep":1}`},
		{`{10: "a", 9: "b", x: 1, B: 2, "é": 3, "": 4, "\u0000": 5}`, `{"":4,"\u0000":5,"10":"a","9":"b","B":2,"x":1,"é":3}`},
		{`{"\uffff": 1, "😀": 2, "\ue000": 3}`, "{\"\ue000\":3,\"\uffff\":1,\"😀\":2}"},
		{`{"a\u0000b": 1, "a": 2}`, `{"a":2,"a\u0000b":1}`},
		{`new Date(0)`, `"1970-01-01T00:00:00.000Z"`},
		{`{toJSON() { return {x: 1}; }}`, `{"x":1}`},
		{`{a: {toJSON(k) { return "key:" + k; }}, b: [{toJSON(k) { return k; }}]}`, `{"a":"key:a","b":["0"]}`},
		{`-5n`, `-5`},
		{`{n: 9223372036854775807n, m: -9223372036854775808n}`, `{"m":-9223372036854775808,"n":9223372036854775807}`},
		{`{"\ufffd": 2, "a": 3}`, "{\"a\":3,\"\uFFFD\":2}"},
		{`[2**63, -(2**63), 1e20, 9.3e18, -1e19]`, `[9223372036854776000,-9223372036854776000,100000000000000000000,9300000000000000000,-10000000000000000000]`},
		{`new Map([[1, 2]])`, `{}`},
		{`new Uint8Array([1, 2])`, `{"0":1,"1":2}`},
	}
	for _, c := range cases {
		got, err := encodeCanonicalJSON(rt, eval(t, rt, c.src))
		require.NoError(t, err, c.src)
		assert.Equal(t, c.want, string(got), c.src)
	}
}

func TestEncodeCanonicalJSONRejects(t *testing.T) {
	rt := sobek.New()
	for _, src := range []string{
		`() => 1`,
		`{f: function () {}}`,
		`[1, () => 2]`,
		`Symbol("s")`,
		`{s: Symbol("s")}`,
		`NaN`,
		`[Infinity]`,
		`{x: -Infinity}`,
		`(() => { const o = {}; o.self = o; return o; })()`,
		`(() => { const a = []; a.push(a); return a; })()`,
		`(() => { const o = {"\ud800": 1}; o.x = {y: o}; return o; })()`,
		`{toJSON() { throw new Error("boom"); }}`,
		`(() => { let o = 1; for (let i = 0; i < 2000; i++) o = [o]; return o; })()`,
		`(() => { let o = 1; for (let i = 0; i < 2000; i++) o = {a: o}; return o; })()`,
	} {
		_, err := encodeCanonicalJSON(rt, eval(t, rt, src))
		assert.Error(t, err, src)
	}
}

// Issue 10: what libkv cannot keep exactly is refused with a serializeError
// naming why (D1: BigInts beyond int64; D4: lone surrogates, which have no
// UTF-8 form), and an exception thrown while reading the value is one too
// (D11), not the script's own error.
func TestEncodeCanonicalJSONRefusesWhatLibkvCannotKeep(t *testing.T) {
	rt := sobek.New()
	for src, want := range map[string]string{
		`12345678901234567890n`:              "outside the 64-bit integer range",
		`{n: -9223372036854775809n}`:         "outside the 64-bit integer range",
		`[2n ** 70n + 1n]`:                   "outside the 64-bit integer range",
		`10n ** 400n`:                        "outside the 64-bit integer range",
		`"\ud800"`:                           `unpaired surrogate \ud800`,
		`"x\udfffy"`:                         `unpaired surrogate \udfff`,
		`"\udc00\ud800"`:                     `unpaired surrogate \udc00`,
		`["ok", "a\udbffb"]`:                 `unpaired surrogate \udbff`,
		`{"\ud800": 1, "\ufffd": 2, "a": 3}`: `unpaired surrogate \ud800`,
		`{a: {"x\udc00": 1}}`:                `unpaired surrogate \udc00`,
		`{get g() { throw new Error("getter boom"); }}`:                                                                     "reading the value failed: Error: getter boom",
		`new Proxy({}, {ownKeys() { throw new Error("trap boom"); }})`:                                                      "trap boom",
		`new Proxy({a: 1}, {get() { throw new TypeError("get trap"); }})`:                                                   "get trap",
		`(() => { const a = [1]; Object.defineProperty(a, 0, {get() { throw new Error("element boom"); }}); return a; })()`: "element boom",
	} {
		_, err := encodeCanonicalJSON(rt, eval(t, rt, src))
		var se *serializeError
		if assert.ErrorAs(t, err, &se, src) {
			assert.Contains(t, err.Error(), want, src)
		}
	}
}

// D6: a huge sparse array was walked element by element (4e9 did not finish in
// 5 minutes); the encoder refuses a value as soon as it cannot fit in
// libkv's limit, with the error libkv gives an over-long value.
func TestEncodeCanonicalJSONBoundedBySize(t *testing.T) {
	rt := sobek.New()
	for _, src := range []string{
		`(() => { const a = []; a[4e9] = 1; return a; })()`,
		`(() => { const a = []; a[4294967294] = 1; return {x: [a]}; })()`,
		`(() => { const a = []; a.length = 2 ** 32 - 1; return a; })()`,
		`(() => { const a = []; a[2e7] = 1; return a; })()`,
		`"x".repeat(64 * 1024 * 1024)`,
		`["x".repeat(40 * 1024 * 1024), "y".repeat(30 * 1024 * 1024)]`,
		`(() => { const s = "x".repeat(1024 * 1024); const o = {}; for (let i = 0; i < 70; i++) o["k" + i] = s; return o; })()`,
		`(() => { const s = "x".repeat(8 * 1024 * 1024); return Array(9).fill(s); })()`,
	} {
		start := time.Now()
		_, err := encodeCanonicalJSON(rt, eval(t, rt, src))
		var big *tooLargeError
		require.ErrorAs(t, err, &big, src)
		// Refused at once when the length alone cannot fit; a shorter one is
		// walked until the text passes the limit (a[2e7]: ~13e6 holes).
		if strings.Contains(src, "2 ** 32") || strings.Contains(src, "4e9") || strings.Contains(src, "4294967294") {
			assert.Less(t, time.Since(start), time.Second, src)
		}
		t.Logf("%s: refused in %v", src, time.Since(start))
		kerr := valueError("set", err)
		assert.Equal(t, nameInvalidOptions, kerr.Name)
	}
	// Just below the limit still encodes: the check is not an estimate.
	got, err := encodeCanonicalJSON(rt, eval(t, rt, `"x".repeat(64 * 1024 * 1024 - 2)`))
	require.NoError(t, err)
	assert.Len(t, got, maxValueBytes)
	a, err := encodeCanonicalJSON(rt, eval(t, rt, `(() => { const a = []; a[1e6] = 1; return a; })()`))
	require.NoError(t, err)
	assert.Len(t, a, 2+5*1e6+1)
}

func TestEncodeCanonicalJSONSharedAndDepth(t *testing.T) {
	rt := sobek.New()
	got, err := encodeCanonicalJSON(rt, eval(t, rt, `(() => { const s = {v: 1}; return {b: [s, s], a: s}; })()`))
	require.NoError(t, err)
	assert.Equal(t, `{"a":{"v":1},"b":[{"v":1},{"v":1}]}`, string(got))

	// maxValueDepth, libkv's limit: 512 levels pass, 513 do not.
	for _, n := range []int{maxValueDepth, maxValueDepth + 1} {
		src := fmt.Sprintf(`(() => { let o = 1; for (let i = 0; i < %d; i++) o = [o]; return o; })()`, n)
		_, errNew := encodeCanonicalJSON(rt, eval(t, rt, src))
		assert.Equal(t, n <= maxValueDepth, errNew == nil, n)
	}
}

func TestAppendCanonicalJSON(t *testing.T) {
	rt := sobek.New()
	buf := []byte("prefix")
	buf, err := appendCanonicalJSON(buf, rt, eval(t, rt, `{b: 2, a: 1}`))
	require.NoError(t, err)
	buf, err = appendCanonicalJSON(buf, rt, eval(t, rt, `[NaN]`))
	require.Error(t, err)
	assert.Equal(t, `prefix{"a":1,"b":2}`, string(buf))
}

// The number formatting against libkv's, for every power of two and for
// random doubles: these are where shortest-digit searches disagree, if ever.
func TestCanonicalNumbersMatchLibkv(t *testing.T) {
	rt := sobek.New()
	var sobekWrong []string
	check := func(f float64) {
		t.Helper()
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return
		}
		got, err := encodeCanonicalJSON(rt, rt.ToValue(f))
		require.NoError(t, err)
		// libkv reads the text Go's strconv writes, and Go's own text is a
		// fixed point of libkv's canonicalizer.
		want, err := testonlyCanonicalize(strconv.AppendFloat(nil, f, 'g', -1, 64))
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "%v (%x)", f, math.Float64bits(f))
		again, err := testonlyCanonicalize(got)
		require.NoError(t, err)
		require.Equal(t, string(got), string(again), "%v", f)
		// sobek's own Number#toString, where it is right (its dtoa port
		// sometimes drops a digit that the double needs).
		js, err := rt.RunString(fmt.Sprintf("String(%s)", strconv.FormatFloat(f, 'g', -1, 64)))
		require.NoError(t, err)
		if f != 0 && js.String() != string(got) {
			back, _ := strconv.ParseFloat(js.String(), 64)
			require.NotEqual(t, f, back, "Number#toString(%v) is %s", f, js)
			if len(sobekWrong) < 3 {
				sobekWrong = append(sobekWrong, fmt.Sprintf("%s (sobek %s)", got, js))
			}
		}
	}
	for e := -1074; e <= 1023; e++ {
		for _, m := range []float64{1, -1, 3, 1.5, math.Nextafter(1, 2), math.Nextafter(2, 1)} {
			check(math.Ldexp(m, e))
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		check(math.Float64frombits(r.Uint64()))
	}
	for _, f := range []float64{0.1, 0.2, 0.3, 1e21, 1e-7, 1e-6, 123e-20, 9.999999999999999e20, 999999999999999900000} {
		check(f)
		check(-f)
	}
	t.Logf("sobek's Number#toString does not read back for e.g. %v", sobekWrong)
}

// Where libkv's canonicalizer was wrong before issue 10 (D1: integers beyond
// int64 wrapped; D2: NUL cut strings and names; a few doubles next to powers
// of two in 17 digits): the Go encoder's text is now a fixed point of
// kv_json_canonicalize, and the spelling of the same value other JSON
// writers use canonicalizes to it too.
var formerLibkvDefects = []struct{ name, src, want, other string }{
	{"integer 2^63", `2**63`, `9223372036854776000`, `9223372036854775808`},
	{"integer 2^64", `2**64`, `18446744073709552000`, `18446744073709551616`},
	{"integer 1e20", `1e20`, `100000000000000000000`, `1e20`},
	{"integer -1e20", `-1e20`, `-100000000000000000000`, `-1E+20`},
	{"integer 2^69", `2**69`, `590295810358705700000`, `590295810358705651712`},
	{"integer -1e19", `-1e19`, `-10000000000000000000`, `-10000000000000000000.0`},
	{"integer inside an object", `{n: 2**63}`, `{"n":9223372036854776000}`, `{ "n" : 9223372036854775808 }`},
	{"bigint int64 max", `9223372036854775807n`, `9223372036854775807`, `9223372036854775807`},
	{"power of two in 16 digits", `2**-1017`, `7.120236347223045e-307`, `7.1202363472230444e-307`},
	{"NUL in a string", `"a\u0000b"`, `"a\u0000b"`, `"a\u0000b"`},
	{"NUL-only string", `"\u0000"`, `"\u0000"`, `"\u0000"`},
	{"NUL in a member name", `{"a\u0000b": 1}`, `{"a\u0000b":1}`, `{"a\u0000b":1}`},
	{"NUL names do not collide", `{"a\u0000b": 1, "a\u0000c": 2}`, `{"a\u0000b":1,"a\u0000c":2}`, `{"a\u0000c":2,"a\u0000b":1}`},
	{"NUL name next to its prefix", `{"a\u0000b": 1, "a": 2}`, `{"a":2,"a\u0000b":1}`, `{"a\u0000b":1,"a":2}`},
}

func TestFormerLibkvDefects(t *testing.T) {
	rt := sobek.New()
	for _, d := range formerLibkvDefects {
		got, err := encodeCanonicalJSON(rt, eval(t, rt, d.src))
		require.NoError(t, err, d.name)
		require.Equal(t, d.want, string(got), d.name)
		out, cerr := testonlyCanonicalize(got)
		require.NoError(t, cerr, d.name)
		assert.Equal(t, d.want, string(out), d.name)
		out, cerr = testonlyCanonicalize([]byte(d.other))
		require.NoError(t, cerr, d.name)
		assert.Equal(t, d.want, string(out), "%s: %s", d.name, d.other)
	}
	// What the encoder refuses, libkv refuses or would change, in the form
	// JSON.stringify writes it.
	for text, want := range map[string]string{
		`"\ud800"`:                     "unpaired surrogate",
		`"\ud800\u0041"`:               "unpaired surrogate",
		`"\ud800xy"`:                   "unpaired surrogate",
		`"\udc00xy"`:                   "unpaired surrogate",
		`{"\udfff": 1}`:                "unpaired surrogate",
		"1" + strings.Repeat("0", 400): "beyond the range of a double",
	} {
		_, cerr := testonlyCanonicalize([]byte(text))
		if assert.Error(t, cerr, text) {
			assert.Contains(t, cerr.Error(), want, text)
		}
	}
	out, cerr := testonlyCanonicalize([]byte(`12345678901234567890`))
	require.NoError(t, cerr)
	assert.Equal(t, `12345678901234567000`, string(out), "libkv keeps only int64 literals digit for digit")
}

// checkAgainstLibkv is the differential check of one value: canonical text
// is a fixed point of libkv's canonicalizer, and the old path (encodeJSON,
// then libkv) writes the same bytes. The encoder refuses two things the old
// path let through and libkv cannot keep: lone surrogates (the old path made
// them U+FFFD) and BigInts outside int64; it reports whether v was one.
func checkAgainstLibkv(t *testing.T, rt *sobek.Runtime, v sobek.Value) (refused string) {
	t.Helper()
	got, err := encodeCanonicalJSON(rt, v)
	old, oldErr := encodeJSON(rt, v)
	if err != nil && oldErr == nil {
		switch {
		case strings.Contains(err.Error(), "unpaired surrogate"):
			return "lone surrogate"
		case strings.Contains(err.Error(), "outside the 64-bit integer range"):
			return "bigint beyond int64"
		}
	}
	require.Equal(t, oldErr == nil, err == nil, "encodeJSON and encodeCanonicalJSON disagree on %v: %v / %v", v, oldErr, err)
	if err != nil {
		return ""
	}
	fixed, cerr := testonlyCanonicalize(got)
	require.NoError(t, cerr, "%q", got)
	require.Equal(t, string(got), string(fixed), "libkv rewrites canonical text")
	viaOld, cerr := testonlyCanonicalize(old)
	require.NoError(t, cerr, "%q", old)
	require.Equal(t, string(viaOld), string(got), "old path (encodeJSON %q, then libkv) differs", old)
	return ""
}

func TestCanonicalMatchesLibkv(t *testing.T) {
	rt := sobek.New()
	for _, src := range []string{
		`{name: "Alice", age: 30, tags: ["a", "b"], nested: {z: null, y: [1.5, -0, true]}}`,
		`{"é": 1, "e": 2, "😀": 3, "\uffff": 4, "\u007f": 5, " ": 6, "\t": 7, "\"": 8, "\\": 9}`,
		`"\b\f\n\r\t\u0001\u001f\u007f\u0080\u00ff\u07ff\u0800\uffff"`,
		`["\ud83d\ude00", "\u2028\u2029", "</script>", "\/"]`,
		`[0, -0, 1, -1, 0.1, 1e-7, 1e-6, 1e21, 1e-300, 5e-324, 1.7976931348623157e308, 2**53, -(2**53), 2**62, 1234567890123456800]`,
		`{2: 1, 10: 2, 1: 3, a: 4, "01": 5, "-1": 6}`,
		`(() => { let o = {leaf: "x"}; for (let i = 0; i < 500; i++) o = {k: o, a: [i]}; return o; })()`,
		`[[[[[[[[[[[]]]]]]]]]], {}, [{}], ""]`,
		`new Date(86400000)`,
		`{toJSON() { return [3, {b: 2, a: 1}]; }}`,
		`9223372036854775807n`,
		`-9223372036854775808n`,
	} {
		assert.Empty(t, checkAgainstLibkv(t, rt, eval(t, rt, src)), src)
	}
}

// valueGen builds random JavaScript values from a stream of choices.
type valueGen struct {
	rt    *sobek.Runtime
	next  func(n int) int // a choice in [0, n)
	set   sobek.Callable  // Reflect.set: exact names, lone surrogates included
	bytes int             // rough size so far, to keep values small
	lone  bool            // strings may hold lone surrogates (which the encoder refuses)
}

func newValueGen(t testing.TB, rt *sobek.Runtime, next func(n int) int) *valueGen {
	set, err := jsBuiltin(rt, "Reflect", "set")
	require.NoError(t, err)
	return &valueGen{rt: rt, next: next, set: set}
}

var genUnits = []uint16{
	'a', 'b', 'z', 'A', 'Z', '0', '9', ' ', '"', '\\', '/', '\b', '\f', '\n', '\r', '\t',
	0, 1, 0x1f, 0x7f, 0x80, 0xe9, 0xff, 0x7ff, 0x800, 0x2028, 0xfeff, 0xfffd, 0xffff, 0xe000,
	0xd800, 0xdbff, 0xdc00, 0xdfff, // lone, unless paired by chance
}

func (g *valueGen) str(maxLen int) sobek.String {
	n := g.next(maxLen + 1)
	u := make([]uint16, 0, n+1)
	for range n {
		switch g.next(8) {
		case 0, 1, 2:
			u = append(u, uint16('a'+g.next(26)))
		case 3: // a pair
			u = append(u, 0xd83d, 0xde00+uint16(g.next(0x50)))
		default:
			c := genUnits[g.next(len(genUnits))]
			if c >= 0xd800 && c <= 0xdfff && !g.lone {
				c = 'q'
			}
			u = append(u, c)
		}
	}
	g.bytes += n
	if g.next(4) == 0 {
		// As a Go string (an importedString), when exact in one.
		if s := sobek.StringFromUTF16(u); !strings.ContainsRune(s.String(), 0xfffd) {
			return g.rt.ToValue(s.String() + strings.Repeat("x", g.next(20))).(sobek.String)
		}
	}
	return sobek.StringFromUTF16(u)
}

var genNumbers = []float64{
	0, math.Copysign(0, -1), 1, -1, 30, 255, 256, -257, 1 << 31, 1 << 53, 1<<53 + 2, -(1 << 53),
	1 << 62, 1 << 63, 1 << 64, 1e15, 1e20, -1e20, 1e21, 1e22, 999999999999999900000,
	0.1, 0.5, 1.0 / 3, 2.5, -123.456, 1e-6, 1e-7, 1.5e-7, 5e-324, 2.2250738585072014e-308,
	1.7976931348623157e308, -1.7976931348623157e308, 4.35, 0.000001234, 123456789.987654321,
}

func (g *valueGen) number() sobek.Value {
	switch g.next(4) {
	case 0:
		return g.rt.ToValue(genNumbers[g.next(len(genNumbers))])
	case 1:
		return g.rt.ToValue(int64(g.next(2001) - 1000))
	case 2:
		var bits uint64
		for range 8 {
			bits = bits<<8 | uint64(g.next(256))
		}
		if f := math.Float64frombits(bits); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return g.rt.ToValue(f)
		}
		return g.rt.ToValue(0.25)
	default:
		return g.rt.ToValue(math.Ldexp(1+float64(g.next(1000))/1000, g.next(2098)-1074))
	}
}

// value makes a random value; depth bounds its nesting. With exact, only
// values that come back equal from JSON (no undefined, -0 or BigInt).
func (g *valueGen) value(depth int, exact bool) sobek.Value {
	if g.bytes > 4000 {
		depth = 0
	}
	k := g.next(10)
	if depth <= 0 && k >= 7 {
		k = g.next(7)
	}
	g.bytes += 4
	switch k {
	case 0:
		return sobek.Null()
	case 1:
		return g.rt.ToValue(g.next(2) == 0)
	case 2, 3:
		v := g.number()
		if exact && v.SameAs(g.rt.ToValue(math.Copysign(0, -1))) {
			return g.rt.ToValue(0)
		}
		return v
	case 4, 5:
		return g.str(12)
	case 6:
		if exact {
			return g.str(3)
		}
		if g.next(2) == 0 {
			return sobek.Undefined()
		}
		return g.rt.ToValue(new(big.Int).Lsh(big.NewInt(int64(g.next(1000))), uint(g.next(70))))
	case 7, 8:
		n := g.next(6)
		items := make([]any, n)
		for i := range items {
			items[i] = g.value(depth-1, exact)
		}
		return g.rt.NewArray(items...)
	default:
		obj := g.rt.NewObject()
		for range g.next(7) {
			var name sobek.Value
			switch g.next(4) {
			case 0:
				name = g.rt.ToValue(strconv.Itoa(g.next(30))) // integer-like names come first in JS
			default:
				name = g.str(6)
			}
			if _, err := g.set(sobek.Undefined(), obj, name, g.value(depth-1, exact)); err != nil {
				panic(err)
			}
		}
		return obj
	}
}

func TestCanonicalRandomDifferential(t *testing.T) {
	rt := sobek.New()
	r := rand.New(rand.NewPCG(9, 2))
	g := newValueGen(t, rt, func(n int) int { return r.IntN(n) })
	g.lone = true
	seen := map[string]int{}
	n := 3000
	if testing.Short() {
		n = 300
	}
	for range n {
		g.bytes = 0
		if r := checkAgainstLibkv(t, rt, g.value(5, false)); r != "" {
			seen[r]++
		}
	}
	t.Logf("values the encoder refuses and the old path let through: %v", seen)
}

// Deep nesting: libkv's parser and encodeCanonicalJSON both stop past 512 levels.
func TestCanonicalDeepNesting(t *testing.T) {
	rt := sobek.New()
	for _, n := range []int{100, 511, 512, 513, 1000} {
		v := eval(t, rt, fmt.Sprintf(`(() => { let o = "x"; for (let i = 0; i < %d; i++) o = i %% 2 ? [o] : {k: o}; return o; })()`, n))
		got, err := encodeCanonicalJSON(rt, v)
		if n > maxValueDepth {
			// Refused here as libkv's parser would refuse it.
			require.ErrorContains(t, err, "nested too deeply", n)
			continue
		}
		require.NoError(t, err, n)
		fixed, cerr := testonlyCanonicalize(got)
		require.NoError(t, cerr, n)
		assert.Equal(t, string(got), string(fixed), n)
		back, err := jsonToJS(rt, got)
		require.NoError(t, err, n)
		again, err := encodeCanonicalJSON(rt, back)
		require.NoError(t, err, n)
		assert.Equal(t, string(got), string(again), n)
	}
}

// FuzzCanonicalDifferential: the fuzz input drives valueGen; each value is
// checked against libkv as in TestCanonicalRandomDifferential, and must come
// back from jsonToJS unchanged.
func FuzzCanonicalDifferential(f *testing.F) {
	for _, seed := range []string{"", "\x07\x08\x09", "\x09\x09\x09\x01\x02\x03\x04\x05\x06", "\xff\xfe\xfd\xfc\x00\x01\x09\x08\x07\x06\x05\x04\x03", "8102"} {
		f.Add([]byte(seed))
	}
	rt := sobek.New()
	jsEqual := jsDeepEqual(f, rt)
	f.Fuzz(func(t *testing.T, data []byte) {
		i := 0
		g := newValueGen(t, rt, func(n int) int {
			if i >= len(data) {
				return 0
			}
			i++
			return int(data[i-1]) % n
		})
		g.lone = true
		exact := len(data) > 0 && data[0]&1 == 1
		v := g.value(6, exact)
		checkAgainstLibkv(t, rt, v)
		text, err := encodeCanonicalJSON(rt, v)
		if err != nil {
			return
		}
		back, err := jsonToJS(rt, text)
		require.NoError(t, err, "%q", text)
		again, err := encodeCanonicalJSON(rt, back)
		require.NoError(t, err)
		if exact {
			require.True(t, jsEqual(v, back, ""), "%q", text)
			require.Equal(t, string(text), string(again))
		}
		// BigInts come back as numbers, which then stay as they are.
		back, err = jsonToJS(rt, again)
		require.NoError(t, err, "%q", again)
		again2, err := encodeCanonicalJSON(rt, back)
		require.NoError(t, err)
		require.Equal(t, string(again), string(again2))
	})
}
