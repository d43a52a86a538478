// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"encoding/binary"
	"testing"

	"github.com/grafana/sobek"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every name the binding produces on its own must be one libkv defines.
func TestGoSideNamesAreAPI(t *testing.T) {
	for _, name := range []string{
		nameInvalidOptions, nameValueNumberRequired, nameOperationCanceled, nameUnknown,
		nameUnexpectedOutput, nameMetricsUnavailable, itemSerializer,
	} {
		assert.True(t, knownErrorName(name), name)
	}
}

func TestErrorNameTable(t *testing.T) {
	// Codes are API and only ever appended: spot-check both ends and some in between.
	assert.Equal(t, "UnknownError", errorName(0))
	assert.Equal(t, "KeyNotFoundError", errorName(1))
	assert.Equal(t, "InvalidOptionsError", errorName(4))
	assert.Equal(t, "KVOptionsConflictError", errorName(7))
	assert.Equal(t, "StoreClosedError", errorName(21))
	assert.Equal(t, "BucketNotFoundError", errorName(len(errorNames())-1))
	assert.Equal(t, "UnknownError", errorName(-1))
	assert.Equal(t, "UnknownError", errorName(len(errorNames())))

	// The complete set of SPEC §1b, nothing more, nothing less.
	want := []string{
		"KeyNotFoundError", "InvalidCursorError", "InvalidBackendError", "InvalidOptionsError",
		"InvalidSerializationError", "InternalStoreError", "KVOptionsConflictError", "BackupOptionsRequiredError",
		"RestoreOptionsRequiredError", "MetricsUnavailableError", "SnapshotBudgetExceededError",
		"ValueNumberRequiredError", "UnsupportedValueTypeError", "ValueParseError", "SerializerError",
		"UnexpectedStoreOutputError", "UnknownError", "BackupInProgressError", "RestoreInProgressError",
		"OperationCanceledError", "StoreReadOnlyError", "StoreClosedError", "DatabaseNotOpenError",
		"SnapshotNotFoundError", "SnapshotPermissionError", "SnapshotExportError", "SnapshotIOError",
		"SnapshotReadError", "SnapshotKeyMissingError", "DiskPathError", "DiskStoreOpenError",
		"DiskStoreReadError", "DiskStoreWriteError", "DiskStoreDeleteError", "DiskStoreExistsError",
		"DiskStoreScanError", "DiskStoreSizeError", "DiskStoreIndexError", "KeyListRebuildError",
		"BucketNotFoundError",
	}
	assert.ElementsMatch(t, want, errorNames())
}

func encodeErrorPayload(msg string, items []itemError) []byte {
	var b []byte
	u64 := func(v uint64) { b = binary.NativeEndian.AppendUint64(b, v) }
	str := func(s string) { u64(uint64(len(s))); b = append(b, s...) }
	str(msg)
	u64(uint64(len(items)))
	for _, it := range items {
		u64(uint64(it.Index))
		for _, opt := range []*string{it.Key, it.ID} {
			if opt == nil {
				u64(^uint64(0))
			} else {
				str(*opt)
			}
		}
		str(it.Name)
		str(it.Message)
	}
	return b
}

func TestDecodeError(t *testing.T) {
	key, id := "k", "claim-1"
	items := []itemError{
		{Index: 0, Key: &key, ID: &id, Name: "ClaimNotUpdated", Message: "m0"},
		{Index: 3, Name: "InvalidEntries", Message: "m3"},
	}
	e := decodeError(4, encodeErrorPayload("bad batch", items))
	assert.Equal(t, "InvalidOptionsError", e.Name)
	assert.Equal(t, "bad batch", e.Message)
	assert.Equal(t, items, e.Items)

	// A truncated payload degrades to what could be read, it does not panic.
	e = decodeError(21, encodeErrorPayload("closed", items)[:20])
	assert.Equal(t, "StoreClosedError", e.Name)
}

func TestDecodeValues(t *testing.T) {
	var b []byte
	b = binary.NativeEndian.AppendUint64(b, 2)
	b = append(b, "ab"...)
	b = binary.NativeEndian.AppendUint64(b, ^uint64(0))
	b = binary.NativeEndian.AppendUint64(b, 0)
	values, ok := decodeValues(b, 3)
	require.True(t, ok)
	assert.Equal(t, [][]byte{[]byte("ab"), nil, {}}, values)

	_, ok = decodeValues(b[:5], 3)
	assert.False(t, ok)
}

func TestErrorToJS(t *testing.T) {
	rt := sobek.New()
	key := "bad"
	e := &kvError{Name: "InvalidOptionsError", Message: "m", Items: []itemError{
		{Index: 1, Key: &key, Name: "SerializerError", Message: "fn"},
		{Index: 2, Name: "InvalidEntries", Message: "no key"},
	}}
	require.NoError(t, rt.Set("e", e.toJS(rt)))
	v := eval(t, rt, `!(e instanceof Error) && e.name === "InvalidOptionsError" && e.message === "m" &&
		e.errors.length === 2 && e.errors[0].key === "bad" && e.errors[0].name === "SerializerError" &&
		e.errors[0].index === 1 && !("key" in e.errors[1]) && e.errors[1].message === "no key" &&
		String(e) === "InvalidOptionsError: m" && Object.keys(e).join() === "name,message,errors"`)
	assert.True(t, v.ToBoolean())

	require.NoError(t, rt.Set("e", newError("KeyNotFoundError", "k").toJS(rt)))
	assert.True(t, eval(t, rt, `!("errors" in e)`).ToBoolean())
}

func TestMergeItemErrors(t *testing.T) {
	k0, k1, k2 := "a", "b", ""
	local := []itemError{{Index: 1, Key: &k1, Name: "SerializerError", Message: "go"}}
	cerr := &kvError{Name: nameInvalidOptions, Message: "c", Items: []itemError{
		{Index: 2, Key: &k2, Name: "EmptyKey", Message: "empty"},
		{Index: 1, Key: &k1, Name: "SerializerError", Message: "stand-in"},
		{Index: 0, Key: &k0, Name: "EmptyKey", Message: "x"},
	}}
	m := mergeItemErrors("setMany", "", cerr, local)
	assert.Equal(t, nameInvalidOptions, m.Name)
	require.Len(t, m.Items, 3)
	assert.Equal(t, []int{0, 1, 2}, []int{m.Items[0].Index, m.Items[1].Index, m.Items[2].Index})
	assert.Equal(t, "go", m.Items[1].Message, "our item replaces libkv's stand-in")

	closed := newError("StoreClosedError", "closed")
	assert.Same(t, closed, mergeItemErrors("setMany", "", closed, local))
	assert.Same(t, cerr, mergeItemErrors("setMany", "", cerr, nil))
}
