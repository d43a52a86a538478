// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/grafana/sobek"
)

// Argument conversion, on the event loop. Rules about key contents (empty,
// too long, not UTF-8) are libkv's; only what cannot cross the C API is
// checked here: a key must be a string (a Symbol is not one) without NUL
// characters and without lone surrogates (their Go form is U+FFFD, so
// "a\ud800b" and "a\udbffb" would silently be one key).

func keyProblem(v sobek.Value) (string, string) {
	if _, isSymbol := v.(*sobek.Symbol); isSymbol {
		return "", "key must be a string, got a symbol"
	}
	s, ok := keyString(v)
	if !ok {
		return "", fmt.Sprintf("key must be a string, got %s", describe(v))
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "", fmt.Sprintf("key %q contains a NUL character", s)
	}
	if c, lone := loneSurrogate(v); lone {
		return "", fmt.Sprintf("key %q holds an unpaired surrogate \\u%04x, which is not Unicode (keys are UTF-8)", s, c)
	}
	return s, ""
}

// keyString is the Go string of a JavaScript string key. A string primitive
// converts without Export, which boxes the string in an interface (one
// allocation per call); anything else goes through Export as before, so a
// String object is still a key.
func keyString(v sobek.Value) (string, bool) {
	if str, ok := v.(sobek.String); ok {
		return str.String(), true
	}
	s, ok := v.Export().(string)
	return s, ok && !isNullish(v)
}

func keyArg(method string, v sobek.Value) (string, *kvError) {
	key, problem := keyProblem(v)
	if problem != "" {
		return "", invalidOptions(method + "(): " + problem)
	}
	return key, nil
}

// keyList reads an array of keys. Bad elements are reported per item; the
// element is left as "" so callers can still pass a full batch to libkv.
func keyList(method string, v sobek.Value) ([]string, []itemError, *kvError) {
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() != "Array" {
		return nil, nil, invalidOptions(method + "() expects an array of keys, got " + describe(v))
	}
	n := obj.Get("length").ToInteger()
	keys := make([]string, n)
	var items []itemError
	for i := range keys {
		elem := obj.Get(strconv.Itoa(i))
		key, problem := keyProblem(elem)
		if problem != "" {
			it := itemError{Index: i, Name: itemInvalidEntries, Message: problem}
			if s, isString := elem.Export().(string); isString {
				it.Key = &s
			}
			items = append(items, it)
			continue
		}
		keys[i] = key
	}
	return keys, items, nil
}

// invalidEntries is the rejection for a batch with bad items; outcome says
// what happened to the rest (", nothing was written").
func invalidEntries(method, outcome string, items []itemError) *kvError {
	noun := "entries are"
	if len(items) == 1 {
		noun = "entry is"
	}
	return &kvError{
		Name:    nameInvalidOptions,
		Message: fmt.Sprintf("%s(): %d %s invalid%s", method, len(items), noun, outcome),
		Items:   items,
	}
}

// valueArg serializes a value argument.
func (h *handle) valueArg(method string, v sobek.Value) ([]byte, *kvError) {
	b, err := encodeValue(h.vu.Runtime(), v, h.stringMode)
	if err != nil {
		return nil, valueError(method, err)
	}
	return b, nil
}

// deltaArg reads incrementBy()'s delta: an integral number within int64.
// It is checked here because the C API takes a gint64.
func deltaArg(v sobek.Value) (int64, *kvError) {
	if !isNullish(v) {
		switch x := v.Export().(type) {
		case int64:
			return x, nil
		case float64:
			// -2^63 is exact as a float64; 2^63 is the first value out of range.
			if x == math.Trunc(x) && x >= math.MinInt64 && x < math.MaxInt64 {
				return int64(x), nil
			}
		case *big.Int:
			if x.IsInt64() {
				return x.Int64(), nil
			}
		}
	}
	return 0, newError(nameValueNumberRequired,
		fmt.Sprintf("incrementBy(): delta must be an integral number within the 64-bit range, got %s", describe(v)))
}

// describe names a value for error messages without dumping it.
func describe(v sobek.Value) string {
	switch {
	case v == nil || sobek.IsUndefined(v):
		return "undefined"
	case sobek.IsNull(v):
		return "null"
	}
	if obj, ok := v.(*sobek.Object); ok {
		switch {
		case isFunction(obj):
			return "a function"
		case obj.ClassName() == "Array":
			return "an array"
		default:
			return "an object"
		}
	}
	switch x := v.Export().(type) {
	case string:
		return strconv.Quote(x)
	case int64, float64, bool, *big.Int:
		return v.String()
	}
	return typeName(v)
}
