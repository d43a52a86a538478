// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"context"
	"fmt"

	"github.com/grafana/sobek"
)

// outcome is what one store call produced off the event loop: either a
// builder for the resolved JavaScript value, or a rejection.
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

// async runs one promise-returning method. It is called on the event loop
// with the method's arguments already converted (prepErr set if they were
// bad); work runs on a pool slot; the promise settles on the event loop,
// exactly once. op is the snake_case method name, the metrics "op" tag: this
// is the single place where a per-call wrapper (metrics, tracing) belongs.
func (h *handle) async(op string, prepErr *kvError, work func(s *slot) outcome) sobek.Value {
	rt := h.vu.Runtime()
	promise, resolve, reject := rt.NewPromise()
	rec := h.recorder(op)
	if prepErr != nil {
		rec.finish(prepErr.Name, emptyNotApplicable)
		_ = reject(prepErr.toJS(rt))
		return rt.ToValue(promise)
	}

	ctx := h.vu.Context()
	enqueue := h.vu.RegisterCallback()
	rec.begin()
	go func() {
		out := h.execute(op, ctx, work)
		rec.end()
		enqueue(func() error {
			v, err := settle(rt, out)
			if err != nil {
				rec.finish(err.Name, emptyNotApplicable)
				return reject(err.toJS(rt))
			}
			rec.finish("", out.empty)
			return resolve(v)
		})
	}()
	return rt.ToValue(promise)
}

// execute runs work on the pool; a Go panic becomes a rejection so the promise still settles.
func (h *handle) execute(op string, ctx context.Context, work func(s *slot) outcome) (out outcome) {
	defer func() {
		if r := recover(); r != nil {
			out = fail(newError(nameUnknown, fmt.Sprintf("%s: internal error: %v", op, r)))
		}
	}()
	if err := h.pool.run(ctx, func(s *slot) { out = work(s) }); err != nil {
		return fail(err)
	}
	return out
}

// settle turns an outcome into a JavaScript value, on the event loop.
func settle(rt *sobek.Runtime, out outcome) (v sobek.Value, kerr *kvError) {
	if out.err != nil {
		return nil, out.err
	}
	defer func() {
		if r := recover(); r != nil {
			v, kerr = nil, newError(nameUnknown, fmt.Sprintf("building the result failed: %v", r))
		}
	}()
	return out.build(rt), nil
}
