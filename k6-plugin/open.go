// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"runtime"

	"github.com/grafana/sobek"
	"go.k6.io/k6/v2/js/modules"
)

// handle is one openKv() result: a JavaScript object over its own libkv
// handle on the process-wide store.
type handle struct {
	vu    modules.VU
	pool  *pool
	store cStore

	stringMode        bool
	memoryBackend     bool
	metricsOperations bool // stored for the metrics wrapper (issue 3)
}

// openKv is called synchronously; it throws (never rejects) a typed error object.
func (mi *ModuleInstance) openKv(call sobek.FunctionCall) sobek.Value {
	rt := mi.vu.Runtime()
	if mi.vu.State() != nil {
		invalidOptions("openKv() must be called in the init context, outside default(), setup() and teardown()").throw(rt)
	}
	optionsJSON, kerr := openOptionsJSON(rt, call.Argument(0))
	if kerr != nil {
		kerr.throw(rt)
	}

	p := sharedPool()
	var opened openResult
	if err := p.run(mi.vu.Context(), func(s *slot) { opened, kerr = s.open(optionsJSON) }); err != nil {
		kerr = err
	}
	if kerr != nil {
		kerr.throw(rt)
	}

	h := &handle{
		vu:                mi.vu,
		pool:              p,
		store:             opened.store,
		stringMode:        opened.stringMode,
		memoryBackend:     opened.memoryBackend,
		metricsOperations: opened.metricsOperations,
	}
	// The libkv handle is released with the Go one; the store itself stays
	// open while any other handle on it is open.
	runtime.AddCleanup(h, storeUnref, opened.store)
	return h.object(rt)
}

// object builds the JavaScript handle.
func (h *handle) object(rt *sobek.Runtime) *sobek.Object {
	obj := rt.NewObject()
	methods := []struct {
		name string
		fn   func(sobek.FunctionCall) sobek.Value
	}{
		{"close", h.close},

		{"get", h.get},
		{"set", h.set},
		{"delete", h.delete},
		{"exists", h.exists},
		{"clear", h.clear},
		{"size", h.size},

		{"getMany", h.getMany},
		{"setMany", h.setMany},
		{"deleteMany", h.deleteMany},

		{"incrementBy", h.incrementBy},
		{"getOrSet", h.getOrSet},
		{"swap", h.swap},
		{"compareAndSwap", h.compareAndSwap},
		{"compareAndSwapDetailed", h.compareAndSwapDetailed},
		{"setIfAbsent", h.setIfAbsent},
		{"deleteIfExists", h.deleteIfExists},
		{"compareAndDelete", h.compareAndDelete},
		{"compareAndDeleteDetailed", h.compareAndDeleteDetailed},
	}
	for _, m := range methods {
		mustSet(obj, m.name, m.fn)
	}
	return obj
}

// close is synchronous: it closes this handle only; later calls on it reject
// with StoreClosedError, and calls already running finish normally.
func (h *handle) close(sobek.FunctionCall) sobek.Value {
	storeClose(h.store)
	return sobek.Undefined()
}
