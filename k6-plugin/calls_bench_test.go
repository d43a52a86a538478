// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"fmt"
	"testing"

	"go.k6.io/k6/v2/js/modulestest"
)

// The cost of one awaited call on a memory store, against the `await null`
// floor, inside one async loop on the event loop: the part of an iteration
// that is ours, without k6's per-iteration work. Allocations are exact; the
// times are as noisy as the machine (compare runs alternated).
//
//	go test -run '^$' -bench BenchmarkAwaited -benchmem
func BenchmarkAwaited(b *testing.B) {
	cases := []struct{ name, expr string }{
		{"null", "(`key:${i % 1000}`, null)"}, // the same key string, no call
		{"get", "kv.get(`key:${i % 1000}`)"},
		{"set", "kv.set(`key:${i % 1000}`, 42)"},
		{"incrementBy", "kv.incrementBy(`key:${i % 1000}`, 1)"},
		{"exists", "kv.exists(`key:${i % 1000}`)"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			r := modulestest.NewRuntime(b)
			mi := new(RootModule).NewModuleInstance(r.VU)
			if err := r.VU.Runtime().Set("openKv", mi.Exports().Named["openKv"]); err != nil {
				b.Fatal(err)
			}
			setup := `globalThis.kv = openKv(` + testOptions + `);
				(async () => { for (let i = 0; i < 1000; i++) await kv.set("key:" + i, i); })();`
			if _, err := r.RunOnEventLoop(setup); err != nil {
				b.Fatal(err)
			}
			body := fmt.Sprintf(`(async () => { for (let i = 0; i < %d; i++) await %s; })();`, b.N, c.expr)
			b.ReportAllocs()
			b.ResetTimer()
			if _, err := r.RunOnEventLoop(body); err != nil {
				b.Fatal(err)
			}
		})
	}
}
