// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"
	"unicode"

	"go.k6.io/k6/v2/lib"
	"go.k6.io/k6/v2/metrics"
)

// k6 metrics, with the seed's names, types and tags so existing thresholds
// and dashboards keep working.
//
// With openKv({metrics: {operations: true}}) every promise-returning method
// emits, when it settles:
//
//	xk6_kv_operations_total    Counter  op, backend, status, track_keys, serialization
//	xk6_kv_operation_duration  Trend ms op, backend, status, track_keys, serialization
//	xk6_kv_operation_failed    Rate     op, backend, track_keys, serialization
//	xk6_kv_errors_total        Counter  op, backend, error_type, track_keys, serialization (failures only)
//	xk6_kv_empty_result        Rate     op, backend, track_keys, serialization (sampling methods only)
//	xk6_kv_async_in_flight     Gauge    backend, track_keys, serialization
//
// reportStats() emits the store gauges from stats():
//
//	xk6_kv_keys, xk6_kv_claims_live, xk6_kv_claims_expired,
//	xk6_kv_index_keys{index=ost|keys_list|keys_map}, xk6_kv_index_consistent,
//	xk6_kv_disk_size_bytes (disk backend only)
//
// Samples also carry the VU's current tags (scenario, group, custom tags).
const (
	metricOperationsTotal   = "xk6_kv_operations_total"
	metricOperationDuration = "xk6_kv_operation_duration"
	metricOperationFailed   = "xk6_kv_operation_failed"
	metricErrorsTotal       = "xk6_kv_errors_total"
	metricEmptyResult       = "xk6_kv_empty_result"
	metricAsyncInFlight     = "xk6_kv_async_in_flight"
	metricKeys              = "xk6_kv_keys"
	metricClaimsLive        = "xk6_kv_claims_live"
	metricClaimsExpired     = "xk6_kv_claims_expired"
	metricIndexKeys         = "xk6_kv_index_keys"
	metricIndexConsistent   = "xk6_kv_index_consistent"
	metricDiskSizeBytes     = "xk6_kv_disk_size_bytes"
	tagOp                   = "op"
	tagBackend              = "backend"
	tagStatus               = "status"
	tagTrackKeys            = "track_keys"
	tagSerialization        = "serialization"
	tagErrorType            = "error_type"
	tagIndex                = "index"
	statusOK                = "ok"
	statusError             = "error"
	indexOST                = "ost"
	indexKeysList           = "keys_list"
	indexKeysMap            = "keys_map"
)

// durationMillisecondsUnit converts a time.Duration to the Trend's milliseconds.
const durationMillisecondsUnit = float64(time.Millisecond)

// kvMetrics holds the metrics of one k6 registry. The operation metrics are
// nil unless metrics.operations is on; the stats gauges always exist, so
// reportStats() works (and thresholds on them parse) without it.
type kvMetrics struct {
	operations bool

	opsTotal, duration, failed, errorsTotal, empty, inFlight *metrics.Metric

	keys, claimsLive, claimsExpired, indexKeys, indexConsistent, diskSize *metrics.Metric
}

// registerMetrics registers (or finds: every VU's init context registers the
// same names) the metrics in reg.
func registerMetrics(reg *metrics.Registry, operations bool) (*kvMetrics, error) {
	m := &kvMetrics{operations: operations}
	defs := []struct {
		dst   **metrics.Metric
		name  string
		typ   metrics.MetricType
		value []metrics.ValueType
		ops   bool
	}{
		{&m.opsTotal, metricOperationsTotal, metrics.Counter, nil, true},
		{&m.duration, metricOperationDuration, metrics.Trend, []metrics.ValueType{metrics.Time}, true},
		{&m.failed, metricOperationFailed, metrics.Rate, nil, true},
		{&m.errorsTotal, metricErrorsTotal, metrics.Counter, nil, true},
		{&m.empty, metricEmptyResult, metrics.Rate, nil, true},
		{&m.inFlight, metricAsyncInFlight, metrics.Gauge, nil, true},
		{&m.keys, metricKeys, metrics.Gauge, nil, false},
		{&m.claimsLive, metricClaimsLive, metrics.Gauge, nil, false},
		{&m.claimsExpired, metricClaimsExpired, metrics.Gauge, nil, false},
		{&m.indexKeys, metricIndexKeys, metrics.Gauge, nil, false},
		{&m.indexConsistent, metricIndexConsistent, metrics.Gauge, nil, false},
		{&m.diskSize, metricDiskSizeBytes, metrics.Gauge, []metrics.ValueType{metrics.Data}, false},
	}
	for _, d := range defs {
		if d.ops && !operations {
			continue
		}
		metric, err := reg.NewMetric(d.name, d.typ, d.value...)
		if err != nil {
			return nil, err
		}
		*d.dst = metric
	}
	return m, nil
}

// storeTags are the tags that describe the store on every sample.
type storeTags struct {
	backend       string
	trackKeys     string
	serialization string
}

func newStoreTags(memoryBackend, trackKeys, stringMode bool) storeTags {
	t := storeTags{backend: "disk", trackKeys: strconv.FormatBool(trackKeys), serialization: "json"}
	if memoryBackend {
		t.backend = "memory"
	}
	if stringMode {
		t.serialization = "string"
	}
	return t
}

func (t storeTags) apply(ts *metrics.TagSet) *metrics.TagSet {
	return ts.With(tagBackend, t.backend).With(tagTrackKeys, t.trackKeys).With(tagSerialization, t.serialization)
}

// emptiness says whether a sampling method found nothing (xk6_kv_empty_result).
type emptiness uint8

const (
	emptyNotApplicable emptiness = iota
	emptyNo
	emptyYes
)

// operationSamples are the samples of one settled call. base holds the VU's
// tags with the store tags applied; errName is "" on success.
func (m *kvMetrics) operationSamples(base metrics.TagsAndMeta, op string, d time.Duration, errName string, empty emptiness, now time.Time) []metrics.Sample {
	opTags := base.Tags.With(tagOp, op)
	status, failed := statusOK, 0.0
	if errName != "" {
		status, failed = statusError, 1.0
	}
	withStatus := opTags.With(tagStatus, status)
	sample := func(metric *metrics.Metric, tags *metrics.TagSet, value float64) metrics.Sample {
		return metrics.Sample{
			TimeSeries: metrics.TimeSeries{Metric: metric, Tags: tags},
			Time:       now,
			Metadata:   base.Metadata,
			Value:      value,
		}
	}
	samples := []metrics.Sample{
		sample(m.opsTotal, withStatus, 1),
		sample(m.duration, withStatus, float64(d)/durationMillisecondsUnit),
		sample(m.failed, opTags, failed),
	}
	if errName != "" {
		samples = append(samples, sample(m.errorsTotal, opTags.With(tagErrorType, errName), 1))
	} else if empty != emptyNotApplicable {
		samples = append(samples, sample(m.empty, opTags, boolValue(empty == emptyYes)))
	}
	return samples
}

func (m *kvMetrics) inFlightSample(base metrics.TagsAndMeta, n int64, now time.Time) metrics.Sample {
	return metrics.Sample{
		TimeSeries: metrics.TimeSeries{Metric: m.inFlight, Tags: base.Tags},
		Time:       now,
		Metadata:   base.Metadata,
		Value:      float64(n),
	}
}

// statsSnapshot is the part of the stats() JSON that reportStats() reports.
type statsSnapshot struct {
	Count  float64 `json:"count"`
	Claims struct {
		Live    float64 `json:"live"`
		Expired float64 `json:"expired"`
	} `json:"claims"`
	Index *struct {
		KeysList   *float64 `json:"keysList"`
		KeysMap    *float64 `json:"keysMap"`
		OST        *float64 `json:"ost"`
		Consistent bool     `json:"consistent"`
	} `json:"index"`
	Disk *struct {
		SizeBytes float64 `json:"sizeBytes"`
	} `json:"disk"`
}

// statsSamples are reportStats()' gauges. xk6_kv_index_* only exist with an
// index (trackKeys), xk6_kv_disk_size_bytes only on the disk backend.
func (m *kvMetrics) statsSamples(base metrics.TagsAndMeta, s statsSnapshot, now time.Time) []metrics.Sample {
	sample := func(metric *metrics.Metric, tags *metrics.TagSet, value float64) metrics.Sample {
		return metrics.Sample{
			TimeSeries: metrics.TimeSeries{Metric: metric, Tags: tags},
			Time:       now,
			Metadata:   base.Metadata,
			Value:      value,
		}
	}
	samples := []metrics.Sample{
		sample(m.keys, base.Tags, s.Count),
		sample(m.claimsLive, base.Tags, s.Claims.Live),
		sample(m.claimsExpired, base.Tags, s.Claims.Expired),
	}
	if s.Index != nil {
		for _, ix := range []struct {
			name  string
			value *float64
		}{{indexOST, s.Index.OST}, {indexKeysList, s.Index.KeysList}, {indexKeysMap, s.Index.KeysMap}} {
			if ix.value != nil {
				samples = append(samples, sample(m.indexKeys, base.Tags.With(tagIndex, ix.name), *ix.value))
			}
		}
		samples = append(samples, sample(m.indexConsistent, base.Tags, boolValue(s.Index.Consistent)))
	}
	if s.Disk != nil {
		samples = append(samples, sample(m.diskSize, base.Tags, s.Disk.SizeBytes))
	}
	return samples
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// inFlightOps counts store calls between their start and the moment their
// completion is queued for the event loop, process-wide (the store is).
var inFlightOps atomic.Int64

// recorder follows one call for the operation metrics. A nil recorder
// (metrics.operations off) does nothing. Outside a VU (the init context) it
// only counts the call in flight: samples need the VU's state.
type recorder struct {
	m       *kvMetrics
	op      string
	ctx     context.Context
	samples chan<- metrics.SampleContainer // nil: push nothing
	tags    metrics.TagsAndMeta
	start   time.Time
	stopped time.Time
	counted bool
	left    int64 // calls in flight after this one ended
}

// recorder starts following a call. Event loop only.
func (h *handle) recorder(op string) *recorder {
	if h.metrics == nil || !h.metrics.operations {
		return nil
	}
	r := &recorder{m: h.metrics, op: op, start: time.Now()}
	if state := h.vu.State(); state != nil {
		r.ctx = h.vu.Context()
		r.samples = state.Samples
		r.tags = h.sampleTags(state)
	}
	return r
}

// sampleTags are the VU's current tags and metadata plus the store tags.
func (h *handle) sampleTags(state *lib.State) metrics.TagsAndMeta {
	tm := state.Tags.GetCurrentValues()
	tm.Tags = h.tags.apply(tm.Tags)
	return tm
}

// begin counts the call in flight, once its work has been handed off the event loop.
func (r *recorder) begin() {
	if r == nil {
		return
	}
	n := inFlightOps.Add(1)
	r.counted = true
	if r.samples != nil {
		metrics.PushIfNotDone(r.ctx, r.samples, r.m.inFlightSample(r.tags, n, time.Now()))
	}
}

// end marks the end of the store work; called from the worker goroutine
// just before it queues the completion.
func (r *recorder) end() {
	if r == nil {
		return
	}
	r.stopped = time.Now()
	if r.counted {
		r.left = inFlightOps.Add(-1)
	}
}

// finish emits the call's samples; errName is "" on success. Event loop only.
func (r *recorder) finish(errName string, empty emptiness) {
	if r == nil || r.samples == nil {
		return
	}
	now := time.Now()
	if r.stopped.IsZero() {
		r.stopped = now // rejected before any store work
	}
	samples := r.m.operationSamples(r.tags, r.op, r.stopped.Sub(r.start), errName, empty, now)
	if r.counted {
		samples = append(samples, r.m.inFlightSample(r.tags, r.left, now))
	}
	metrics.PushIfNotDone(r.ctx, r.samples, metrics.ConnectedSamples{Samples: samples, Tags: r.tags.Tags, Time: now})
}

// snakeCase turns a method name into its op tag: getMany → get_many,
// exportCSV → export_csv, validateJSONL → validate_jsonl.
func snakeCase(name string) string {
	rs := []rune(name)
	out := make([]rune, 0, len(rs)+4)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			prevLower := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
			acronymEnd := i > 0 && unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || acronymEnd {
				out = append(out, '_')
			}
			r = unicode.ToLower(r)
		}
		out = append(out, r)
	}
	return string(out)
}
