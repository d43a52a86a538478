// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"encoding/json"
	"time"

	"github.com/grafana/sobek"
	"go.k6.io/k6/v2/metrics"
)

// Diagnostics: stats() returns libkv's snapshot; reportStats() turns it into gauges.

// stats() → KVStats: {backend, serialization, trackKeys, count, claims: {live,
// expired}, index: {enabled, ost?, keysList?, keysMap?, consistent} | null,
// disk: {path, sizeBytes, readOnly?} | null, plus backend details under
// memory / lmdb}.
func (h *handle) stats(sobek.FunctionCall) sobek.Value {
	return h.async("stats", nil, func(s *slot) outcome {
		r := s.stats(h.store)
		if r.err != nil {
			return fail(r.err)
		}
		// The snapshot is JSON whatever the store's serialization mode.
		d := decodeValue(r.value, false)
		return resolved(d.toJS)
	})
}

// reportStats() → undefined; emits the stats gauges (see metrics.go). It
// rejects with MetricsUnavailableError where no samples can be emitted:
// outside a VU (the init context) or without k6's metrics registry.
func (h *handle) reportStats(sobek.FunctionCall) sobek.Value {
	state := h.vu.State()
	var kerr *kvError
	var base metrics.TagsAndMeta
	switch {
	case h.metrics == nil:
		kerr = newError(nameMetricsUnavailable, "reportStats(): the xk6_kv_* metrics were not registered (openKv() ran without k6's metrics registry)")
	case state == nil:
		kerr = newError(nameMetricsUnavailable, "reportStats(): metrics can only be emitted from setup(), default() or teardown(), not the init context")
	default:
		base = h.sampleTags(state)
	}
	ctx := h.vu.Context()
	return h.async("report_stats", kerr, func(s *slot) outcome {
		r := s.stats(h.store)
		if r.err != nil {
			return fail(r.err)
		}
		var snap statsSnapshot
		if err := json.Unmarshal(r.value, &snap); err != nil {
			return fail(newError(nameUnexpectedOutput, "reportStats(): libkv's stats are not the expected JSON: "+err.Error()))
		}
		now := time.Now()
		samples := h.metrics.statsSamples(base, snap, now)
		metrics.PushIfNotDone(ctx, state.Samples, metrics.ConnectedSamples{Samples: samples, Tags: base.Tags, Time: now})
		return resolved(func(*sobek.Runtime) sobek.Value { return sobek.Undefined() })
	})
}
