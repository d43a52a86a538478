// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

// The cgo layer: it converts Go arguments to C, calls one kvb_* helper and
// copies the result out. Nothing else lives here.

/*
#cgo pkg-config: libkv-1
#include "kvbridge.h"
*/
import "C"

import (
	"unsafe"
)

// scratchSize is the per-slot result buffer; larger results spill into C-allocated memory.
const scratchSize = 16 << 10

// cStore is a libkv store handle (one per openKv call).
type cStore = *C.KvStore

// slot is one worker slot of the pool: a C result block with its scratch buffer.
// A slot is used by one goroutine at a time.
type slot struct {
	out *C.KvbOut
}

func newSlot() *slot {
	return &slot{out: C.kvb_out_new(C.gsize(scratchSize))}
}

// loadErrorNames reads libkv's code → JavaScript name table (once, via errorNames).
func loadErrorNames() []string {
	n := int(C.KV_ERROR_N_CODES)
	names := make([]string, n)
	for i := range names {
		names[i] = C.GoString(C.kv_error_code_get_name(C.int(i)))
	}
	return names
}

// cstr returns s as a NUL-terminated byte slice whose first byte may be passed to C.
func cstr(s string) []byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b
}

func ptr(b []byte) *C.char {
	if len(b) == 0 {
		return (*C.char)(unsafe.Pointer(&zeroByte[0]))
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}

var zeroByte = [1]byte{0}

// result is what one C call returned, already copied into Go memory.
type result struct {
	err      *kvError
	hasValue bool
	value    []byte // value or packed payload
	flag0    bool
	flag1    bool
	num0     int64
	num1     uint64
	num2     uint64
}

func (s *slot) collect() result {
	out := s.out
	var payload []byte
	if out.len > 0 {
		payload = make([]byte, int(out.len))
		copy(payload, unsafe.Slice((*byte)(unsafe.Pointer(out.data)), int(out.len)))
	}
	if out.code != C.KVB_OK {
		return result{err: decodeError(int(out.code), payload)}
	}
	return result{
		hasValue: out.has_value != 0,
		value:    payload,
		flag0:    out.flag0 != 0,
		flag1:    out.flag1 != 0,
		num0:     int64(out.num0),
		num1:     uint64(out.num1),
		num2:     uint64(out.num2),
	}
}

type openResult struct {
	store             cStore
	stringMode        bool
	memoryBackend     bool
	metricsOperations bool
}

func (s *slot) open(optionsJSON []byte) (openResult, *kvError) {
	var opts *C.char
	if optionsJSON != nil {
		opts = ptr(cstr(string(optionsJSON)))
	}
	store := C.kvb_open_shared(opts, s.out)
	r := s.collect()
	if r.err != nil {
		return openResult{}, r.err
	}
	return openResult{
		store:             store,
		stringMode:        r.flag0,
		memoryBackend:     r.flag1,
		metricsOperations: r.num1 != 0,
	}, nil
}

func storeClose(st cStore) { C.kvb_close(st) }
func storeUnref(st cStore) { C.kvb_unref(st) }

func (s *slot) get(st cStore, key string) result {
	k := cstr(key)
	C.kvb_get(st, ptr(k), s.out)
	return s.collect()
}

func (s *slot) set(st cStore, key string, value []byte) result {
	k := cstr(key)
	C.kvb_set(st, ptr(k), ptr(value), C.gsize(len(value)), s.out)
	return s.collect()
}

func (s *slot) del(st cStore, key string) result {
	k := cstr(key)
	C.kvb_delete(st, ptr(k), s.out)
	return s.collect()
}

func (s *slot) exists(st cStore, key string) result {
	k := cstr(key)
	C.kvb_exists(st, ptr(k), s.out)
	return s.collect()
}

func (s *slot) clear(st cStore) result {
	C.kvb_clear(st, s.out)
	return s.collect()
}

func (s *slot) size(st cStore) result {
	C.kvb_size(st, s.out)
	return s.collect()
}

// packedKeys holds n NUL-terminated keys back to back.
type packedKeys struct {
	buf []byte
	n   int
}

func packKeys(keys []string) packedKeys {
	total := 0
	for _, k := range keys {
		total += len(k) + 1
	}
	buf := make([]byte, 0, total)
	for _, k := range keys {
		buf = append(buf, k...)
		buf = append(buf, 0)
	}
	return packedKeys{buf: buf, n: len(keys)}
}

func (s *slot) getMany(st cStore, keys packedKeys) result {
	C.kvb_get_many(st, ptr(keys.buf), C.gsize(keys.n), s.out)
	return s.collect()
}

func (s *slot) setMany(st cStore, keys packedKeys, values [][]byte) result {
	total := 0
	for _, v := range values {
		total += len(v)
	}
	buf := make([]byte, 0, total)
	lens := make([]C.gsize, len(values)+1) // +1 so &lens[0] is valid for an empty batch
	for i, v := range values {
		buf = append(buf, v...)
		lens[i] = C.gsize(len(v))
	}
	C.kvb_set_many(st, ptr(keys.buf), ptr(buf), &lens[0], C.gsize(keys.n), s.out)
	return s.collect()
}

func (s *slot) deleteMany(st cStore, keys packedKeys) result {
	C.kvb_delete_many(st, ptr(keys.buf), C.gsize(keys.n), s.out)
	return s.collect()
}

func (s *slot) incrementBy(st cStore, key string, delta int64) result {
	k := cstr(key)
	C.kvb_increment_by(st, ptr(k), C.gint64(delta), s.out)
	return s.collect()
}

func (s *slot) getOrSet(st cStore, key string, value []byte) result {
	k := cstr(key)
	C.kvb_get_or_set(st, ptr(k), ptr(value), C.gsize(len(value)), s.out)
	return s.collect()
}

func (s *slot) swap(st cStore, key string, value []byte) result {
	k := cstr(key)
	C.kvb_swap(st, ptr(k), ptr(value), C.gsize(len(value)), s.out)
	return s.collect()
}

// compareAndSwap: a nil expected means "the key must be missing".
func (s *slot) compareAndSwap(st cStore, key string, expected, value []byte, wantCurrent bool) result {
	k := cstr(key)
	C.kvb_compare_and_swap(st, ptr(k), ptr(expected), C.gsize(len(expected)), cbool(expected == nil),
		ptr(value), C.gsize(len(value)), cbool(wantCurrent), s.out)
	return s.collect()
}

func (s *slot) setIfAbsent(st cStore, key string, value []byte) result {
	k := cstr(key)
	C.kvb_set_if_absent(st, ptr(k), ptr(value), C.gsize(len(value)), s.out)
	return s.collect()
}

func (s *slot) deleteIfExists(st cStore, key string) result {
	k := cstr(key)
	C.kvb_delete_if_exists(st, ptr(k), s.out)
	return s.collect()
}

func (s *slot) compareAndDelete(st cStore, key string, expected []byte, wantCurrent bool) result {
	k := cstr(key)
	C.kvb_compare_and_delete(st, ptr(k), ptr(expected), C.gsize(len(expected)), cbool(wantCurrent), s.out)
	return s.collect()
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
