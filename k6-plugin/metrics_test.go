// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"encoding/json"
	"os"
	"os/exec"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.k6.io/k6/v2/lib"
	"go.k6.io/k6/v2/metrics"
)

func TestSnakeCase(t *testing.T) {
	for name, want := range map[string]string{
		"get":                      "get",
		"getMany":                  "get_many",
		"compareAndSwapDetailed":   "compare_and_swap_detailed",
		"claimRandomMany":          "claim_random_many",
		"deleteByPrefix":           "delete_by_prefix",
		"rebuildKeyList":           "rebuild_key_list",
		"allocationStats":          "allocation_stats",
		"reportStats":              "report_stats",
		"exportCSV":                "export_csv",
		"importCSV":                "import_csv",
		"validateCSV":              "validate_csv",
		"exportJSONL":              "export_jsonl",
		"importJSONL":              "import_jsonl",
		"validateJSONL":            "validate_jsonl",
		"readJSONLFile":            "read_jsonl_file",
		"incrementBy":              "increment_by",
		"compareAndDeleteDetailed": "compare_and_delete_detailed",
	} {
		assert.Equal(t, want, snakeCase(name), name)
	}
}

func TestRegisterMetrics(t *testing.T) {
	reg := metrics.NewRegistry()
	m, err := registerMetrics(reg, true)
	require.NoError(t, err)
	for metric, typ := range map[*metrics.Metric]metrics.MetricType{
		m.opsTotal: metrics.Counter, m.duration: metrics.Trend, m.failed: metrics.Rate,
		m.errorsTotal: metrics.Counter, m.empty: metrics.Rate, m.inFlight: metrics.Gauge,
		m.keys: metrics.Gauge, m.claimsLive: metrics.Gauge, m.claimsExpired: metrics.Gauge,
		m.indexKeys: metrics.Gauge, m.indexConsistent: metrics.Gauge, m.diskSize: metrics.Gauge,
	} {
		require.NotNil(t, metric)
		assert.Equal(t, typ, metric.Type, metric.Name)
	}
	assert.Equal(t, metrics.Time, m.duration.Contains, "the Trend is in milliseconds")
	assert.Equal(t, metrics.Data, m.diskSize.Contains)

	// Every VU's init context registers again: same metrics.
	again, err := registerMetrics(reg, true)
	require.NoError(t, err)
	assert.Same(t, m.opsTotal, again.opsTotal)

	// Without metrics.operations only the stats gauges exist.
	quiet, err := registerMetrics(metrics.NewRegistry(), false)
	require.NoError(t, err)
	assert.Nil(t, quiet.opsTotal)
	assert.Nil(t, quiet.inFlight)
	assert.NotNil(t, quiet.keys)

	// A name taken with another type is an error, not a silent mix-up.
	clash := metrics.NewRegistry()
	_, err = clash.NewMetric(metricKeys, metrics.Counter)
	require.NoError(t, err)
	_, err = registerMetrics(clash, false)
	assert.Error(t, err)
}

func baseTags(reg *metrics.Registry) metrics.TagsAndMeta {
	tags := reg.RootTagSet().With("scenario", "default")
	return metrics.TagsAndMeta{Tags: newStoreTags(true, true, false).apply(tags), Metadata: map[string]string{"vu": "1"}}
}

func TestOperationSamples(t *testing.T) {
	reg := metrics.NewRegistry()
	m, err := registerMetrics(reg, true)
	require.NoError(t, err)
	base := baseTags(reg)
	now := time.Now()

	common := map[string]string{"scenario": "default", "backend": "memory", "track_keys": "true", "serialization": "json"}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range common {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}

	ok := m.operationSamples(base, "random_key", 1500*time.Microsecond, "", emptyYes, now)
	require.Len(t, ok, 4)
	assert.Equal(t, metricOperationsTotal, ok[0].Metric.Name)
	assert.Equal(t, with(map[string]string{"op": "random_key", "status": "ok"}), ok[0].Tags.Map())
	assert.InDelta(t, 1, ok[0].Value, 0)
	assert.Equal(t, metricOperationDuration, ok[1].Metric.Name)
	assert.Equal(t, with(map[string]string{"op": "random_key", "status": "ok"}), ok[1].Tags.Map())
	assert.InDelta(t, 1.5, ok[1].Value, 1e-9, "milliseconds")
	assert.Equal(t, metricOperationFailed, ok[2].Metric.Name)
	assert.Equal(t, with(map[string]string{"op": "random_key"}), ok[2].Tags.Map(), "the failure rate has no status tag")
	assert.InDelta(t, 0, ok[2].Value, 0)
	assert.Equal(t, metricEmptyResult, ok[3].Metric.Name)
	assert.Equal(t, with(map[string]string{"op": "random_key"}), ok[3].Tags.Map())
	assert.InDelta(t, 1, ok[3].Value, 0)
	for _, s := range ok {
		assert.Equal(t, map[string]string{"vu": "1"}, s.Metadata)
		assert.Equal(t, now, s.Time)
	}

	bad := m.operationSamples(base, "get", time.Millisecond, "KeyNotFoundError", emptyNotApplicable, now)
	require.Len(t, bad, 4)
	assert.Equal(t, with(map[string]string{"op": "get", "status": "error"}), bad[0].Tags.Map())
	assert.InDelta(t, 1, bad[2].Value, 0, "failed")
	assert.Equal(t, metricErrorsTotal, bad[3].Metric.Name)
	assert.Equal(t, with(map[string]string{"op": "get", "error_type": "KeyNotFoundError"}), bad[3].Tags.Map())

	// Only the sampling methods report emptiness; a failed call never does.
	assert.Len(t, m.operationSamples(base, "set", 0, "", emptyNotApplicable, now), 3)
	assert.Len(t, m.operationSamples(base, "pop_random", 0, "StoreClosedError", emptyYes, now), 4)
	notEmpty := m.operationSamples(base, "claim_random", 0, "", emptyNo, now)
	assert.InDelta(t, 0, notEmpty[3].Value, 0)

	inflight := m.inFlightSample(base, 3, now)
	assert.Equal(t, common, inflight.Tags.Map(), "in flight has no op tag")
	assert.InDelta(t, 3, inflight.Value, 0)
}

func TestStatsSamples(t *testing.T) {
	reg := metrics.NewRegistry()
	m, err := registerMetrics(reg, false)
	require.NoError(t, err)
	base := baseTags(reg)

	var snap statsSnapshot
	require.NoError(t, json.Unmarshal([]byte(`{"backend":"disk","count":12,"claims":{"live":2,"expired":1},
		"index":{"enabled":true,"keysList":12,"keysMap":12,"consistent":true},"disk":{"path":"x","sizeBytes":4096}}`), &snap))
	got := map[string]float64{}
	for _, s := range m.statsSamples(base, snap, time.Now()) {
		name := s.Metric.Name
		if ix, ok := s.Tags.Get(tagIndex); ok {
			name += "{" + ix + "}"
		}
		got[name] = s.Value
		assert.Equal(t, "memory", s.Tags.Map()["backend"])
	}
	assert.Equal(t, map[string]float64{
		metricKeys: 12, metricClaimsLive: 2, metricClaimsExpired: 1,
		metricIndexKeys + "{keys_list}": 12, metricIndexKeys + "{keys_map}": 12,
		metricIndexConsistent: 1, metricDiskSizeBytes: 4096,
	}, got)

	// No index (trackKeys off) and no disk: only the three counts.
	snap = statsSnapshot{}
	require.NoError(t, json.Unmarshal([]byte(`{"count":3,"claims":{"live":0,"expired":0},"index":null,"disk":null}`), &snap))
	assert.Len(t, m.statsSamples(base, snap, time.Now()), 3)

	require.NoError(t, json.Unmarshal([]byte(`{"count":3,"claims":{"live":0,"expired":0},"index":{"ost":2,"consistent":false}}`), &snap))
	samples := m.statsSamples(base, snap, time.Now())
	require.Len(t, samples, 5)
	assert.Equal(t, map[string]string{"index": "ost"}, map[string]string{"index": samples[3].Tags.Map()["index"]})
	assert.InDelta(t, 0, samples[4].Value, 0, "inconsistent index")
}

// The metrics configuration is part of the process-wide store options, so
// this test runs in a process of its own (like TestStringMode). It opens the
// store with metrics.operations in the init context, moves to a VU, calls
// every method and checks the samples: one op tag per method, equal to
// snakeCase(method name).
func TestOperationMetricsEmitted(t *testing.T) {
	if os.Getenv("KV_TEST_METRICS_CHILD") != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestOperationMetricsEmitted$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), "KV_TEST_METRICS_CHILD=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		return
	}
	// backup() and restore() without options use ./.k6.kv: keep it out of the source tree.
	t.Chdir(t.TempDir())

	r := newTestVU(t)
	registry := r.VU.InitEnvField.Registry
	run(t, r, `
		globalThis.kv = openKv({backend: "memory", trackKeys: true, metrics: {operations: true}});
		try { await kv.reportStats(); throw new Error("reportStats resolved in the init context"); }
		catch (e) { if (e.name !== "MetricsUnavailableError") throw e; }`)

	samples := make(chan metrics.SampleContainer, 100000)
	r.MoveToVUContext(&lib.State{
		Samples: samples,
		Tags:    lib.NewVUStateTags(registry.RootTagSet().With("scenario", "metrics")),
	})

	var names []string
	for _, m := range (&handle{}).methods() {
		if m.name != "close" {
			names = append(names, m.name)
		}
	}
	namesJSON, err := json.Marshal(names)
	require.NoError(t, err)
	run(t, r, `
		await kv.clear();
		// Every method once, with no arguments: many reject, all report.
		for (const name of `+string(namesJSON)+`) {
			try { await kv[name](); } catch (e) { if (typeof e.name !== "string") throw e; }
		}
		await kv.randomKey({prefix: "none:"});
		await kv.set("m:1", 1);
		await kv.randomKey({prefix: "m:"});
		await kv.claimRandom({prefix: "none:"});
		await kv.popRandomMany({prefix: "none:", count: 2});
		await Promise.all([kv.get("m:1"), kv.get("m:1"), kv.get("m:1")]);
		try { await kv.get("m:none"); } catch (e) {}
		await kv.reportStats();`)
	close(samples)

	ops := map[string]int{}
	type key struct{ metric, op, extra string }
	values := map[key][]float64{}
	maxInFlight := 0.0
	for sc := range samples {
		for _, s := range sc.GetSamples() {
			tags := s.Tags.Map()
			assert.Equal(t, "metrics", tags["scenario"], "VU tags are kept")
			assert.Equal(t, "memory", tags["backend"])
			assert.Equal(t, "true", tags["track_keys"])
			assert.Equal(t, "json", tags["serialization"])
			switch s.Metric.Name {
			case metricOperationsTotal:
				ops[tags["op"]]++
				values[key{s.Metric.Name, tags["op"], tags["status"]}] = append(values[key{s.Metric.Name, tags["op"], tags["status"]}], s.Value)
			case metricErrorsTotal:
				values[key{s.Metric.Name, tags["op"], tags["error_type"]}] = append(values[key{s.Metric.Name, tags["op"], tags["error_type"]}], s.Value)
			case metricEmptyResult, metricOperationFailed:
				values[key{s.Metric.Name, tags["op"], ""}] = append(values[key{s.Metric.Name, tags["op"], ""}], s.Value)
			case metricAsyncInFlight:
				_, hasOp := tags["op"]
				assert.False(t, hasOp)
				maxInFlight = max(maxInFlight, s.Value)
			case metricIndexKeys:
				values[key{s.Metric.Name, "", tags["index"]}] = append(values[key{s.Metric.Name, "", tags["index"]}], s.Value)
			default:
				values[key{s.Metric.Name, "", ""}] = append(values[key{s.Metric.Name, "", ""}], s.Value)
			}
		}
	}

	var wantOps, gotOps []string
	for _, n := range names {
		wantOps = append(wantOps, snakeCase(n))
	}
	for op := range ops {
		gotOps = append(gotOps, op)
	}
	sort.Strings(wantOps)
	sort.Strings(gotOps)
	assert.Equal(t, wantOps, gotOps, "one op tag per method, snake_case of its name")

	assert.Equal(t, []float64{1}, values[key{metricErrorsTotal, "get", "InvalidOptionsError"}], "get() without a key")
	assert.Equal(t, []float64{1}, values[key{metricErrorsTotal, "get", "KeyNotFoundError"}])
	assert.Len(t, values[key{metricOperationsTotal, "get", "ok"}], 3)
	assert.Equal(t, []float64{1, 1, 0}, values[key{metricEmptyResult, "random_key", ""}], "randomKey(), none:, m:")
	assert.Equal(t, []float64{1, 1}, values[key{metricEmptyResult, "claim_random", ""}])
	assert.Equal(t, []float64{1}, values[key{metricEmptyResult, "pop_random_many", ""}], "popRandomMany() without count rejects: no emptiness")
	assert.Empty(t, values[key{metricEmptyResult, "get", ""}])
	assert.GreaterOrEqual(t, maxInFlight, 1.0)
	assert.Equal(t, 0, int(inFlightOps.Load()), "nothing left in flight")

	// reportStats() ran twice: in the loop (empty store) and at the end.
	assert.Equal(t, []float64{0, 1}, values[key{metricKeys, "", ""}])
	assert.Equal(t, []float64{0, 1}, values[key{metricIndexKeys, "", "ost"}])
	assert.Equal(t, []float64{1, 1}, values[key{metricIndexConsistent, "", ""}])
	assert.Equal(t, []float64{0, 0}, values[key{metricClaimsLive, "", ""}])
	assert.Equal(t, []float64{0, 0}, values[key{metricClaimsExpired, "", ""}])
	assert.Empty(t, values[key{metricDiskSizeBytes, "", ""}], "memory backend: no disk gauge")
}
