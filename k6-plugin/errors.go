// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"sort"
	"sync"

	"github.com/grafana/sobek"
)

// Error names decided on the Go side. They are part of the JavaScript API and
// must be names libkv knows too (errors_test.go checks that).
const (
	nameInvalidOptions      = "InvalidOptionsError"
	nameValueNumberRequired = "ValueNumberRequiredError"
	nameOperationCanceled   = "OperationCanceledError"
	nameUnknown             = "UnknownError"
	nameUnexpectedOutput    = "UnexpectedStoreOutputError"
	nameMetricsUnavailable  = "MetricsUnavailableError"

	// Per-item names inside the errors and failed arrays.
	itemSerializer      = "SerializerError"
	itemInvalidEntries  = "InvalidEntries"
	itemEmptyKey        = "EmptyKey"
	itemClaimNotUpdated = "ClaimNotUpdated"
)

// kvError is a rejection reason. It becomes a plain JavaScript object
// {name, message, errors?}, not an Error instance, as the seed specifies.
type kvError struct {
	Name    string
	Message string
	Items   []itemError
}

// itemError is one entry of a batch call's errors array.
type itemError struct {
	Index   int
	Key     *string // nil when the item had no usable key
	ID      *string // claim id, for the failed items of claim calls
	Name    string
	Message string
}

func (e *kvError) Error() string { return e.Name + ": " + e.Message }

func newError(name, message string) *kvError { return &kvError{Name: name, Message: message} }

// errWouldBlock is what a call on an event loop's nonblocking slot returns
// when it would have waited for another caller; nothing happened, and the
// binding makes the call again on a pool (async.go). It never reaches a script.
var errWouldBlock = newError(nameUnknown, "the call would have waited for another caller")

func invalidOptions(message string) *kvError { return newError(nameInvalidOptions, message) }

var errorNames = sync.OnceValue(loadErrorNames)

// errorName maps a KvError code to its JavaScript name.
func errorName(code int) string {
	names := errorNames()
	if code < 0 || code >= len(names) {
		return nameUnknown
	}
	return names[code]
}

// knownErrorName reports whether libkv defines name.
func knownErrorName(name string) bool {
	for _, n := range errorNames() {
		if n == name {
			return true
		}
	}
	return false
}

// toJS builds the rejection object. Call on the event loop only.
func (e *kvError) toJS(rt *sobek.Runtime) sobek.Value {
	obj := rt.NewObject()
	mustSet(obj, "name", e.Name)
	mustSet(obj, "message", e.Message)
	// Not enumerable, so the object still serializes as {name, message, errors?};
	// it makes k6's report of an uncaught error read "Name: message", not "[object Object]".
	text := e.Error()
	toString := rt.ToValue(func() string { return text })
	if err := obj.DefineDataProperty("toString", toString, sobek.FLAG_TRUE, sobek.FLAG_TRUE, sobek.FLAG_FALSE); err != nil {
		panic(err)
	}
	if len(e.Items) > 0 {
		items := make([]any, len(e.Items))
		for i, it := range e.Items {
			items[i] = it.toJS(rt)
		}
		mustSet(obj, "errors", rt.NewArray(items...))
	}
	return obj
}

// toJS builds {index, id?, key?, name, message}. Call on the event loop only.
func (it itemError) toJS(rt *sobek.Runtime) *sobek.Object {
	o := rt.NewObject()
	mustSet(o, "index", it.Index)
	if it.ID != nil {
		mustSet(o, "id", *it.ID)
	}
	if it.Key != nil {
		mustSet(o, "key", *it.Key)
	}
	mustSet(o, "name", it.Name)
	mustSet(o, "message", it.Message)
	return o
}

// throw raises e as a JavaScript exception from a synchronous call.
func (e *kvError) throw(rt *sobek.Runtime) {
	panic(e.toJS(rt))
}

// sortItems orders batch items by input position.
func sortItems(items []itemError) {
	sort.SliceStable(items, func(i, j int) bool { return items[i].Index < items[j].Index })
}

func mustSet(obj *sobek.Object, name string, value any) {
	if err := obj.Set(name, value); err != nil {
		panic(err)
	}
}
