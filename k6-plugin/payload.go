// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import "encoding/binary"

// payloadReader walks the packed encodings documented in kvbridge.h.
type payloadReader struct {
	b   []byte
	bad bool
}

func (r *payloadReader) u64() uint64 {
	if len(r.b) < 8 {
		r.bad = true
		return 0
	}
	v := binary.NativeEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *payloadReader) bytes(n uint64) []byte {
	if uint64(len(r.b)) < n {
		r.bad = true
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// optBytes reads an i64 length (-1 for absent) and that many bytes.
func (r *payloadReader) optBytes() ([]byte, bool) {
	n := int64(r.u64())
	if n < 0 {
		return nil, false
	}
	return r.bytes(uint64(n)), true
}

func (r *payloadReader) optString() *string {
	b, ok := r.optBytes()
	if !ok {
		return nil
	}
	s := string(b)
	return &s
}

func (r *payloadReader) str() string { return string(r.bytes(r.u64())) }

func decodeError(code int, payload []byte) *kvError {
	r := payloadReader{b: payload}
	e := &kvError{Name: errorName(code), Message: r.str()}
	e.Items = r.items()
	return e
}

// count reads an element count and rejects one the remaining bytes cannot
// hold (each element takes at least minSize bytes), so a corrupt count
// cannot make us allocate a huge slice.
func (r *payloadReader) count(minSize int) int {
	n := r.u64()
	if r.bad || n > uint64(len(r.b)/minSize) {
		r.bad = true
		return 0
	}
	return int(n)
}

func (r *payloadReader) items() []itemError {
	n := r.count(40)
	var items []itemError
	for i := 0; i < n && !r.bad; i++ {
		it := itemError{Index: int(r.u64())}
		it.Key = r.optString()
		it.ID = r.optString()
		it.Name = r.str()
		it.Message = r.str()
		items = append(items, it)
	}
	return items
}

func (r *payloadReader) keys() []string {
	n := r.count(8)
	keys := make([]string, 0, n)
	for i := 0; i < n && !r.bad; i++ {
		keys = append(keys, r.str())
	}
	return keys
}

// rawEntry is a key with its stored value, not yet decoded.
type rawEntry struct {
	key   string
	value []byte
}

func (r *payloadReader) entry() rawEntry {
	key := r.str()
	return rawEntry{key: key, value: r.bytes(r.u64())}
}

func (r *payloadReader) entries() []rawEntry {
	n := r.count(16)
	entries := make([]rawEntry, 0, n)
	for i := 0; i < n && !r.bad; i++ {
		entries = append(entries, r.entry())
	}
	return entries
}

// rawClaim is a claim as libkv granted it, its value not yet decoded.
type rawClaim struct {
	id        string
	key       string
	token     uint64
	owner     *string
	expiresAt int64
	value     []byte
}

func (r *payloadReader) claims() []rawClaim {
	n := r.count(48)
	claims := make([]rawClaim, 0, n)
	for i := 0; i < n && !r.bad; i++ {
		c := rawClaim{id: r.str(), key: r.str(), token: r.u64()}
		c.owner = r.optString()
		c.expiresAt = int64(r.u64())
		c.value = r.bytes(r.u64())
		claims = append(claims, c)
	}
	return claims
}

// done reports whether the payload was well formed and fully consumed.
func (r *payloadReader) done() bool { return !r.bad && len(r.b) == 0 }

// decodeValues splits a getMany payload into n values (nil where missing).
func decodeValues(payload []byte, n int) ([][]byte, bool) {
	r := payloadReader{b: payload}
	values := make([][]byte, n)
	for i := range values {
		v, ok := r.optBytes()
		if ok && v == nil {
			v = []byte{}
		}
		values[i] = v
	}
	return values, !r.bad
}
