// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"github.com/grafana/sobek"
)

// get(key) → the value; KeyNotFoundError when missing.
func (h *handle) get(call sobek.FunctionCall) sobek.Value {
	key, kerr := keyArg("get", call.Argument(0))
	return h.inline("get", kerr, func(s *slot) outcome {
		r := s.get(h.store, key)
		if r.err != nil {
			return fail(r.err)
		}
		return h.valueOutcome(r.value)
	})
}

// set(key, value) → the value given.
func (h *handle) set(call sobek.FunctionCall) sobek.Value {
	key, kerr := keyArg("set", call.Argument(0))
	value := call.Argument(1)
	var data []byte
	if kerr == nil {
		data, kerr = h.valueArg("set", value)
	}
	return h.writeCall("set", kerr, write{
		run:    func(s *slot) result { return s.set(h.store, key, data) },
		submit: func(token uintptr) { submitSet(h.store, key, data, token) },
		finish: func(r result) outcome {
			if r.err != nil {
				return fail(r.err)
			}
			return resolved(func(*sobek.Runtime) sobek.Value { return value })
		},
	})
}

// delete(key) → true, whether or not the key existed.
func (h *handle) delete(call sobek.FunctionCall) sobek.Value {
	key, kerr := keyArg("delete", call.Argument(0))
	return h.writeCall("delete", kerr, write{
		run:    func(s *slot) result { return s.del(h.store, key) },
		submit: func(token uintptr) { submitDelete(h.store, key, token) },
		finish: func(r result) outcome {
			if r.err != nil {
				return fail(r.err)
			}
			return constant(true)
		},
	})
}

// exists(key) → boolean.
func (h *handle) exists(call sobek.FunctionCall) sobek.Value {
	key, kerr := keyArg("exists", call.Argument(0))
	return h.inline("exists", kerr, func(s *slot) outcome {
		r := s.exists(h.store, key)
		if r.err != nil {
			return fail(r.err)
		}
		return constant(r.flag0)
	})
}

// clear() → true.
func (h *handle) clear(sobek.FunctionCall) sobek.Value {
	return h.asyncCommits("clear", nil, func(s *slot) outcome {
		if r := s.clear(h.store); r.err != nil {
			return fail(r.err)
		}
		return constant(true)
	})
}

// size() → number of keys.
func (h *handle) size(sobek.FunctionCall) sobek.Value {
	return h.inline("size", nil, func(s *slot) outcome {
		r := s.size(h.store)
		if r.err != nil {
			return fail(r.err)
		}
		return constant(r.num1)
	})
}

// valueOutcome decodes a stored value off the event loop and resolves to it.
func (h *handle) valueOutcome(data []byte) outcome {
	d := decodeValue(data, h.stringMode)
	return resolved(d.toJS)
}
