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
	"strings"
	"unsafe"
)

// scratchSize is the per-slot result buffer; larger results spill into C-allocated memory.
const scratchSize = 16 << 10

// maxValueBytes is libkv's value limit (KV_MAX_VALUE_SIZE): the encoder stops
// as soon as a value's text passes it.
const maxValueBytes = C.KV_MAX_VALUE_SIZE

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

// loopScratchSize is smaller: there is one loop slot per VU, and results
// past it simply spill.
const loopScratchSize = 4 << 10

// newLoopSlot is a nonblocking slot for one event loop: its calls fail
// with errWouldBlock instead of waiting for another caller's lock.
func newLoopSlot() *slot {
	s := &slot{out: C.kvb_out_new(C.gsize(loopScratchSize))}
	s.out.nonblocking = 1
	return s
}

// free releases a slot that will not be used again.
func (s *slot) free() { C.kvb_out_free(s.out) }

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

// ckey is key, NUL-terminated, in the slot's C key buffer: no Go
// allocation and no cgo pointer check per call. A key too long for it
// (libkv refuses those, quoting them) is passed from Go memory as before.
func (s *slot) ckey(key string) *C.char {
	if len(key) >= int(s.out.key_cap) {
		return ptr(cstr(key))
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(s.out.key)), len(key)+1)
	copy(b, key)
	b[len(key)] = 0
	return s.out.key
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
	text     string // getText: the value, as a string
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
	if out.code == C.KVB_WOULD_BLOCK {
		return result{err: errWouldBlock}
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
	trackKeys         bool
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
		trackKeys:         r.num2 != 0,
	}, nil
}

func storeClose(st cStore) { C.kvb_close(st) }
func storeUnref(st cStore) { C.kvb_unref(st) }

func (s *slot) get(st cStore, key string) result {
	C.kvb_get(st, s.ckey(key), s.out)
	return s.collect()
}

// getText is get with the value copied once, straight into a Go string
// (result.text): what the JSON decoder reads and a string value is.
func (s *slot) getText(st cStore, key string) result {
	C.kvb_get(st, s.ckey(key), s.out)
	out := s.out
	if out.code != C.KVB_OK {
		return s.collect()
	}
	r := result{hasValue: out.has_value != 0}
	if out.len > 0 {
		r.text = strings.Clone(unsafe.String((*byte)(unsafe.Pointer(out.data)), int(out.len)))
	}
	return r
}

func (s *slot) set(st cStore, key string, value []byte) result {
	C.kvb_set(st, s.ckey(key), ptr(value), C.gsize(len(value)), s.out)
	return s.collect()
}

func (s *slot) del(st cStore, key string) result {
	C.kvb_delete(st, s.ckey(key), s.out)
	return s.collect()
}

func (s *slot) exists(st cStore, key string) result {
	C.kvb_exists(st, s.ckey(key), s.out)
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

// packedValues holds a batch's values back to back, with their lengths.
type packedValues struct {
	buf  []byte
	lens []C.gsize // one more than the values, so &lens[0] is valid for an empty batch
}

func packValues(values [][]byte) packedValues {
	total := 0
	for _, v := range values {
		total += len(v)
	}
	p := packedValues{buf: make([]byte, 0, total), lens: make([]C.gsize, len(values)+1)}
	for i, v := range values {
		p.buf = append(p.buf, v...)
		p.lens[i] = C.gsize(len(v))
	}
	return p
}

func (s *slot) setMany(st cStore, keys packedKeys, values [][]byte) result {
	v := packValues(values)
	C.kvb_set_many(st, ptr(keys.buf), ptr(v.buf), &v.lens[0], C.gsize(keys.n), s.out)
	return s.collect()
}

func submitSetMany(st cStore, keys packedKeys, values [][]byte, token uintptr) {
	v := packValues(values)
	C.kvb_submit_set_many(st, ptr(keys.buf), ptr(v.buf), &v.lens[0], C.gsize(keys.n), C.guintptr(token))
}

func submitDeleteMany(st cStore, keys packedKeys, token uintptr) {
	C.kvb_submit_delete_many(st, ptr(keys.buf), C.gsize(keys.n), C.guintptr(token))
}

func (s *slot) deleteMany(st cStore, keys packedKeys) result {
	C.kvb_delete_many(st, ptr(keys.buf), C.gsize(keys.n), s.out)
	return s.collect()
}

func (s *slot) incrementBy(st cStore, key string, delta int64) result {
	C.kvb_increment_by(st, s.ckey(key), C.gint64(delta), s.out)
	return s.collect()
}

func (s *slot) getOrSet(st cStore, key string, value []byte) result {
	C.kvb_get_or_set(st, s.ckey(key), ptr(value), C.gsize(len(value)), s.out)
	return s.collect()
}

func (s *slot) swap(st cStore, key string, value []byte) result {
	C.kvb_swap(st, s.ckey(key), ptr(value), C.gsize(len(value)), s.out)
	return s.collect()
}

// compareAndSwap: a nil expected means "the key must be missing".
func (s *slot) compareAndSwap(st cStore, key string, expected, value []byte, wantCurrent bool) result {
	C.kvb_compare_and_swap(st, s.ckey(key), ptr(expected), C.gsize(len(expected)), cbool(expected == nil),
		ptr(value), C.gsize(len(value)), cbool(wantCurrent), s.out)
	return s.collect()
}

func (s *slot) setIfAbsent(st cStore, key string, value []byte) result {
	C.kvb_set_if_absent(st, s.ckey(key), ptr(value), C.gsize(len(value)), s.out)
	return s.collect()
}

func (s *slot) deleteIfExists(st cStore, key string) result {
	C.kvb_delete_if_exists(st, s.ckey(key), s.out)
	return s.collect()
}

func (s *slot) compareAndDelete(st cStore, key string, expected []byte, wantCurrent bool) result {
	C.kvb_compare_and_delete(st, s.ckey(key), ptr(expected), C.gsize(len(expected)), cbool(wantCurrent), s.out)
	return s.collect()
}

// Order, paging, sampling. An empty prefix matches every key.

func (s *slot) list(st cStore, prefix string, limit int64) result {
	p := cstr(prefix)
	C.kvb_list(st, ptr(p), C.gint64(limit), s.out)
	return s.collect()
}

func (s *slot) listKeys(st cStore, prefix string, limit int64) result {
	p := cstr(prefix)
	C.kvb_list_keys(st, ptr(p), C.gint64(limit), s.out)
	return s.collect()
}

func (s *slot) scan(st cStore, prefix, cursor string, limit int64) result {
	p, c := cstr(prefix), cstr(cursor)
	C.kvb_scan(st, ptr(p), ptr(c), C.gint64(limit), s.out)
	return s.collect()
}

func (s *slot) scanKeys(st cStore, prefix, cursor string, limit int64) result {
	p, c := cstr(prefix), cstr(cursor)
	C.kvb_scan_keys(st, ptr(p), ptr(c), C.gint64(limit), s.out)
	return s.collect()
}

func (s *slot) count(st cStore, prefix string) result {
	p := cstr(prefix)
	C.kvb_count(st, ptr(p), s.out)
	return s.collect()
}

func (s *slot) deleteByPrefix(st cStore, prefix string, limit int64) result {
	p := cstr(prefix)
	C.kvb_delete_by_prefix(st, ptr(p), C.gint64(limit), s.out)
	return s.collect()
}

func (s *slot) randomKey(st cStore, prefix string) result {
	p := cstr(prefix)
	C.kvb_random_key(st, ptr(p), s.out)
	return s.collect()
}

func (s *slot) randomKeys(st cStore, prefix string, count int64, unique bool) result {
	p := cstr(prefix)
	C.kvb_random_keys(st, ptr(p), C.gint64(count), cbool(unique), s.out)
	return s.collect()
}

func (s *slot) rebuildKeyList(st cStore) result {
	C.kvb_rebuild_key_list(st, s.out)
	return s.collect()
}

func (s *slot) stats(st cStore) result {
	C.kvb_stats(st, s.out)
	return s.collect()
}

// Claims. A nil owner is "no owner"; ttlMs 0 is libkv's default lease.

func (s *slot) popRandom(st cStore, prefix string) result {
	p := cstr(prefix)
	C.kvb_pop_random(st, ptr(p), s.out)
	return s.collect()
}

func (s *slot) popRandomMany(st cStore, prefix string, count int64) result {
	p := cstr(prefix)
	C.kvb_pop_random_many(st, ptr(p), C.gint64(count), s.out)
	return s.collect()
}

func (s *slot) claimRandom(st cStore, prefix string, owner *string, ttlMs int64) result {
	p, o := cstr(prefix), optCstr(owner)
	C.kvb_claim_random(st, ptr(p), optPtr(o), C.gint64(ttlMs), s.out)
	return s.collect()
}

func (s *slot) claimRandomMany(st cStore, prefix string, count int64, owner *string, ttlMs int64) result {
	p, o := cstr(prefix), optCstr(owner)
	C.kvb_claim_random_many(st, ptr(p), C.gint64(count), optPtr(o), C.gint64(ttlMs), s.out)
	return s.collect()
}

func (s *slot) claimKey(st cStore, key string, owner *string, ttlMs int64) result {
	k, o := cstr(key), optCstr(owner)
	C.kvb_claim_key(st, ptr(k), optPtr(o), C.gint64(ttlMs), s.out)
	return s.collect()
}

func (s *slot) claimKeys(st cStore, keys packedKeys, owner *string, ttlMs int64, allOrNothing bool) result {
	o := optCstr(owner)
	C.kvb_claim_keys(st, ptr(keys.buf), C.gsize(keys.n), optPtr(o), C.gint64(ttlMs), cbool(allOrNothing), s.out)
	return s.collect()
}

// refOp selects what claimRef/claimRefs do with a claim.
type refOp int

const (
	refRelease  refOp = C.KVB_REF_RELEASE
	refComplete refOp = C.KVB_REF_COMPLETE
	refRenew    refOp = C.KVB_REF_RENEW
)

func (s *slot) claimRef(st cStore, op refOp, ref claimRef, deleteKey bool, ttlMs int64) result {
	id, k := cstr(ref.id), cstr(ref.key)
	C.kvb_claim_ref(st, C.int(op), ptr(id), ptr(k), C.guint64(ref.token), cbool(deleteKey), C.gint64(ttlMs), s.out)
	return s.collect()
}

// packedRefs is a batch of claim refs as C takes it: ids and keys packed
// like batch keys, and the tokens (one more, so &tokens[0] is valid when empty).
type packedRefs struct {
	ids, keys packedKeys
	tokens    []C.guint64
	n         int
}

func packRefs(refs []claimRef) packedRefs {
	ids := make([]string, len(refs))
	keys := make([]string, len(refs))
	tokens := make([]C.guint64, len(refs)+1)
	for i, r := range refs {
		ids[i], keys[i], tokens[i] = r.id, r.key, C.guint64(r.token)
	}
	return packedRefs{packKeys(ids), packKeys(keys), tokens, len(refs)}
}

func (s *slot) claimRefs(st cStore, op refOp, refs []claimRef, deleteKey bool, ttlMs int64) result {
	p := packRefs(refs)
	C.kvb_claim_refs(st, C.int(op), ptr(p.ids.buf), ptr(p.keys.buf), &p.tokens[0], C.gsize(p.n),
		cbool(deleteKey), C.gint64(ttlMs), s.out)
	return s.collect()
}

func (s *slot) allocationStats(st cStore, prefix string) result {
	p := cstr(prefix)
	C.kvb_allocation_stats(st, ptr(p), s.out)
	return s.collect()
}

// Snapshots and JSON Lines. An empty fileName is libkv's default file (backup, restore).

func (s *slot) backup(st cStore, fileName string, allowConcurrentWrites bool, maxEntries, maxBytes int64) result {
	f := cstr(fileName)
	C.kvb_backup(st, ptr(f), cbool(allowConcurrentWrites), C.gint64(maxEntries), C.gint64(maxBytes), s.out)
	return s.collect()
}

func (s *slot) restore(st cStore, fileName string, maxEntries, maxBytes int64) result {
	f := cstr(fileName)
	C.kvb_restore(st, ptr(f), C.gint64(maxEntries), C.gint64(maxBytes), s.out)
	return s.collect()
}

func (s *slot) exportJSONL(st cStore, fileName, prefix string, limit int64) result {
	f, p := cstr(fileName), cstr(prefix)
	C.kvb_export_jsonl(st, ptr(f), ptr(p), C.gint64(limit), s.out)
	return s.collect()
}

func (s *slot) importJSONL(st cStore, fileName string, limit, batchSize int64) result {
	f := cstr(fileName)
	C.kvb_import_jsonl(st, ptr(f), C.gint64(limit), C.gint64(batchSize), s.out)
	return s.collect()
}

func (s *slot) validateJSONL(st cStore, fileName string, limit int64) result {
	f := cstr(fileName)
	C.kvb_validate_jsonl(st, ptr(f), C.gint64(limit), s.out)
	return s.collect()
}

// CSV. The delimiter is one byte; keyColumn "" (validateCSV) means none.

func (s *slot) exportCSV(st cStore, o csvExportOptions) result {
	f, p, cols := cstr(o.fileName), cstr(o.prefix), packKeys(o.columns)
	C.kvb_export_csv(st, ptr(f), ptr(cols.buf), C.gsize(cols.n), ptr(p), C.gint64(o.limit),
		C.char(o.delimiter), cbool(o.includeKey), s.out)
	return s.collect()
}

func (s *slot) importCSV(st cStore, o csvReadOptions) result {
	f, k := cstr(o.fileName), cstr(o.keyColumn)
	C.kvb_import_csv(st, ptr(f), ptr(k), C.char(o.delimiter), cbool(o.hasHeader), C.gint64(o.limit),
		C.gint64(o.batchSize), s.out)
	return s.collect()
}

func (s *slot) validateCSV(st cStore, o csvReadOptions) result {
	f := cstr(o.fileName)
	var k []byte
	if o.keyColumn != "" {
		k = cstr(o.keyColumn)
	}
	C.kvb_validate_csv(st, ptr(f), optPtr(k), C.char(o.delimiter), cbool(o.hasHeader), C.gint64(o.limit), s.out)
	return s.collect()
}

// optCstr is cstr for an optional string; nil stays nil.
func optCstr(s *string) []byte {
	if s == nil {
		return nil
	}
	return cstr(*s)
}

// optPtr is ptr for an optional C string: NULL for nil.
func optPtr(b []byte) *C.char {
	if b == nil {
		return nil
	}
	return ptr(b)
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// Submitted writes (writes.go): each returns at once; the completion carries
// token back through nextCompletion.

func submitSet(st cStore, key string, value []byte, token uintptr) {
	C.kvb_submit_set(st, ptr(cstr(key)), ptr(value), C.gsize(len(value)), C.guintptr(token))
}

func submitDelete(st cStore, key string, token uintptr) {
	C.kvb_submit_delete(st, ptr(cstr(key)), C.guintptr(token))
}

func submitIncrementBy(st cStore, key string, delta int64, token uintptr) {
	C.kvb_submit_increment_by(st, ptr(cstr(key)), C.gint64(delta), C.guintptr(token))
}

func submitGetOrSet(st cStore, key string, value []byte, token uintptr) {
	C.kvb_submit_get_or_set(st, ptr(cstr(key)), ptr(value), C.gsize(len(value)), C.guintptr(token))
}

func submitSwap(st cStore, key string, value []byte, token uintptr) {
	C.kvb_submit_swap(st, ptr(cstr(key)), ptr(value), C.gsize(len(value)), C.guintptr(token))
}

func submitCompareAndSwap(st cStore, key string, expected, value []byte, wantCurrent bool, token uintptr) {
	C.kvb_submit_compare_and_swap(st, ptr(cstr(key)), ptr(expected), C.gsize(len(expected)), cbool(expected == nil),
		ptr(value), C.gsize(len(value)), cbool(wantCurrent), C.guintptr(token))
}

func submitSetIfAbsent(st cStore, key string, value []byte, token uintptr) {
	C.kvb_submit_set_if_absent(st, ptr(cstr(key)), ptr(value), C.gsize(len(value)), C.guintptr(token))
}

func submitDeleteIfExists(st cStore, key string, token uintptr) {
	C.kvb_submit_delete_if_exists(st, ptr(cstr(key)), C.guintptr(token))
}

func submitCompareAndDelete(st cStore, key string, expected []byte, wantCurrent bool, token uintptr) {
	C.kvb_submit_compare_and_delete(st, ptr(cstr(key)), ptr(expected), C.gsize(len(expected)), cbool(wantCurrent),
		C.guintptr(token))
}

func submitClaimKey(st cStore, key string, owner *string, ttlMs int64, token uintptr) {
	k, o := cstr(key), optCstr(owner)
	C.kvb_submit_claim_key(st, ptr(k), optPtr(o), C.gint64(ttlMs), C.guintptr(token))
}

func submitClaimRef(st cStore, op refOp, ref claimRef, deleteKey bool, ttlMs int64, token uintptr) {
	id, k := cstr(ref.id), cstr(ref.key)
	C.kvb_submit_claim_ref(st, C.int(op), ptr(id), ptr(k), C.guint64(ref.token), cbool(deleteKey),
		C.gint64(ttlMs), C.guintptr(token))
}

func submitClaimRandom(st cStore, prefix string, owner *string, ttlMs int64, token uintptr) {
	p, o := cstr(prefix), optCstr(owner)
	C.kvb_submit_claim_random(st, ptr(p), optPtr(o), C.gint64(ttlMs), C.guintptr(token))
}

func submitClaimRandomMany(st cStore, prefix string, count int64, owner *string, ttlMs int64, token uintptr) {
	p, o := cstr(prefix), optCstr(owner)
	C.kvb_submit_claim_random_many(st, ptr(p), C.gint64(count), optPtr(o), C.gint64(ttlMs), C.guintptr(token))
}

func submitPopRandom(st cStore, prefix string, token uintptr) {
	p := cstr(prefix)
	C.kvb_submit_pop_random(st, ptr(p), C.guintptr(token))
}

func submitPopRandomMany(st cStore, prefix string, count int64, token uintptr) {
	p := cstr(prefix)
	C.kvb_submit_pop_random_many(st, ptr(p), C.gint64(count), C.guintptr(token))
}

func submitClaimKeys(st cStore, keys packedKeys, owner *string, ttlMs int64, allOrNothing bool, token uintptr) {
	o := optCstr(owner)
	C.kvb_submit_claim_keys(st, ptr(keys.buf), C.gsize(keys.n), optPtr(o), C.gint64(ttlMs), cbool(allOrNothing),
		C.guintptr(token))
}

func submitClaimRefs(st cStore, op refOp, refs []claimRef, deleteKey bool, ttlMs int64, token uintptr) {
	p := packRefs(refs)
	C.kvb_submit_claim_refs(st, C.int(op), ptr(p.ids.buf), ptr(p.keys.buf), &p.tokens[0], C.gsize(p.n),
		cbool(deleteKey), C.gint64(ttlMs), C.guintptr(token))
}

// nextCompletion blocks until a submitted write completes, collects its
// results into this slot and returns its token.
func (s *slot) nextCompletion() uintptr {
	return uintptr(C.kvb_next_completion(s.out))
}

// pollCompletion is nextCompletion without the wait: 0 when none is queued.
func (s *slot) pollCompletion() uintptr {
	return uintptr(C.kvb_poll_completion(s.out))
}
