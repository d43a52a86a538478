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
	n := r.u64()
	for i := uint64(0); i < n && !r.bad; i++ {
		it := itemError{Index: int(r.u64())}
		it.Key = r.optString()
		it.ID = r.optString()
		it.Name = r.str()
		it.Message = r.str()
		e.Items = append(e.Items, it)
	}
	return e
}

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
