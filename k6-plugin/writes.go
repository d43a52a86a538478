// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"runtime"
	"runtime/cgo"
	"sync"
)

// Submitted writes: a durable disk write is handed to libkv's group commit
// with a token and nothing waits for its fsync but the promise. One drainer
// goroutine per process blocks in kvb_next_completion (one OS thread, however
// many writes are in flight) and hands each completion to its call, which
// queues the settling on the VU's event loop.

type pendingWrite struct {
	done func(r result) // called on the drainer goroutine; must only queue work
}

var startDrainer = sync.OnceFunc(func() { go drain() })

// submitWrite submits one write; done receives its result, once.
func submitWrite(done func(r result), submit func(token uintptr)) {
	startDrainer()
	h := cgo.NewHandle(&pendingWrite{done: done})
	submit(uintptr(h))
}

func drain() {
	s := newSlot()
	for {
		token := s.pollCompletion()
		if token == 0 {
			// Nothing queued: the drainer is about to sleep in C. The
			// completions it just handed on readied VU event loops on this
			// P; blocking in a cgo call now would leave them queued behind a
			// P stuck in that call until sysmon takes it back (tens of µs or
			// more), so yield first and let them run at once.
			runtime.Gosched()
			token = s.nextCompletion()
		}
		r := s.collect()
		h := cgo.Handle(token)
		p := h.Value().(*pendingWrite)
		h.Delete()
		p.done(r)
	}
}
