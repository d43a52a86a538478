// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"sync"
)

// A blocking cgo call pins an OS thread for its whole duration, so the number
// of store calls in C at once is bounded by a fixed set of slots shared by the
// whole process (SPEC §7b): thousands of VUs waiting on the store are
// thousands of parked goroutines, not thousands of threads.

// poolEnv overrides the number of slots.
const poolEnv = "K6_KV_WORKERS"

// maxPoolSize keeps a typo in poolEnv from creating an absurd number of threads.
const maxPoolSize = 1024

type pool struct {
	slots chan *slot
}

var sharedPool = sync.OnceValue(func() *pool {
	return newPool(poolSize(os.Getenv(poolEnv), runtime.GOMAXPROCS(0)))
})

// poolSize is the slot count: the environment's value when it is a sane
// positive number, else two per usable processor (store calls mix CPU work
// with waits on locks and fsync, so a little oversubscription pays).
func poolSize(env string, procs int) int {
	if n, err := strconv.Atoi(env); err == nil && n > 0 {
		return min(n, maxPoolSize)
	}
	return max(2*procs, 4)
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
