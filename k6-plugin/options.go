// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"github.com/grafana/sobek"
)

// openOptionsJSON turns openKv()'s argument into the JSON text that
// kv_options_new_from_json() validates: every rule about option values lives
// in libkv, so kv-admin and the k6 binding cannot disagree. Only the shape is
// checked here. nil means "all defaults".
func openOptionsJSON(rt *sobek.Runtime, v sobek.Value) ([]byte, *kvError) {
	if isNullish(v) {
		return nil, nil
	}
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() == "Array" || isFunction(obj) {
		return nil, invalidOptions("openKv() options must be an object")
	}
	text, err := encodeCanonicalJSON(rt, obj)
	if err != nil {
		return nil, invalidOptions("openKv() options: " + err.Error())
	}
	// libkv reads options with json-glib, whose strings end at a NUL:
	// {path: "a\u0000b"} would open "a" (issue 10, D3).
	if hasEscapedNUL(text) {
		return nil, invalidOptions("openKv() options: a string or name holds a NUL character (options.path and the other options are text without NUL)")
	}
	return text, nil
}

// hasEscapedNUL reports whether canonical JSON text holds U+0000 in a string
// or member name: canonical text writes it only as \u0000.
func hasEscapedNUL(text []byte) bool {
	for i := 0; i < len(text); i++ {
		if text[i] != '\\' {
			continue
		}
		if i+5 < len(text) && string(text[i+1:i+6]) == "u0000" {
			return true
		}
		i++ // the escaped character: \\ is not the start of another escape
	}
	return false
}

// compareOptions are the options of compareAndSwapDetailed() and compareAndDeleteDetailed().
type compareOptions struct {
	includeCurrentOnMismatch bool
}

func parseCompareOptions(method string, v sobek.Value) (compareOptions, *kvError) {
	var o compareOptions
	if isNullish(v) {
		return o, nil
	}
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() == "Array" || isFunction(obj) {
		return o, invalidOptions(method + "() options must be an object")
	}
	include := obj.Get("includeCurrentOnMismatch")
	switch {
	case isNullish(include):
	case isBoolean(include):
		o.includeCurrentOnMismatch = include.ToBoolean()
	default:
		return o, invalidOptions(method + "() options.includeCurrentOnMismatch must be a boolean")
	}
	return o, nil
}

func isNullish(v sobek.Value) bool {
	return v == nil || sobek.IsUndefined(v) || sobek.IsNull(v)
}

func isFunction(obj *sobek.Object) bool {
	_, ok := sobek.AssertFunction(obj)
	return ok
}

func isBoolean(v sobek.Value) bool {
	_, ok := v.Export().(bool)
	return ok
}
