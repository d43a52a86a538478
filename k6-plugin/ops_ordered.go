// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"github.com/grafana/sobek"
)

// Ordered reads, paging, counting and sampling. Keys come back in bytewise
// order; scan cursors are libkv's opaque strings, passed through untouched.

// list({prefix?, limit?}) → [{key, value}] in key order.
func (h *handle) list(call sobek.FunctionCall) sobek.Value {
	o, kerr := parsePageOptions("list", call.Argument(0), false)
	return h.async("list", kerr, func(s *slot) outcome {
		r := s.list(h.store, o.prefix, o.limit)
		if r.err != nil {
			return fail(r.err)
		}
		p := payloadReader{b: r.value}
		raw := p.entries()
		if !p.done() {
			return malformed("list")
		}
		entries := h.decodeEntries(raw)
		return resolved(func(rt *sobek.Runtime) sobek.Value { return entriesToJS(rt, entries) })
	})
}

// listKeys({prefix?, limit?}) → keys in order.
func (h *handle) listKeys(call sobek.FunctionCall) sobek.Value {
	o, kerr := parsePageOptions("listKeys", call.Argument(0), false)
	return h.async("list_keys", kerr, func(s *slot) outcome {
		r := s.listKeys(h.store, o.prefix, o.limit)
		if r.err != nil {
			return fail(r.err)
		}
		p := payloadReader{b: r.value}
		keys := p.keys()
		if !p.done() {
			return malformed("listKeys")
		}
		return resolved(func(rt *sobek.Runtime) sobek.Value { return stringsToJS(rt, keys) })
	})
}

// scan({prefix?, limit?, cursor?}) → {entries, cursor, done}.
func (h *handle) scan(call sobek.FunctionCall) sobek.Value {
	o, kerr := parsePageOptions("scan", call.Argument(0), true)
	return h.async("scan", kerr, func(s *slot) outcome {
		r := s.scan(h.store, o.prefix, o.cursor, o.limit)
		if r.err != nil {
			return fail(r.err)
		}
		p := payloadReader{b: r.value}
		cursor := p.str()
		raw := p.entries()
		if !p.done() {
			return malformed("scan")
		}
		entries := h.decodeEntries(raw)
		done := r.flag0
		return resolved(func(rt *sobek.Runtime) sobek.Value {
			obj := rt.NewObject()
			mustSet(obj, "entries", entriesToJS(rt, entries))
			mustSet(obj, "cursor", cursor)
			mustSet(obj, "done", done)
			return obj
		})
	})
}

// scanKeys({prefix?, limit?, cursor?}) → {keys, cursor, done}.
func (h *handle) scanKeys(call sobek.FunctionCall) sobek.Value {
	o, kerr := parsePageOptions("scanKeys", call.Argument(0), true)
	return h.async("scan_keys", kerr, func(s *slot) outcome {
		r := s.scanKeys(h.store, o.prefix, o.cursor, o.limit)
		if r.err != nil {
			return fail(r.err)
		}
		p := payloadReader{b: r.value}
		cursor := p.str()
		keys := p.keys()
		if !p.done() {
			return malformed("scanKeys")
		}
		done := r.flag0
		return resolved(func(rt *sobek.Runtime) sobek.Value {
			obj := rt.NewObject()
			mustSet(obj, "keys", stringsToJS(rt, keys))
			mustSet(obj, "cursor", cursor)
			mustSet(obj, "done", done)
			return obj
		})
	})
}

// count({prefix?}) → number of matching keys; count() is size().
func (h *handle) count(call sobek.FunctionCall) sobek.Value {
	prefix, kerr := parsePrefixOptions("count", call.Argument(0))
	return h.async("count", kerr, func(s *slot) outcome {
		r := s.count(h.store, prefix)
		if r.err != nil {
			return fail(r.err)
		}
		return constant(r.num1)
	})
}

// deleteByPrefix({prefix, limit}) → {deleted, done}.
func (h *handle) deleteByPrefix(call sobek.FunctionCall) sobek.Value {
	o, kerr := parseDeleteByPrefixOptions(call.Argument(0))
	return h.asyncCommits("delete_by_prefix", kerr, func(s *slot) outcome {
		r := s.deleteByPrefix(h.store, o.prefix, o.limit)
		if r.err != nil {
			return fail(r.err)
		}
		deleted, done := r.num1, r.flag0
		return resolved(func(rt *sobek.Runtime) sobek.Value {
			obj := rt.NewObject()
			mustSet(obj, "deleted", deleted)
			mustSet(obj, "done", done)
			return obj
		})
	})
}

// randomKey({prefix?}) → a key chosen uniformly among the matching ones, or "" when none match.
func (h *handle) randomKey(call sobek.FunctionCall) sobek.Value {
	prefix, kerr := parsePrefixOptions("randomKey", call.Argument(0))
	run := h.async
	if h.memoryBackend && h.trackKeys {
		run = h.inline // O(log n) on the ordered index: cheap enough for the event loop
	}
	return run("random_key", kerr, func(s *slot) outcome {
		r := s.randomKey(h.store, prefix)
		if r.err != nil {
			return fail(r.err)
		}
		key := ""
		if r.hasValue {
			key = string(r.value)
		}
		return constant(key).withEmpty(key == "")
	})
}

// randomKeys({prefix?, count, unique? = true}) → keys.
func (h *handle) randomKeys(call sobek.FunctionCall) sobek.Value {
	o, kerr := parseRandomKeysOptions(call.Argument(0))
	return h.async("random_keys", kerr, func(s *slot) outcome {
		r := s.randomKeys(h.store, o.prefix, o.count, o.unique)
		if r.err != nil {
			return fail(r.err)
		}
		p := payloadReader{b: r.value}
		keys := p.keys()
		if !p.done() {
			return malformed("randomKeys")
		}
		return resolved(func(rt *sobek.Runtime) sobek.Value { return stringsToJS(rt, keys) }).withEmpty(len(keys) == 0)
	})
}

// rebuildKeyList() → true; rebuilds the trackKeys index (a no-op without it).
func (h *handle) rebuildKeyList(sobek.FunctionCall) sobek.Value {
	return h.async("rebuild_key_list", nil, func(s *slot) outcome {
		if r := s.rebuildKeyList(h.store); r.err != nil {
			return fail(r.err)
		}
		return constant(true)
	})
}

// entry is a key with its decoded value.
type entry struct {
	key   string
	value decoded
}

// decodeEntries decodes stored values off the event loop.
func (h *handle) decodeEntries(raw []rawEntry) []entry {
	entries := make([]entry, len(raw))
	for i, e := range raw {
		entries[i] = entry{key: e.key, value: decodeValue(e.value, h.stringMode)}
	}
	return entries
}

func (e entry) toJS(rt *sobek.Runtime) *sobek.Object {
	obj := rt.NewObject()
	mustSet(obj, "key", e.key)
	mustSet(obj, "value", e.value.toJS(rt))
	return obj
}

func entriesToJS(rt *sobek.Runtime, entries []entry) sobek.Value {
	items := make([]any, len(entries))
	for i, e := range entries {
		items[i] = e.toJS(rt)
	}
	return rt.NewArray(items...)
}

func stringsToJS(rt *sobek.Runtime, ss []string) sobek.Value {
	items := make([]any, len(ss))
	for i, s := range ss {
		items[i] = s
	}
	return rt.NewArray(items...)
}

// malformed is the rejection for a result libkv packed in a way we cannot read.
func malformed(method string) outcome {
	return fail(newError(nameUnexpectedOutput, method+"(): libkv returned a malformed result"))
}
