// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"errors"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/grafana/sobek"
)

// Batch methods cross into C once per call, whatever the number of keys.

// invalidSentinel replaces an entry that cannot cross the C API (a value the
// Go serializer rejected, a key with a NUL). It is not JSON, so libkv rejects
// the entry as well, which keeps its all-or-nothing validation in charge of
// the whole batch and lets its own per-item errors (empty keys, ...) be
// reported together with ours.
var invalidSentinel = []byte("\x01<unserializable>")

// getMany(keys) → [{key, exists, value}], in input order.
func (h *handle) getMany(call sobek.FunctionCall) sobek.Value {
	keys, items, kerr := keyList("getMany", call.Argument(0))
	if kerr == nil && len(items) > 0 {
		kerr = invalidEntries("getMany", "", items)
	}
	return h.inline("get_many", kerr, func(s *slot) outcome {
		r := s.getMany(h.store, packKeys(keys))
		if r.err != nil {
			return fail(r.err)
		}
		raw, ok := decodeValues(r.value, len(keys))
		if !ok || r.num1 != uint64(len(keys)) {
			return fail(newError(nameUnexpectedOutput, "getMany(): libkv returned a malformed result"))
		}
		values := make([]*decoded, len(keys))
		for i, b := range raw {
			if b == nil {
				continue
			}
			d := decodeValue(b, h.stringMode)
			values[i] = &d
		}
		return resolved(func(rt *sobek.Runtime) sobek.Value {
			out := make([]any, len(keys))
			for i, key := range keys {
				o := rt.NewObject()
				mustSet(o, "key", key)
				mustSet(o, "exists", values[i] != nil)
				if values[i] != nil {
					mustSet(o, "value", values[i].toJS(rt))
				} else {
					mustSet(o, "value", sobek.Null())
				}
				out[i] = o
			}
			return rt.NewArray(out...)
		})
	})
}

// setMany({key: value, ...}) → {written}. Everything is validated before
// anything is written; a bad entry rejects the call with InvalidOptionsError
// and an errors array, and nothing is written.
func (h *handle) setMany(call sobek.FunctionCall) sobek.Value {
	rt := h.vu.Runtime()
	arg := call.Argument(0)
	obj, ok := arg.(*sobek.Object)
	if !ok || obj.ClassName() == "Array" || isFunction(obj) {
		return h.async("set_many", invalidOptions("setMany() expects an object mapping keys to values, got "+describe(arg)), nil)
	}

	keys := obj.Keys()
	values := make([][]byte, len(keys))
	var local []itemError
	exact := exactKeys(rt, obj, keys)
	for i, k := range keys {
		key, problem := keyProblem(exact[i])
		if problem != "" {
			bad := k
			local = append(local, itemError{Index: i, Key: &bad, Name: itemInvalidEntries, Message: problem})
			keys[i], values[i] = "", invalidSentinel
			continue
		}
		v, err := encodeValue(rt, obj.Get(k), h.stringMode)
		if err != nil {
			name := itemSerializer
			var big *tooLargeError
			if errors.As(err, &big) {
				name = itemInvalidEntries // as libkv names an over-long value
			}
			local = append(local, itemError{Index: i, Key: &key, Name: name, Message: err.Error()})
			// The key goes as "" too: on a handle whose values libkv trusts as
			// canonical (kv_store_set_values_canonical) the sentinel alone
			// would be stored, and the rest of the batch with it.
			keys[i], values[i] = "", invalidSentinel
			continue
		}
		values[i] = v
	}

	packed := packKeys(keys)
	return h.writeCall("set_many", nil, write{
		run:    func(s *slot) result { return s.setMany(h.store, packed, values) },
		submit: func(token uintptr) { submitSetMany(h.store, packed, values, token) },
		finish: func(r result) outcome { return setManyOutcome(r, local, len(keys)) },
	})
}

func setManyOutcome(r result, local []itemError, written int) outcome {
	if r.err != nil {
		return fail(mergeItemErrors("setMany", "; nothing was written", r.err, local))
	}
	if len(local) > 0 {
		return fail(newError(nameUnexpectedOutput, "setMany(): libkv accepted an entry it should have rejected"))
	}
	return resolved(func(rt *sobek.Runtime) sobek.Value {
		o := rt.NewObject()
		mustSet(o, "written", written)
		return o
	})
}

// deleteMany(keys) → {deleted, missing}. Every key is validated before any is deleted.
func (h *handle) deleteMany(call sobek.FunctionCall) sobek.Value {
	keys, local, kerr := keyList("deleteMany", call.Argument(0))
	// Keys rejected here go to libkv as "", which it rejects as empty:
	// nothing is deleted and its other per-item errors come back too.
	packed := packKeys(keys)
	return h.writeCall("delete_many", kerr, write{
		run:    func(s *slot) result { return s.deleteMany(h.store, packed) },
		submit: func(token uintptr) { submitDeleteMany(h.store, packed, token) },
		finish: func(r result) outcome { return deleteManyOutcome(r, local) },
	})
}

func deleteManyOutcome(r result, local []itemError) outcome {
	if r.err != nil {
		return fail(mergeItemErrors("deleteMany", "; nothing was deleted", r.err, local))
	}
	if len(local) > 0 {
		return fail(newError(nameUnexpectedOutput, "deleteMany(): libkv accepted a key it should have rejected"))
	}
	deleted, missing := r.num1, r.num2
	return resolved(func(rt *sobek.Runtime) sobek.Value {
		o := rt.NewObject()
		mustSet(o, "deleted", deleted)
		mustSet(o, "missing", missing)
		return o
	})
}

// mergeItemErrors combines libkv's rejection of a batch with the items the
// binding rejected itself. Our item wins where both name the same index (the
// entry libkv saw was only a stand-in). A rejection that is not about the
// input (a closed store, say) is passed through unchanged.
func mergeItemErrors(method, outcome string, cerr *kvError, local []itemError) *kvError {
	if len(local) == 0 || cerr.Name != nameInvalidOptions {
		return cerr
	}
	ours := make(map[int]bool, len(local))
	merged := append([]itemError(nil), local...)
	for _, it := range local {
		ours[it.Index] = true
	}
	for _, it := range cerr.Items {
		if !ours[it.Index] {
			merged = append(merged, it)
		}
	}
	sort.SliceStable(merged, func(i, j int) bool { return merged[i].Index < merged[j].Index })
	return invalidEntries(method, outcome, merged)
}

// exactKeys returns obj's member names as JavaScript strings, for keyProblem:
// the Go names from Keys() are exact unless one holds U+FFFD, which may stand
// for a lone surrogate; then the names are read through Object.keys.
func exactKeys(rt *sobek.Runtime, obj *sobek.Object, keys []string) []sobek.Value {
	out := make([]sobek.Value, len(keys))
	lossy := false
	for i, k := range keys {
		out[i] = rt.ToValue(k)
		lossy = lossy || strings.ContainsRune(k, utf8.RuneError)
	}
	if !lossy {
		return out
	}
	keysOf, err := jsBuiltin(rt, "Object", "keys")
	if err != nil {
		return out
	}
	r, err := keysOf(sobek.Undefined(), obj)
	if err != nil {
		return out
	}
	names := r.ToObject(rt)
	if names.Get("length").ToInteger() != int64(len(keys)) {
		return out
	}
	for i := range out {
		out[i] = names.Get(indexString(int64(i)))
	}
	return out
}
