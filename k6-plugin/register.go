// SPDX-License-Identifier: LGPL-2.1-or-later

// Package kv is the k6 extension "k6/x/kv": the JavaScript API of xk6-kv
// served by libkv. Each file holds one job: register.go wires the module into
// k6, open.go is openKv() and the handle, options.go, options_ops.go,
// options_snapshot.go and args.go convert arguments, values.go converts
// values, errors.go maps errors, pool.go bounds the threads in C, async.go
// settles promises, metrics.go emits the xk6_kv_* metrics, ops_*.go are the
// methods, and libkv.go (with kvbridge.c) is the only code that talks to C.
package kv

import (
	"go.k6.io/k6/v2/js/modules"
)

// ImportPath is the module name scripts import.
const ImportPath = "k6/x/kv"

func init() {
	modules.Register(ImportPath, new(RootModule))
}

// RootModule is the global module instance; k6 asks it for one instance per VU.
type RootModule struct{}

// ModuleInstance is the module as one VU sees it.
type ModuleInstance struct {
	vu modules.VU
}

var (
	_ modules.Module   = &RootModule{}
	_ modules.Instance = &ModuleInstance{}
)

// NewModuleInstance implements modules.Module.
func (*RootModule) NewModuleInstance(vu modules.VU) modules.Instance {
	return &ModuleInstance{vu: vu}
}

// Exports implements modules.Instance.
func (mi *ModuleInstance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{"openKv": mi.openKv}}
}
