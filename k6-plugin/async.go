// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/grafana/sobek"
)

// A store call reaches libkv on one of three paths, chosen per kind of call
// (docs/DECISIONS.md, "How a k6 call reaches libkv"):
//
//   - inline: on the VU's event loop, with a promise that is already settled
//     when the method returns. For calls that cannot wait for long: every
//     memory-store key operation and disk-store reads. The loop's slot is
//     nonblocking, so a call that would wait for a lock (a memory backup
//     pauses writers) comes back "would block" and is made again on a pool.
//   - submitted: durable disk writes go to libkv's group commit and the
//     promise settles when the drainer hands back their completion; nothing
//     waits for the fsync but the promise.
//   - pooled: everything else runs on a goroutine holding a pool slot,
//     because it may take long (scans, snapshots, claimRandom on a memory
//     store) or make several commits in a row (clear, deleteByPrefix); the
//     pools bound the OS threads in C.
//
// Whatever the path, a promise settles exactly once, on the event loop.

// outcome is what one store call produced: either a builder for the
// resolved JavaScript value, or a rejection.
type outcome struct {
	build func(rt *sobek.Runtime) sobek.Value
	err   *kvError
	empty emptiness // sampling methods: whether they found nothing
}

// withEmpty marks the result of a sampling method as empty or not, for xk6_kv_empty_result.
func (o outcome) withEmpty(empty bool) outcome {
	o.empty = emptyNo
	if empty {
		o.empty = emptyYes
	}
	return o
}

func fail(err *kvError) outcome { return outcome{err: err} }

func resolved(build func(rt *sobek.Runtime) sobek.Value) outcome { return outcome{build: build} }

// constant resolves to a fixed Go value.
func constant(v any) outcome {
	return resolved(func(rt *sobek.Runtime) sobek.Value { return rt.ToValue(v) })
}

// call is one method invocation on its way to a settled promise.
type call struct {
	h       *handle
	op      string // snake_case method name, the metrics "op" tag
	rt      *sobek.Runtime
	promise *sobek.Promise
	resolve func(any) error
	reject  func(any) error
	rec     *recorder
}

// begin creates the promise. A bad argument (prepErr) or a VU whose context
// already ended rejects it at once; then ok is false and the call is over.
// The call is a value: one settled inline stays on the event loop's stack,
// and only a call handed to a goroutine is copied to the heap.
func (h *handle) begin(op string, prepErr *kvError) (c call, ok bool) {
	rt := h.vu.Runtime()
	promise, resolve, reject := rt.NewPromise()
	c = call{h: h, op: op, rt: rt, promise: promise, resolve: resolve, reject: reject, rec: h.recorder(op)}
	if prepErr == nil && h.vu.Context().Err() != nil {
		prepErr = canceled()
	}
	if prepErr != nil {
		c.rec.finish(prepErr.Name, emptyNotApplicable)
		_ = reject(prepErr.toJS(rt))
		return c, false
	}
	return c, true
}

func (c *call) value() sobek.Value { return c.rt.ToValue(c.promise) }

// settle turns an outcome into the promise's fate. Event loop only.
func (c *call) settle(out outcome) error {
	v, err := settle(c.rt, out)
	if err != nil {
		c.rec.finish(err.Name, emptyNotApplicable)
		return c.reject(err.toJS(c.rt))
	}
	c.rec.finish("", out.empty)
	return c.resolve(v)
}

// async runs a call on the CPU pool (see pool.go).
func (h *handle) async(op string, prepErr *kvError, work func(s *slot) outcome) sobek.Value {
	return h.pooled(h.pools.cpu, op, prepErr, work)
}

// asyncCommits runs a call that may wait for several commits in a row: on
// the commit pool for a disk store, on the CPU pool for a memory store.
func (h *handle) asyncCommits(op string, prepErr *kvError, work func(s *slot) outcome) sobek.Value {
	p := h.pools.commit
	if h.memoryBackend {
		p = h.pools.cpu
	}
	return h.pooled(p, op, prepErr, work)
}

func (h *handle) pooled(p *pool, op string, prepErr *kvError, work func(s *slot) outcome) sobek.Value {
	c, ok := h.begin(op, prepErr)
	if !ok {
		return c.value()
	}
	c.goPooled(p, work)
	return c.value()
}

// goPooled runs work on a pool slot off the event loop and settles on it.
// Its receiver is a copy: the goroutine keeps its own.
func (c call) goPooled(p *pool, work func(s *slot) outcome) {
	ctx := c.h.vu.Context()
	enqueue := c.h.vu.RegisterCallback()
	c.rec.begin()
	go func() {
		out := runSafely(c.op, func() outcome {
			var out outcome
			if err := p.run(ctx, func(s *slot) { out = work(s) }); err != nil {
				return fail(err)
			}
			return out
		})
		c.rec.end()
		enqueue(func() error { return c.settle(out) })
	}()
}

// inlineSlots bounds the event loops inside C at once. An inline call is
// short, but the OS may preempt its thread mid-call, and Go then starts
// another thread for the waiting goroutines: without a bound, hundreds of
// VUs could briefly mean hundreds of threads. A call that finds every
// token taken goes to the CPU pool instead, which is bounded too.
var inlineSlots = sync.OnceValue(func() *inlineGate {
	return &inlineGate{limit: int32(max(2*runtime.GOMAXPROCS(0), 4))}
})

type inlineGate struct {
	inside atomic.Int32
	limit  int32
}

func (g *inlineGate) enter() bool {
	if g.inside.Add(1) > g.limit {
		g.inside.Add(-1)
		return false
	}
	return true
}

func (g *inlineGate) leave() { g.inside.Add(-1) }

// inline runs a call that cannot wait for long on the event loop's own
// slot; one that would have waited for a lock runs again on the CPU pool.
func (h *handle) inline(op string, prepErr *kvError, work func(s *slot) outcome) sobek.Value {
	c, ok := h.begin(op, prepErr)
	if !ok {
		return c.value()
	}
	gate := inlineSlots()
	if !gate.enter() {
		c.goPooled(h.pools.cpu, work)
		return c.value()
	}
	c.rec.begin()
	out := runSafely(op, func() outcome { return work(h.loopSlot) })
	gate.leave()
	if out.err == errWouldBlock {
		// Nothing happened: make the call again where waiting is fine.
		c.rec.end()
		c.goPooled(h.pools.cpu, work)
		return c.value()
	}
	c.rec.end()
	_ = c.settle(out)
	return c.value()
}

// write is a store write that a disk store can complete later.
type write struct {
	run    func(s *slot) result   // the blocking form, for memory stores
	submit func(token uintptr)    // the submitted form, for disk stores
	finish func(r result) outcome // its result as an outcome
	// offLoop: on a memory store the write runs on the CPU pool, not inline:
	// it may walk every key with a prefix (claimRandom without trackKeys),
	// too long for the event loop, or change its keys one by one (claimKeys,
	// the claim batches), so a "would block" half-way could not be retried.
	offLoop bool
}

// writeCall runs a write: inline (or pooled, see offLoop) on a memory store,
// submitted on a disk store.
func (h *handle) writeCall(op string, prepErr *kvError, w write) sobek.Value {
	if h.memoryBackend && w.offLoop {
		return h.async(op, prepErr, func(s *slot) outcome { return w.finish(w.run(s)) })
	}
	if h.memoryBackend {
		return h.inline(op, prepErr, func(s *slot) outcome {
			r := w.run(s)
			if r.err == errWouldBlock {
				return fail(errWouldBlock)
			}
			return w.finish(r)
		})
	}
	c, ok := h.begin(op, prepErr)
	if !ok {
		return c.value()
	}
	enqueue := h.vu.RegisterCallback()
	c.rec.begin()
	done := func(r result) {
		c.rec.end()
		enqueue(func() error { return c.settle(runSafely(op, func() outcome { return w.finish(r) })) })
	}
	h.submitBounded(done, w.submit)
	return c.value()
}

// submitBounded submits a disk write (writes.go), which is a short call into
// C: on the caller's goroutine while an inline token is free, like the inline
// calls, else on the CPU pool. done receives the pool's error if it refused.
func (h *handle) submitBounded(done func(r result), submit func(token uintptr)) {
	if gate := inlineSlots(); gate.enter() {
		submitWrite(done, submit)
		gate.leave()
		return
	}
	go func() {
		if err := h.pools.cpu.run(context.Background(), func(*slot) { submitWrite(done, submit) }); err != nil {
			done(result{err: err})
		}
	}()
}

// runSafely turns a Go panic into a rejection so the promise still settles.
func runSafely(op string, fn func() outcome) (out outcome) {
	defer func() {
		if r := recover(); r != nil {
			out = fail(newError(nameUnknown, fmt.Sprintf("%s: internal error: %v", op, r)))
		}
	}()
	return fn()
}

// settle turns an outcome into a JavaScript value, on the event loop.
func settle(rt *sobek.Runtime, out outcome) (v sobek.Value, kerr *kvError) {
	if out.err != nil {
		return nil, out.err
	}
	defer catchBuild(&v, &kerr)
	return out.build(rt), nil
}

// catchBuild, deferred around the building of a result on the event loop,
// turns a panic into the call's rejection.
func catchBuild(v *sobek.Value, kerr **kvError) {
	if r := recover(); r != nil {
		if e, ok := r.(*kvError); ok {
			*v, *kerr = nil, e // a typed failure while building (stored bytes that are not JSON)
			return
		}
		*v, *kerr = nil, newError(nameUnknown, fmt.Sprintf("building the result failed: %v", r))
	}
}
