// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"sync"
)

// A blocking cgo call pins an OS thread for its whole duration, so calls
// that run on goroutines (async.go, "pooled") hold one of a fixed set of
// slots shared by the whole process (SPEC §7b): thousands of VUs waiting on
// the store are thousands of parked goroutines, not thousands of threads.
// Two pools, because two kinds of call wait for different things:
//
//   - cpu: scans, lists, snapshots, imports and the like keep a processor
//     busy, so more of them than processors only adds switching;
//   - commit: disk calls that walk the store and then wait for a group
//     commit (clear, deleteByPrefix). Their threads sleep in fsync; the
//     more of them share a commit, the more each fsync is worth, so this
//     pool is sized for the commits it feeds, not for the processors.
//
// Every other durable write, claims and their batches included, uses
// neither: it is submitted (writes.go).

// cpuPoolEnv and commitPoolEnv override the slot counts.
const (
	cpuPoolEnv    = "K6_KV_WORKERS"
	commitPoolEnv = "K6_KV_COMMIT_WORKERS"
)

// defaultCommitPool: measured when claimRandom still ran here, bench/k6's
// disk worker queue gained nothing past it (docs/DECISIONS.md); it bounds
// threads, and costs none while no such call waits.
const defaultCommitPool = 64

// maxPoolSize keeps a typo in an environment variable from creating an absurd number of threads.
const maxPoolSize = 1024

type pool struct {
	slots chan *slot
}

type pools struct {
	cpu    *pool
	commit *pool
}

var sharedPools = sync.OnceValue(func() pools {
	return pools{
		cpu:    newPool(poolSize(os.Getenv(cpuPoolEnv), max(2*runtime.GOMAXPROCS(0), 4))),
		commit: newPool(poolSize(os.Getenv(commitPoolEnv), defaultCommitPool)),
	}
})

// poolSize is the slot count: the environment's value when it is a sane
// positive number, else the default.
func poolSize(env string, def int) int {
	if n, err := strconv.Atoi(env); err == nil && n > 0 {
		return min(n, maxPoolSize)
	}
	return def
}

func newPool(n int) *pool {
	p := &pool{slots: make(chan *slot, n)}
	for range n {
		p.slots <- newSlot()
	}
	return p
}

// run waits for a free slot and runs fn on it. It gives up, without running
// fn, when ctx ends first. A call already in C is not interrupted: it either
// happened or it did not, and its result is reported as such.
func (p *pool) run(ctx context.Context, fn func(*slot)) *kvError {
	if ctx.Err() != nil {
		return canceled()
	}
	var s *slot
	select {
	case s = <-p.slots:
	case <-ctx.Done():
		return canceled()
	}
	defer func() { p.slots <- s }()
	if ctx.Err() != nil {
		return canceled()
	}
	fn(s)
	return nil
}

func canceled() *kvError {
	return newError(nameOperationCanceled, "the VU's context ended before the operation could run")
}
