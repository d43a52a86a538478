// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"math/big"

	"github.com/grafana/sobek"
)

// Atomic helpers. Values are compared in stored form (canonical JSON in json
// mode), so {a:1,b:2} matches {b:2,a:1}.

// incrementBy(key, delta) → the new value (keyops.go).
func (h *handle) incrementBy(call sobek.FunctionCall) sobek.Value {
	key, kerr := keyArg("incrementBy", call.Argument(0))
	var delta int64
	if kerr == nil {
		delta, kerr = deltaArg(call.Argument(1))
	}
	return h.writeOp("increment_by", kerr, &incrementByOp{h: h, key: key, delta: delta})
}

// getOrSet(key, value) → {value, loaded}.
func (h *handle) getOrSet(call sobek.FunctionCall) sobek.Value {
	key, data, kerr := h.keyValueArgs("getOrSet", call)
	return h.writeCall("get_or_set", kerr, write{
		run:    func(s *slot) result { return s.getOrSet(h.store, key, data) },
		submit: func(token uintptr) { submitGetOrSet(h.store, key, data, token) },
		finish: func(r result) outcome { return h.getOrSetOutcome(r) },
	})
}

func (h *handle) getOrSetOutcome(r result) outcome {
	if r.err != nil {
		return fail(r.err)
	}
	value := decodeValue(r.value, h.stringMode)
	loaded := r.flag0
	return resolved(func(rt *sobek.Runtime) sobek.Value {
		o := rt.NewObject()
		mustSet(o, "value", value.toJS(rt))
		mustSet(o, "loaded", loaded)
		return o
	})
}

// swap(key, value) → {previous, loaded}; previous is null when the key was missing.
func (h *handle) swap(call sobek.FunctionCall) sobek.Value {
	key, data, kerr := h.keyValueArgs("swap", call)
	return h.writeCall("swap", kerr, write{
		run:    func(s *slot) result { return s.swap(h.store, key, data) },
		submit: func(token uintptr) { submitSwap(h.store, key, data, token) },
		finish: func(r result) outcome { return h.swapOutcome(r) },
	})
}

func (h *handle) swapOutcome(r result) outcome {
	if r.err != nil {
		return fail(r.err)
	}
	previous := h.optionalValue(r)
	return resolved(func(rt *sobek.Runtime) sobek.Value {
		o := rt.NewObject()
		mustSet(o, "previous", previous.toJSOrNull(rt))
		mustSet(o, "loaded", previous != nil)
		return o
	})
}

// casArgs reads (key, oldValue, newValue): a null or undefined oldValue means
// "the key must be missing" (nil expected).
func (h *handle) casArgs(method string, call sobek.FunctionCall) (key string, expected, value []byte, kerr *kvError) {
	if key, kerr = keyArg(method, call.Argument(0)); kerr != nil {
		return
	}
	if old := call.Argument(1); !isNullish(old) {
		if expected, kerr = h.valueArg(method, old); kerr != nil {
			return
		}
	}
	value, kerr = h.valueArg(method, call.Argument(2))
	return
}

// compareAndSwap(key, oldValue, newValue) → boolean.
func (h *handle) compareAndSwap(call sobek.FunctionCall) sobek.Value {
	key, expected, value, kerr := h.casArgs("compareAndSwap", call)
	return h.writeCall("compare_and_swap", kerr, write{
		run:    func(s *slot) result { return s.compareAndSwap(h.store, key, expected, value, false) },
		submit: func(token uintptr) { submitCompareAndSwap(h.store, key, expected, value, false, token) },
		finish: flagOutcome,
	})
}

// compareAndSwapDetailed(key, oldValue, newValue, options?) →
// {swapped: true, reason: "swapped"} | {swapped: false, reason: "mismatch", existed, current?}.
func (h *handle) compareAndSwapDetailed(call sobek.FunctionCall) sobek.Value {
	key, expected, value, kerr := h.casArgs("compareAndSwapDetailed", call)
	var opts compareOptions
	if kerr == nil {
		opts, kerr = parseCompareOptions("compareAndSwapDetailed", call.Argument(3))
	}
	want := opts.includeCurrentOnMismatch
	return h.writeCall("compare_and_swap_detailed", kerr, write{
		run:    func(s *slot) result { return s.compareAndSwap(h.store, key, expected, value, want) },
		submit: func(token uintptr) { submitCompareAndSwap(h.store, key, expected, value, want, token) },
		finish: func(r result) outcome { return h.detailed(r, "swapped", opts) },
	})
}

// setIfAbsent(key, value) → boolean; compareAndSwap(key, null, value).
func (h *handle) setIfAbsent(call sobek.FunctionCall) sobek.Value {
	key, data, kerr := h.keyValueArgs("setIfAbsent", call)
	return h.writeCall("set_if_absent", kerr, write{
		run:    func(s *slot) result { return s.setIfAbsent(h.store, key, data) },
		submit: func(token uintptr) { submitSetIfAbsent(h.store, key, data, token) },
		finish: flagOutcome,
	})
}

// deleteIfExists(key) → whether the key existed and was deleted.
func (h *handle) deleteIfExists(call sobek.FunctionCall) sobek.Value {
	key, kerr := keyArg("deleteIfExists", call.Argument(0))
	return h.writeCall("delete_if_exists", kerr, write{
		run:    func(s *slot) result { return s.deleteIfExists(h.store, key) },
		submit: func(token uintptr) { submitDeleteIfExists(h.store, key, token) },
		finish: flagOutcome,
	})
}

// cadArgs reads (key, oldValue). Unlike compareAndSwap, a null or undefined
// oldValue is an ordinary value serialized as usual (JSON "null").
func (h *handle) cadArgs(method string, call sobek.FunctionCall) (string, []byte, *kvError) {
	return h.keyValueArgs(method, call)
}

// compareAndDelete(key, oldValue) → boolean.
func (h *handle) compareAndDelete(call sobek.FunctionCall) sobek.Value {
	key, expected, kerr := h.cadArgs("compareAndDelete", call)
	return h.writeCall("compare_and_delete", kerr, write{
		run:    func(s *slot) result { return s.compareAndDelete(h.store, key, expected, false) },
		submit: func(token uintptr) { submitCompareAndDelete(h.store, key, expected, false, token) },
		finish: flagOutcome,
	})
}

// compareAndDeleteDetailed(key, oldValue, options?) →
// {deleted: true, reason: "deleted"} | {deleted: false, reason: "mismatch", existed, current?}.
func (h *handle) compareAndDeleteDetailed(call sobek.FunctionCall) sobek.Value {
	key, expected, kerr := h.cadArgs("compareAndDeleteDetailed", call)
	var opts compareOptions
	if kerr == nil {
		opts, kerr = parseCompareOptions("compareAndDeleteDetailed", call.Argument(2))
	}
	want := opts.includeCurrentOnMismatch
	return h.writeCall("compare_and_delete_detailed", kerr, write{
		run:    func(s *slot) result { return s.compareAndDelete(h.store, key, expected, want) },
		submit: func(token uintptr) { submitCompareAndDelete(h.store, key, expected, want, token) },
		finish: func(r result) outcome { return h.detailed(r, "deleted", opts) },
	})
}

// detailed builds the result of the *Detailed methods; field is "swapped" or "deleted".
func (h *handle) detailed(r result, field string, opts compareOptions) outcome {
	if r.err != nil {
		return fail(r.err)
	}
	if r.flag0 {
		return resolved(func(rt *sobek.Runtime) sobek.Value {
			o := rt.NewObject()
			mustSet(o, field, true)
			mustSet(o, "reason", field)
			return o
		})
	}
	existed := r.flag1
	var current *decoded
	if opts.includeCurrentOnMismatch && existed {
		current = h.optionalValue(r)
	}
	return resolved(func(rt *sobek.Runtime) sobek.Value {
		o := rt.NewObject()
		mustSet(o, field, false)
		mustSet(o, "reason", "mismatch")
		mustSet(o, "existed", existed)
		if current != nil {
			mustSet(o, "current", current.toJS(rt))
		}
		return o
	})
}

func (h *handle) keyValueArgs(method string, call sobek.FunctionCall) (string, []byte, *kvError) {
	key, kerr := keyArg(method, call.Argument(0))
	if kerr != nil {
		return "", nil, kerr
	}
	data, kerr := h.valueArg(method, call.Argument(1))
	return key, data, kerr
}

// optionalValue decodes the value a call may have returned; nil when it returned none.
func (h *handle) optionalValue(r result) *decoded {
	if !r.hasValue {
		return nil
	}
	d := decodeValue(r.value, h.stringMode)
	return &d
}

func (d *decoded) toJSOrNull(rt *sobek.Runtime) sobek.Value {
	if d == nil {
		return sobek.Null()
	}
	return d.toJS(rt)
}

// counterValue is a counter as JavaScript gets it: exact either way.
func counterValue(rt *sobek.Runtime, n int64) sobek.Value {
	const maxSafe = 1<<53 - 1
	if n > maxSafe || n < -maxSafe {
		return rt.ToValue(big.NewInt(n))
	}
	return rt.ToValue(n)
}
