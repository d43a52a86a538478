// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"github.com/grafana/sobek"
)

// get(key) → the value; KeyNotFoundError when missing.
func (h *handle) get(call sobek.FunctionCall) sobek.Value {
	key, kerr := keyArg("get", call.Argument(0))
	return h.inlineOp("get", kerr, &getOp{h: h, key: key})
}

// set(key, value) → the value given.
func (h *handle) set(call sobek.FunctionCall) sobek.Value {
	key, kerr := keyArg("set", call.Argument(0))
	value := call.Argument(1)
	var data []byte
	if kerr == nil {
		data, kerr = h.valueArg("set", value)
	}
	return h.writeOp("set", kerr, &setOp{h: h, key: key, data: data, value: value})
}

// delete(key) → true, whether or not the key existed.
func (h *handle) delete(call sobek.FunctionCall) sobek.Value {
	key, kerr := keyArg("delete", call.Argument(0))
	return h.writeOp("delete", kerr, &deleteOp{h: h, key: key})
}

// exists(key) → boolean.
func (h *handle) exists(call sobek.FunctionCall) sobek.Value {
	key, kerr := keyArg("exists", call.Argument(0))
	return h.inlineOp("exists", kerr, &existsOp{h: h, key: key})
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
