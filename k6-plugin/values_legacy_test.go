// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

// The binding's encoder and decoder before values crossed once (issue 9): a
// JSON.stringify-like encoder whose output libkv re-canonicalized, and
// encoding/json into any. Kept for the tests only, as the reference the
// differential tests and the benchmarks compare the new path with.

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/grafana/sobek"
)

// encodeJSON turns a JavaScript value into JSON text the way JSON.stringify
// does (toJSON is honoured, undefined members are left out), except that
// functions, symbols, cycles, NaN and infinities are errors instead of being
// dropped or turned into null, so bad data never gets stored silently.
func encodeJSON(rt *sobek.Runtime, v sobek.Value) ([]byte, error) {
	e := jsonEncoder{rt: rt}
	if err := e.value(v, "", 0); err != nil {
		return nil, err
	}
	return e.buf, nil
}

type jsonEncoder struct {
	rt    *sobek.Runtime
	buf   []byte
	stack []*sobek.Object
}

func (e *jsonEncoder) value(v sobek.Value, key string, depth int) error {
	if obj, ok := v.(*sobek.Object); ok {
		if toJSON, ok := sobek.AssertFunction(obj.Get("toJSON")); ok {
			r, err := toJSON(obj, e.rt.ToValue(key))
			if err != nil {
				return &serializeError{"toJSON() failed: " + err.Error()}
			}
			v = r
		}
	}
	return e.resolved(v, depth)
}

// resolved serializes v after toJSON has been applied.
func (e *jsonEncoder) resolved(v sobek.Value, depth int) error {
	if depth > maxDepth {
		return &serializeError{"value is nested too deeply"}
	}
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	obj, isObject := v.(*sobek.Object)
	if !isObject {
		return e.primitive(v)
	}
	if _, isFunc := sobek.AssertFunction(obj); isFunc {
		return &serializeError{"functions cannot be serialized to JSON"}
	}
	return e.object(obj, depth)
}

func (e *jsonEncoder) primitive(v sobek.Value) error {
	if _, ok := v.(*sobek.Symbol); ok {
		return &serializeError{"symbols cannot be serialized to JSON"}
	}
	switch x := v.Export().(type) {
	case string:
		e.buf = appendJSONString(e.buf, x)
	case bool:
		e.buf = strconv.AppendBool(e.buf, x)
	case int64:
		e.buf = strconv.AppendInt(e.buf, x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return &serializeError{fmt.Sprintf("number %v cannot be serialized to JSON", x)}
		}
		e.buf = strconv.AppendFloat(e.buf, x, 'g', -1, 64)
	case *big.Int:
		e.buf = x.Append(e.buf, 10)
	default:
		return &serializeError{fmt.Sprintf("a value of type %s cannot be serialized to JSON", typeName(v))}
	}
	return nil
}

func (e *jsonEncoder) object(obj *sobek.Object, depth int) error {
	for _, seen := range e.stack {
		if seen == obj {
			return &serializeError{"cyclic structure cannot be serialized to JSON"}
		}
	}
	e.stack = append(e.stack, obj)
	defer func() { e.stack = e.stack[:len(e.stack)-1] }()

	if obj.ClassName() == "Array" {
		n := obj.Get("length").ToInteger()
		e.buf = append(e.buf, '[')
		for i := int64(0); i < n; i++ {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			idx := strconv.FormatInt(i, 10)
			if err := e.value(obj.Get(idx), idx, depth+1); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
		return nil
	}

	e.buf = append(e.buf, '{')
	first := true
	for _, k := range obj.Keys() {
		member := obj.Get(k)
		if member == nil || sobek.IsUndefined(member) {
			continue
		}
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		e.buf = appendJSONString(e.buf, k)
		e.buf = append(e.buf, ':')
		if err := e.value(member, k, depth+1); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

// appendJSONString writes s as a JSON string literal, escaping only what JSON requires.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\\ufffd"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// legacyDecode is the old read path: encoding/json into any, then sobek values.
func legacyDecode(rt *sobek.Runtime, data []byte) (sobek.Value, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return goToJS(rt, v), nil
}

func goToJS(rt *sobek.Runtime, v any) sobek.Value {
	switch x := v.(type) {
	case nil:
		return sobek.Null()
	case map[string]any:
		obj := rt.NewObject()
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys) // canonical order, as stored
		for _, k := range keys {
			mustSet(obj, k, goToJS(rt, x[k]))
		}
		return obj
	case []any:
		items := make([]any, len(x))
		for i, it := range x {
			items[i] = goToJS(rt, it)
		}
		return rt.NewArray(items...)
	default:
		return rt.ToValue(x)
	}
}
