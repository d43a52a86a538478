// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"fmt"

	"github.com/grafana/sobek"
)

// Typed key operations: get, exists, set, delete and incrementBy are most of
// what a load test calls, so each is a small struct holding its arguments
// with a method per step, where the other methods build a chain of closures
// (async.go: the work function, the write's run/submit/finish, the outcome's
// builder). On the inline path (a memory store) such a call allocates the
// struct and nothing else of ours: the call state stays on the event loop's
// stack and the JavaScript value is built from the result directly
// (docs/DECISIONS.md, "Issue 9: the mix's last 0.1×"). The paths, the
// fallbacks and the settling rules are the ones of async.go.

// keyOp is one single-key call of a fixed kind.
type keyOp interface {
	// run makes the call on a slot (blocking, or nonblocking on the loop's
	// slot) and copies its result out of C.
	run(s *slot) result
	// toJS is the value the call resolves to once run succeeded; event loop
	// only. It may panic with a *kvError (stored bytes that are not JSON).
	toJS(rt *sobek.Runtime, r result) sobek.Value
}

// keyWrite is a keyOp that a disk store completes later (writes.go).
type keyWrite interface {
	keyOp
	submit(token uintptr)
}

// inlineOp is inline (async.go) for a keyOp: on the event loop's slot, and
// again on the CPU pool when the loop's slot would have waited or every
// inline token is taken.
func (h *handle) inlineOp(name string, prepErr *kvError, o keyOp) sobek.Value {
	c, ok := h.begin(name, prepErr)
	if !ok {
		return c.value()
	}
	gate := inlineSlots()
	if !gate.enter() {
		c.goPooled(h.pools.cpu, opWork(o))
		return c.value()
	}
	c.rec.begin()
	r := runOp(name, o, h.loopSlot)
	gate.leave()
	c.rec.end()
	if r.err == errWouldBlock {
		// Nothing happened: make the call again where waiting is fine.
		c.goPooled(h.pools.cpu, opWork(o))
		return c.value()
	}
	_ = c.settleOp(o, r)
	return c.value()
}

// writeOp is writeCall (async.go) for a keyWrite: inline on a memory store,
// submitted on a disk store.
func (h *handle) writeOp(name string, prepErr *kvError, o keyWrite) sobek.Value {
	if h.memoryBackend {
		return h.inlineOp(name, prepErr, o)
	}
	c, ok := h.begin(name, prepErr)
	if !ok {
		return c.value()
	}
	enqueue := h.vu.RegisterCallback()
	c.rec.begin()
	done := func(r result) {
		c.rec.end()
		enqueue(func() error { return c.settleOp(o, r) })
	}
	h.submitBounded(done, o.submit)
	return c.value()
}

// opWork is a keyOp as pooled work (async.go), for the fallbacks.
func opWork(o keyOp) func(s *slot) outcome {
	return func(s *slot) outcome {
		r := o.run(s)
		if r.err != nil {
			return fail(r.err)
		}
		return resolved(func(rt *sobek.Runtime) sobek.Value { return o.toJS(rt, r) })
	}
}

// runOp is runSafely for a keyOp: a Go panic becomes the call's rejection.
func runOp(name string, o keyOp, s *slot) (r result) {
	defer func() {
		if p := recover(); p != nil {
			r = result{err: newError(nameUnknown, fmt.Sprintf("%s: internal error: %v", name, p))}
		}
	}()
	return o.run(s)
}

// settleOp is settle (async.go) for a keyOp's result. Event loop only.
func (c *call) settleOp(o keyOp, r result) error {
	kerr := r.err
	var v sobek.Value
	if kerr == nil {
		v, kerr = opValue(c.rt, o, r)
	}
	if kerr != nil {
		c.rec.finish(kerr.Name, emptyNotApplicable)
		return c.reject(kerr.toJS(c.rt))
	}
	c.rec.finish("", emptyNotApplicable)
	return c.resolve(v)
}

func opValue(rt *sobek.Runtime, o keyOp, r result) (v sobek.Value, kerr *kvError) {
	defer catchBuild(&v, &kerr)
	return o.toJS(rt, r), nil
}

// ---- The operations -----------------------------------------------------------------------

// getOp: get(key) → the value; KeyNotFoundError when missing.
type getOp struct {
	h   *handle
	key string
}

func (o *getOp) run(s *slot) result { return s.getText(o.h.store, o.key) }

func (o *getOp) toJS(rt *sobek.Runtime, r result) sobek.Value {
	return textToJS(rt, r.text, o.h.stringMode)
}

// existsOp: exists(key) → boolean.
type existsOp struct {
	h   *handle
	key string
}

func (o *existsOp) run(s *slot) result { return s.exists(o.h.store, o.key) }

func (o *existsOp) toJS(rt *sobek.Runtime, r result) sobek.Value { return rt.ToValue(r.flag0) }

// setOp: set(key, value) → the value given.
type setOp struct {
	h     *handle
	key   string
	data  []byte // the value, serialized
	value sobek.Value
}

func (o *setOp) run(s *slot) result { return s.set(o.h.store, o.key, o.data) }

func (o *setOp) submit(token uintptr) { submitSet(o.h.store, o.key, o.data, token) }

func (o *setOp) toJS(*sobek.Runtime, result) sobek.Value { return o.value }

// deleteOp: delete(key) → true, whether or not the key existed.
type deleteOp struct {
	h   *handle
	key string
}

func (o *deleteOp) run(s *slot) result { return s.del(o.h.store, o.key) }

func (o *deleteOp) submit(token uintptr) { submitDelete(o.h.store, o.key, token) }

func (o *deleteOp) toJS(rt *sobek.Runtime, _ result) sobek.Value { return rt.ToValue(true) }

// incrementByOp: incrementBy(key, delta) → the new value: a number, or a
// BigInt beyond Number.MAX_SAFE_INTEGER (issue 10, D10).
type incrementByOp struct {
	h     *handle
	key   string
	delta int64
}

func (o *incrementByOp) run(s *slot) result { return s.incrementBy(o.h.store, o.key, o.delta) }

func (o *incrementByOp) submit(token uintptr) {
	submitIncrementBy(o.h.store, o.key, o.delta, token)
}

func (o *incrementByOp) toJS(rt *sobek.Runtime, r result) sobek.Value {
	return counterValue(rt, r.num0)
}
