// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/grafana/sobek"
)

// Values cross the binding once each way. Going in, a JavaScript value is
// turned into bytes on the event loop: canonical JSON in json mode, which
// libkv stores as given (kv_store_set_values_canonical), text in string mode.
// Coming out, stored bytes become JavaScript values on the event loop, built
// directly from the JSON text (values_decode.go).

// maxDepth bounds the nesting jsonToJS accepts, so a deep structure cannot
// exhaust the Go stack.
const maxDepth = 1000

// maxValueDepth bounds the nesting of a value the binding stores: libkv's own
// parser (KV_JSON_MAX_DEPTH) refuses deeper text, so a deeper value written
// here could not be exported, imported or read by kv-admin.
const maxValueDepth = 512

// serializeError says why a value cannot be stored.
type serializeError struct{ msg string }

func (e *serializeError) Error() string { return e.msg }

// tooLargeError is a value whose text passes libkv's limit: libkv's own
// InvalidOptionsError, raised before the whole text is built.
type tooLargeError struct{}

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("value is more than %d bytes as JSON; the limit is %d bytes", maxValueBytes, maxValueBytes)
}

// valueError is the rejection for a value that cannot be stored.
func valueError(method string, err error) *kvError {
	var big *tooLargeError
	if errors.As(err, &big) {
		return invalidOptions(method + "(): " + err.Error())
	}
	return newError(itemSerializer, method+"(): "+err.Error())
}

// encodeValue serializes v for a store in the given mode. Event loop only.
func encodeValue(rt *sobek.Runtime, v sobek.Value, stringMode bool) ([]byte, error) {
	if stringMode {
		return []byte(formatString(v)), nil
	}
	return encodeCanonicalJSON(rt, v)
}

// formatString follows the seed: strings as given, anything else as Go's
// fmt %v of its exported form (an object becomes map[a:1]).
func formatString(v sobek.Value) string {
	if v != nil {
		if s, ok := v.Export().(string); ok {
			return s
		}
		return fmt.Sprint(v.Export())
	}
	return fmt.Sprint(nil)
}

func typeName(v sobek.Value) string {
	if _, ok := v.(*sobek.Symbol); ok {
		return "symbol"
	}
	if t := v.ExportType(); t != nil {
		return t.String()
	}
	return "unknown"
}

const hexDigits = "0123456789abcdef"

// decoded is a stored value on its way back to JavaScript: the bytes as
// libkv returned them. It becomes a JavaScript value only on the event loop
// (jsonToJS builds sobek values straight from the text in json mode).
type decoded struct {
	raw        []byte
	stringMode bool
}

// decodeValue wraps stored bytes; it may run off the event loop and does no
// work: bytes that are not JSON reject the call when toJS builds the value.
func decodeValue(data []byte, stringMode bool) decoded {
	return decoded{raw: data, stringMode: stringMode}
}

// toJS builds the JavaScript value. Event loop only. Stored bytes that are
// not JSON reject the call (settle turns the panic into the rejection).
func (d decoded) toJS(rt *sobek.Runtime) sobek.Value {
	return textToJS(rt, string(d.raw), d.stringMode)
}

// textToJS is toJS for stored bytes already copied into a Go string.
func textToJS(rt *sobek.Runtime, text string, stringMode bool) sobek.Value {
	if stringMode {
		return rt.ToValue(text)
	}
	v, err := jsonTextToJS(rt, text)
	if err != nil {
		panic(newError(nameUnexpectedOutput, "stored value is "+err.Error()))
	}
	return v
}

// ---- Canonical JSON, written in one pass ----------------------------------
//
// encodeCanonicalJSON writes a JavaScript value directly in libkv's canonical
// form (libkv/kv-json.c), so libkv need not parse and rewrite it:
//
//   - no whitespace; object members sorted bytewise by their UTF-8 names
//     (code point order; a lone surrogate sorts as its code point, WTF-8);
//   - numbers as Number#toString writes them: integers below 1e21 in plain
//     digits, others as the shortest digits that read back to the same double,
//     in fixed notation for decimal exponents in [-7, 21) and as d.ddde±x
//     outside; -0 as -0; BigInts as their exact digits;
//   - strings escape '"', '\\', \b, \f, \n, \r, \t, the other controls below
//     0x20 (NUL included) as \u00xx (lowercase hex); everything else, DEL and
//     U+2028 included, is raw UTF-8.
//
// The semantics are encodeJSON's: toJSON is honoured, undefined members are
// left out (undefined elsewhere is null), functions, symbols, cycles, NaN and
// infinities are errors, nesting is bounded by maxValueDepth. Beyond
// JSON.stringify, a string or member name with a lone surrogate (no UTF-8
// form: libkv refuses "\ud800") and a BigInt outside int64 (libkv keeps
// integers exact only there; as a double it would change) are errors, and
// so is a text longer than maxValueBytes, found as soon as the text passes
// it (an array's length is checked against what is left before it is
// walked: each element takes at least two bytes). An exception thrown while
// reading the value (a getter, a Proxy trap) is a serializeError too.

// canonicalEncoder is the reusable state of encodeCanonicalJSON (its scratch
// slices survive in encoderPool between calls).
type canonicalEncoder struct {
	rt      *sobek.Runtime
	buf     []byte
	limit   int // len(buf) may not pass this: the value's start + maxValueBytes
	stack   []*sobek.Object
	members []canonicalMember
}

// canonicalMember is one object member waiting to be written. name is the
// sort key (UTF-8; WTF-8 when the name has a lone surrogate, then key holds
// the exact JavaScript name).
type canonicalMember struct {
	name  string
	key   sobek.String
	value sobek.Value
}

var encoderPool = sync.Pool{New: func() any { return &canonicalEncoder{buf: make([]byte, 0, 256)} }}

// encodeCanonicalJSON returns v as canonical JSON text in a new slice. Event loop only.
func encodeCanonicalJSON(rt *sobek.Runtime, v sobek.Value) ([]byte, error) {
	e := encoderPool.Get().(*canonicalEncoder)
	out, err := e.encode(rt, e.buf[:0], v)
	var result []byte
	if err == nil {
		result = make([]byte, len(out))
		copy(result, out)
	}
	if cap(out) <= 64<<10 {
		e.buf = out[:0]
	}
	encoderPool.Put(e)
	return result, err
}

// appendCanonicalJSON appends v as canonical JSON text to dst (for callers
// that pack many values into one buffer). On error dst is returned unchanged
// in length. Event loop only.
func appendCanonicalJSON(dst []byte, rt *sobek.Runtime, v sobek.Value) ([]byte, error) {
	e := encoderPool.Get().(*canonicalEncoder)
	saved := e.buf
	out, err := e.encode(rt, dst, v)
	e.buf = saved
	encoderPool.Put(e)
	if err != nil {
		return out[:len(dst)], err
	}
	return out, nil
}

func (e *canonicalEncoder) encode(rt *sobek.Runtime, dst []byte, v sobek.Value) ([]byte, error) {
	e.rt, e.buf, e.limit = rt, dst, len(dst)+maxValueBytes
	err := e.valueCatching(v)
	out := e.buf
	// Drop references to JavaScript values before the encoder is pooled.
	clear(e.stack[:cap(e.stack)])
	clear(e.members[:cap(e.members)])
	e.rt, e.stack, e.members = nil, e.stack[:0], e.members[:0]
	return out, err
}

// valueCatching writes v; a JavaScript exception thrown while it is read (a
// getter, a Proxy trap) becomes a serializeError instead of rejecting the
// call with the script's own error. Runtime.Try restores the VM's state
// as a JavaScript catch would.
func (e *canonicalEncoder) valueCatching(v sobek.Value) error {
	var err error
	if ex := e.rt.Try(func() { err = e.value(v, "", nil, 0) }); ex != nil {
		return &serializeError{"reading the value failed: " + ex.Error()}
	}
	return err
}

func (e *canonicalEncoder) tooLarge() bool { return len(e.buf) > e.limit }

// value applies toJSON, then writes v. key is its member name or index (keyJS
// when the name is only exact as a JavaScript string).
func (e *canonicalEncoder) value(v sobek.Value, key string, keyJS sobek.Value, depth int) error {
	if obj, ok := v.(*sobek.Object); ok {
		if toJSON, ok := sobek.AssertFunction(obj.Get("toJSON")); ok {
			if keyJS == nil {
				keyJS = e.rt.ToValue(key)
			}
			r, err := toJSON(obj, keyJS)
			if err != nil {
				return &serializeError{"toJSON() failed: " + err.Error()}
			}
			v = r
		}
	}
	if depth > maxValueDepth {
		return &serializeError{"value is nested too deeply"}
	}
	if e.tooLarge() {
		return &tooLargeError{}
	}
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	if s, ok := v.(sobek.String); ok {
		var err error
		if e.buf, err = appendCanonicalString(e.buf, s); err != nil {
			return err
		}
		if e.tooLarge() {
			return &tooLargeError{}
		}
		return nil
	}
	if sobek.IsNumber(v) {
		f := v.ToFloat()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return &serializeError{fmt.Sprintf("number %v cannot be serialized to JSON", f)}
		}
		e.buf = appendJSNumber(e.buf, f)
		return nil
	}
	obj, isObject := v.(*sobek.Object)
	if !isObject {
		return e.otherPrimitive(v)
	}
	if _, isFunc := sobek.AssertFunction(obj); isFunc {
		return &serializeError{"functions cannot be serialized to JSON"}
	}
	for _, seen := range e.stack {
		if seen == obj {
			return &serializeError{"cyclic structure cannot be serialized to JSON"}
		}
	}
	e.stack = append(e.stack, obj)
	var err error
	if obj.ClassName() == "Array" {
		err = e.array(obj, depth)
	} else {
		err = e.object(obj, depth)
	}
	e.stack[len(e.stack)-1] = nil
	e.stack = e.stack[:len(e.stack)-1]
	return err
}

func (e *canonicalEncoder) otherPrimitive(v sobek.Value) error {
	if _, ok := v.(*sobek.Symbol); ok {
		return &serializeError{"symbols cannot be serialized to JSON"}
	}
	switch x := v.Export().(type) {
	case bool:
		e.buf = strconv.AppendBool(e.buf, x)
	case *big.Int:
		if !x.IsInt64() {
			return &serializeError{"BigInt " + x.String()[:min(len(x.String()), 40)] + " is outside the 64-bit integer range, where stored integers are exact"}
		}
		e.buf = x.Append(e.buf, 10)
	default:
		return &serializeError{fmt.Sprintf("a value of type %s cannot be serialized to JSON", typeName(v))}
	}
	return nil
}

func (e *canonicalEncoder) array(obj *sobek.Object, depth int) error {
	n := obj.Get("length").ToInteger()
	// Each element takes at least one byte and a comma: a long (sparse)
	// array that cannot fit is refused before it is walked.
	if n > 0 && n > int64(e.limit-len(e.buf)-1)/2 {
		return &tooLargeError{}
	}
	e.buf = append(e.buf, '[')
	for i := int64(0); i < n; i++ {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		idx := indexString(i)
		if err := e.value(obj.Get(idx), idx, nil, depth+1); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, ']')
	return nil
}

func (e *canonicalEncoder) object(obj *sobek.Object, depth int) error {
	start := len(e.members)
	keys := obj.Keys()
	exact := true
	for _, k := range keys {
		// A name with U+FFFD may be the lossy Go form of a lone surrogate
		// (and two names may then look alike): take those names from
		// JavaScript instead.
		if strings.Contains(k, "\uFFFD") {
			exact = false
			break
		}
	}
	if exact {
		for _, k := range keys {
			if v := obj.Get(k); v != nil && !sobek.IsUndefined(v) {
				e.members = append(e.members, canonicalMember{name: k, value: v})
			}
		}
	} else if err := e.membersFromJS(obj); err != nil {
		e.dropMembers(start)
		return err
	}
	end := len(e.members)
	if !membersSorted(e.members[start:end]) {
		slices.SortFunc(e.members[start:end], func(a, b canonicalMember) int { return strings.Compare(a.name, b.name) })
	}
	e.buf = append(e.buf, '{')
	for i := start; i < end; i++ {
		// e.members may grow (and move) while a member value is written:
		// index it afresh each time.
		m := e.members[i]
		if i > start {
			e.buf = append(e.buf, ',')
		}
		var keyJS sobek.Value
		if m.key != nil {
			var err error
			if e.buf, err = appendCanonicalString(e.buf, m.key); err != nil {
				e.dropMembers(start)
				return err
			}
			keyJS = m.key
		} else {
			e.buf = appendQuotedUTF8(e.buf, m.name)
		}
		e.buf = append(e.buf, ':')
		if err := e.value(m.value, m.name, keyJS, depth+1); err != nil {
			e.dropMembers(start)
			return err
		}
	}
	e.buf = append(e.buf, '}')
	e.dropMembers(start)
	return nil
}

func (e *canonicalEncoder) dropMembers(start int) {
	clear(e.members[start:])
	e.members = e.members[:start]
}

// membersFromJS collects obj's members with their exact JavaScript names,
// through Object.keys and Reflect.get (Go strings cannot hold lone surrogates).
func (e *canonicalEncoder) membersFromJS(obj *sobek.Object) error {
	keysOf, err := jsBuiltin(e.rt, "Object", "keys")
	if err != nil {
		return err
	}
	get, err := jsBuiltin(e.rt, "Reflect", "get")
	if err != nil {
		return err
	}
	r, err := keysOf(sobek.Undefined(), obj)
	if err != nil {
		return &serializeError{"Object.keys() failed: " + err.Error()}
	}
	names := r.ToObject(e.rt)
	n := names.Get("length").ToInteger()
	for i := int64(0); i < n; i++ {
		k, ok := names.Get(indexString(i)).(sobek.String)
		if !ok {
			continue
		}
		v, err := get(sobek.Undefined(), obj, k)
		if err != nil {
			return &serializeError{"reading member failed: " + err.Error()}
		}
		if v == nil || sobek.IsUndefined(v) {
			continue
		}
		e.members = append(e.members, canonicalMember{name: wtf8(k), key: k, value: v})
	}
	return nil
}

// jsBuiltin returns the function global[object][name] of rt.
func jsBuiltin(rt *sobek.Runtime, object, name string) (sobek.Callable, error) {
	if o, ok := rt.GlobalObject().Get(object).(*sobek.Object); ok {
		if f, ok := sobek.AssertFunction(o.Get(name)); ok {
			return f, nil
		}
	}
	return nil, &serializeError{object + "." + name + " is not available"}
}

func membersSorted(ms []canonicalMember) bool {
	for i := 1; i < len(ms); i++ {
		if ms[i-1].name > ms[i].name {
			return false
		}
	}
	return true
}

// smallIndex holds "0".."1023", so walking an array allocates no index strings.
var smallIndex = func() (t [1024]string) {
	for i := range t {
		t[i] = strconv.Itoa(i)
	}
	return
}()

func indexString(i int64) string {
	if i >= 0 && i < int64(len(smallIndex)) {
		return smallIndex[i]
	}
	return strconv.FormatInt(i, 10)
}

// appendJSNumber appends finite f as Number#toString writes it, except
// that -0 is "-0" (so it reads back as -0), which is how libkv writes doubles.
func appendJSNumber(b []byte, f float64) []byte {
	if f == 0 {
		if math.Signbit(f) {
			return append(b, '-', '0')
		}
		return append(b, '0')
	}
	if f == math.Trunc(f) && f > -(1<<53) && f < 1<<53 {
		return strconv.AppendInt(b, int64(f), 10)
	}
	if f < 0 {
		b = append(b, '-')
		f = -f
	}
	// Shortest round-trip digits, as d.ddde±x.
	var tmp [32]byte
	t := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64)
	var digits [20]byte
	nd := 0
	i := 0
	for ; t[i] != 'e'; i++ {
		if t[i] != '.' {
			digits[nd] = t[i]
			nd++
		}
	}
	exp := 0
	neg := t[i+1] == '-'
	for _, c := range t[i+2:] {
		exp = exp*10 + int(c-'0')
	}
	if neg {
		exp = -exp
	}
	n := exp + 1 // f = 0.DIGITS × 10^n
	d := digits[:nd]
	switch {
	case nd <= n && n <= 21:
		b = append(b, d...)
		for j := nd; j < n; j++ {
			b = append(b, '0')
		}
	case 0 < n && n <= 21:
		b = append(b, d[:n]...)
		b = append(b, '.')
		b = append(b, d[n:]...)
	case -6 < n && n <= 0:
		b = append(b, '0', '.')
		for j := n; j < 0; j++ {
			b = append(b, '0')
		}
		b = append(b, d...)
	default:
		b = append(b, d[0])
		if nd > 1 {
			b = append(b, '.')
			b = append(b, d[1:]...)
		}
		b = append(b, 'e')
		if n-1 < 0 {
			b = append(b, '-')
			b = strconv.AppendInt(b, int64(1-n), 10)
		} else {
			b = append(b, '+')
			b = strconv.AppendInt(b, int64(n-1), 10)
		}
	}
	return b
}

// plainASCII[c] is true for the bytes a canonical string holds unescaped.
var plainASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return
}()

func appendEscapedASCII(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// appendCanonicalString appends the JavaScript string s as a canonical JSON
// string. The Go form of s is exact unless it holds U+FFFD (which is also
// what a lone surrogate becomes); then s is read as UTF-16. A lone surrogate
// is an error: it has no UTF-8 form, and libkv refuses its escape.
func appendCanonicalString(b []byte, s sobek.String) ([]byte, error) {
	mark := len(b)
	if out, ok := appendQuoted(b, s.String()); ok {
		return out, nil
	}
	out, lone := appendQuotedUTF16(b[:mark], s)
	if lone != 0 {
		return b[:mark], loneSurrogateError(lone)
	}
	return out, nil
}

func loneSurrogateError(c uint16) error {
	return &serializeError{fmt.Sprintf("string holds an unpaired surrogate \\u%04x, which is not Unicode and cannot be stored as UTF-8", c)}
}

// appendQuotedUTF8 appends the Go string s as a canonical JSON string;
// invalid UTF-8 is written as U+FFFD.
func appendQuotedUTF8(b []byte, s string) []byte {
	b, _ = appendStringBody(append(b, '"'), s, false)
	return append(b, '"')
}

// appendStringBody escapes s into b: invalid UTF-8 bytes become U+FFFD. With
// stopAtFFFD, a U+FFFD already in s (which may stand for a lone surrogate
// in the sobek string s came from) gives up with ok false instead.
func appendStringBody(b []byte, s string, stopAtFFFD bool) (_ []byte, ok bool) {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !plainASCII[c] {
				b = append(b, s[start:i]...)
				b = appendEscapedASCII(b, c)
				start = i + 1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError {
			if size != 1 {
				if stopAtFFFD {
					return b, false
				}
			} else {
				b = append(b, s[start:i]...)
				b = append(b, "\uFFFD"...)
				start = i + 1
			}
		}
		i += size
	}
	return append(b, s[start:]...), true
}

// appendQuoted is appendQuotedUTF8 that gives up (ok false) at a U+FFFD.
func appendQuoted(b []byte, s string) (_ []byte, ok bool) {
	b, ok = appendStringBody(append(b, '"'), s, true)
	if !ok {
		return b, false
	}
	return append(b, '"'), true
}

// appendQuotedUTF16 appends s, read as UTF-16 code units, as a canonical JSON
// string: pairs become UTF-8. At a lone surrogate it stops and returns it.
func appendQuotedUTF16(b []byte, s sobek.String) (_ []byte, lone uint16) {
	b = append(b, '"')
	n := s.Length()
	for i := 0; i < n; i++ {
		c := s.CharAt(i)
		switch {
		case c < utf8.RuneSelf:
			if plainASCII[c] {
				b = append(b, byte(c))
			} else {
				b = appendEscapedASCII(b, byte(c))
			}
		case c >= 0xD800 && c <= 0xDBFF && i+1 < n && isLowSurrogate(s.CharAt(i+1)):
			b = utf8.AppendRune(b, utf16.DecodeRune(rune(c), rune(s.CharAt(i+1))))
			i++
		case c >= 0xD800 && c <= 0xDFFF:
			return b, c
		default:
			b = utf8.AppendRune(b, rune(c))
		}
	}
	return append(b, '"'), 0
}

// loneSurrogate returns the first unpaired surrogate of the JavaScript string
// v, if it is one and has any (its Go form shows U+FFFD where it has).
func loneSurrogate(v sobek.Value) (uint16, bool) {
	s, ok := v.(sobek.String)
	if !ok || !strings.ContainsRune(s.String(), utf8.RuneError) {
		return 0, false
	}
	n := s.Length()
	for i := 0; i < n; i++ {
		c := s.CharAt(i)
		switch {
		case c >= 0xD800 && c <= 0xDBFF && i+1 < n && isLowSurrogate(s.CharAt(i+1)):
			i++
		case c >= 0xD800 && c <= 0xDFFF:
			return c, true
		}
	}
	return 0, false
}

func isLowSurrogate(c uint16) bool { return c >= 0xDC00 && c <= 0xDFFF }

// wtf8 is s as UTF-8, with lone surrogates encoded like other code points
// (WTF-8): its bytewise order is code point order.
func wtf8(s sobek.String) string {
	n := s.Length()
	b := make([]byte, 0, n)
	for i := 0; i < n; i++ {
		c := s.CharAt(i)
		switch {
		case c >= 0xD800 && c <= 0xDBFF && i+1 < n && isLowSurrogate(s.CharAt(i+1)):
			b = utf8.AppendRune(b, utf16.DecodeRune(rune(c), rune(s.CharAt(i+1))))
			i++
		case c >= 0xD800 && c <= 0xDFFF:
			b = append(b, 0xE0|byte(c>>12), 0x80|byte(c>>6&0x3f), 0x80|byte(c&0x3f))
		default:
			b = utf8.AppendRune(b, rune(c))
		}
	}
	return string(b)
}
