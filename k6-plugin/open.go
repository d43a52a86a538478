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
	vu       modules.VU
	pools    pools
	loopSlot *slot // the event loop's own, nonblocking slot (async.go, "inline")
	store    cStore

	stringMode    bool
	memoryBackend bool
	trackKeys     bool

	metrics *kvMetrics // nil when the init context had no metrics registry
	tags    storeTags
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

	p := sharedPools()
	var opened openResult
	if err := p.cpu.run(mi.vu.Context(), func(s *slot) { opened, kerr = s.open(optionsJSON) }); err != nil {
		kerr = err
	}
	if kerr != nil {
		kerr.throw(rt)
	}

	h := &handle{
		vu:            mi.vu,
		pools:         p,
		loopSlot:      newLoopSlot(),
		store:         opened.store,
		stringMode:    opened.stringMode,
		memoryBackend: opened.memoryBackend,
		trackKeys:     opened.trackKeys,
		tags:          newStoreTags(opened.memoryBackend, opened.trackKeys, opened.stringMode),
	}
	// The libkv handle is released with the Go one; the store itself stays
	// open while any other handle on it is open.
	runtime.AddCleanup(h, storeUnref, opened.store)
	runtime.AddCleanup(h, (*slot).free, h.loopSlot)

	// Metrics are registered here, in the init context, so that thresholds
	// on them are known before the test starts.
	if env := mi.vu.InitEnv(); env != nil && env.Registry != nil {
		m, err := registerMetrics(env.Registry, opened.metricsOperations)
		if err != nil {
			storeClose(opened.store)
			newError(nameMetricsUnavailable, "openKv(): cannot register the xk6_kv_* metrics: "+err.Error()).throw(rt)
		}
		h.metrics = m
	} else if opened.metricsOperations {
		storeClose(opened.store)
		newError(nameMetricsUnavailable, "openKv(): metrics.operations needs k6's metrics registry, which this context lacks").throw(rt)
	}
	return h.object(rt)
}

// method is one JavaScript method of the handle.
type method struct {
	name string
	fn   func(sobek.FunctionCall) sobek.Value
}

// methods lists the handle's methods. Every one except close() returns a
// promise and reports the metrics op tag snakeCase(name).
func (h *handle) methods() []method {
	return []method{
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

		{"list", h.list},
		{"listKeys", h.listKeys},
		{"scan", h.scan},
		{"scanKeys", h.scanKeys},
		{"count", h.count},
		{"deleteByPrefix", h.deleteByPrefix},
		{"randomKey", h.randomKey},
		{"randomKeys", h.randomKeys},
		{"rebuildKeyList", h.rebuildKeyList},

		{"popRandom", h.popRandom},
		{"popRandomMany", h.popRandomMany},
		{"claimRandom", h.claimRandom},
		{"claimRandomMany", h.claimRandomMany},
		{"claimKey", h.claimKey},
		{"claimKeys", h.claimKeys},
		{"releaseClaim", h.releaseClaim},
		{"completeClaim", h.completeClaim},
		{"renewClaim", h.renewClaim},
		{"releaseClaims", h.releaseClaims},
		{"completeClaims", h.completeClaims},
		{"renewClaims", h.renewClaims},
		{"allocationStats", h.allocationStats},

		{"backup", h.backup},
		{"restore", h.restore},
		{"exportJSONL", h.exportJSONL},
		{"importJSONL", h.importJSONL},
		{"validateJSONL", h.validateJSONL},
		{"exportCSV", h.exportCSV},
		{"importCSV", h.importCSV},
		{"validateCSV", h.validateCSV},

		{"stats", h.stats},
		{"reportStats", h.reportStats},
	}
}

func (h *handle) backendName() string { return h.tags.backend }

// object builds the JavaScript handle.
func (h *handle) object(rt *sobek.Runtime) *sobek.Object {
	obj := rt.NewObject()
	for _, m := range h.methods() {
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
