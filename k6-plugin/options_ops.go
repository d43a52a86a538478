// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/grafana/sobek"
)

// Options of the ordered, sampling and claim methods, read on the event loop.
// What is checked here is the shape (types, presence, integers) and what the
// C API cannot express (a NUL inside a string, a ttl of 0, which libkv reads
// as "default"). Ranges that libkv owns (limit and count caps, key and
// prefix lengths, owner length) are left to libkv, so the C API, kv-admin and
// k6 cannot disagree.

// maxTTLMs is the longest lease, 24 hours (KV_CLAIM_MAX_TTL_MS).
const maxTTLMs = 24 * 60 * 60 * 1000

// optionReader reads the fields of one options object; a nil object has no fields.
type optionReader struct {
	method string
	obj    *sobek.Object
}

// optionsArg accepts undefined, null or a plain object.
func optionsArg(method string, v sobek.Value) (optionReader, *kvError) {
	r := optionReader{method: method}
	if isNullish(v) {
		return r, nil
	}
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() == "Array" || isFunction(obj) {
		return r, invalidOptions(fmt.Sprintf("%s(): options must be an object, got %s", method, describe(v)))
	}
	r.obj = obj
	return r, nil
}

func (r optionReader) field(name string) sobek.Value {
	if r.obj == nil {
		return nil
	}
	v := r.obj.Get(name)
	if isNullish(v) {
		return nil
	}
	return v
}

func (r optionReader) fail(name, want string, v sobek.Value) *kvError {
	return invalidOptions(fmt.Sprintf("%s(): options.%s must be %s, got %s", r.method, name, want, describe(v)))
}

// str reads an optional string field (without NUL characters or lone surrogates).
func (r optionReader) str(name string) (string, bool, *kvError) {
	v := r.field(name)
	if v == nil {
		return "", false, nil
	}
	s, ok := v.Export().(string)
	if !ok {
		return "", false, r.fail(name, "a string", v)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "", false, r.fail(name, "a string without NUL characters", v)
	}
	// Its Go form would hold U+FFFD instead: deleteByPrefix({prefix:
	// "\ud800"}) would delete the keys that start with U+FFFD (issue 10, D4).
	if _, lone := loneSurrogate(v); lone {
		return "", false, r.fail(name, "a string without lone surrogates (not Unicode)", v)
	}
	return s, true, nil
}

// integer reads an optional integral number field within the 64-bit range.
func (r optionReader) integer(name string) (int64, bool, *kvError) {
	v := r.field(name)
	if v == nil {
		return 0, false, nil
	}
	n, ok := integerValue(v)
	if !ok {
		return 0, false, r.fail(name, "an integer", v)
	}
	return n, true, nil
}

// boolean reads an optional boolean field.
func (r optionReader) boolean(name string) (bool, bool, *kvError) {
	v := r.field(name)
	if v == nil {
		return false, false, nil
	}
	b, ok := v.Export().(bool)
	if !ok {
		return false, false, r.fail(name, "a boolean", v)
	}
	return b, true, nil
}

// exportString returns v's string value; v may be nil (a missing property).
func exportString(v sobek.Value) (string, bool) {
	if isNullish(v) {
		return "", false
	}
	s, ok := v.Export().(string)
	return s, ok
}

// integerValue accepts a number (or bigint) with an integral value within int64.
func integerValue(v sobek.Value) (int64, bool) {
	switch x := v.Export().(type) {
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) && x >= math.MinInt64 && x < math.MaxInt64 {
			return int64(x), true
		}
	case *big.Int:
		if x.IsInt64() {
			return x.Int64(), true
		}
	}
	return 0, false
}

// prefixOptions: {prefix?} of count, randomKey, popRandom and allocationStats.
func parsePrefixOptions(method string, v sobek.Value) (string, *kvError) {
	r, kerr := optionsArg(method, v)
	if kerr != nil {
		return "", kerr
	}
	prefix, _, kerr := r.str("prefix")
	return prefix, kerr
}

// pageOptions: {prefix?, limit?, cursor?} of list, listKeys, scan and scanKeys.
// A limit of 0 or less (or none) means "no limit".
type pageOptions struct {
	prefix string
	limit  int64
	cursor string
}

func parsePageOptions(method string, v sobek.Value, withCursor bool) (pageOptions, *kvError) {
	var o pageOptions
	r, kerr := optionsArg(method, v)
	if kerr != nil {
		return o, kerr
	}
	if o.prefix, _, kerr = r.str("prefix"); kerr != nil {
		return o, kerr
	}
	if o.limit, _, kerr = r.integer("limit"); kerr != nil {
		return o, kerr
	}
	if withCursor {
		o.cursor, _, kerr = r.str("cursor")
	}
	return o, kerr
}

// deleteByPrefixOptions: {prefix, limit}, both required; prefix non-empty,
// limit positive (libkv caps it).
type deleteByPrefixOptions struct {
	prefix string
	limit  int64
}

func parseDeleteByPrefixOptions(v sobek.Value) (deleteByPrefixOptions, *kvError) {
	const method = "deleteByPrefix"
	var o deleteByPrefixOptions
	if isNullish(v) {
		return o, invalidOptions(method + "(): options {prefix, limit} are required")
	}
	r, kerr := optionsArg(method, v)
	if kerr != nil {
		return o, kerr
	}
	var present bool
	if o.prefix, present, kerr = r.str("prefix"); kerr != nil {
		return o, kerr
	}
	if !present || o.prefix == "" {
		return o, invalidOptions(method + "(): options.prefix is required and must be a non-empty string")
	}
	if o.limit, present, kerr = r.integer("limit"); kerr != nil {
		return o, kerr
	}
	if !present || o.limit <= 0 {
		return o, invalidOptions(method + "(): options.limit is required and must be a positive integer")
	}
	return o, nil
}

// countOptions: a required positive count (libkv caps it).
func (r optionReader) requiredCount() (int64, *kvError) {
	n, present, kerr := r.integer("count")
	if kerr != nil {
		return 0, kerr
	}
	if !present || n <= 0 {
		return 0, invalidOptions(r.method + "(): options.count is required and must be a positive integer")
	}
	return n, nil
}

// randomKeysOptions: {prefix?, count, unique? = true}.
type randomKeysOptions struct {
	prefix string
	count  int64
	unique bool
}

func parseRandomKeysOptions(v sobek.Value) (randomKeysOptions, *kvError) {
	const method = "randomKeys"
	o := randomKeysOptions{unique: true}
	if isNullish(v) {
		return o, invalidOptions(method + "(): options {count} are required")
	}
	r, kerr := optionsArg(method, v)
	if kerr != nil {
		return o, kerr
	}
	if o.prefix, _, kerr = r.str("prefix"); kerr != nil {
		return o, kerr
	}
	if o.count, kerr = r.requiredCount(); kerr != nil {
		return o, kerr
	}
	if unique, present, kerr := r.boolean("unique"); kerr != nil {
		return o, kerr
	} else if present {
		o.unique = unique
	}
	return o, nil
}

// popManyOptions: {prefix?, count} of popRandomMany.
func parsePopManyOptions(v sobek.Value) (string, int64, *kvError) {
	const method = "popRandomMany"
	if isNullish(v) {
		return "", 0, invalidOptions(method + "(): options {count} are required")
	}
	r, kerr := optionsArg(method, v)
	if kerr != nil {
		return "", 0, kerr
	}
	prefix, _, kerr := r.str("prefix")
	if kerr != nil {
		return "", 0, kerr
	}
	count, kerr := r.requiredCount()
	return prefix, count, kerr
}

// leaseOptions are the common options of the claiming methods.
type leaseOptions struct {
	prefix       string
	count        int64
	owner        *string // nil: no owner
	ttlMs        int64   // 0: libkv's default lease (30 s)
	allOrNothing bool
}

// ttl reads options.ttl: a positive integer number of milliseconds, at most 24 hours.
func (r optionReader) ttl() (int64, *kvError) {
	v := r.field("ttl")
	if v == nil {
		return 0, nil
	}
	n, ok := integerValue(v)
	if !ok || n <= 0 || n > maxTTLMs {
		return 0, r.fail("ttl", "a positive integer number of milliseconds up to "+strconv.Itoa(maxTTLMs)+" (24 hours)", v)
	}
	return n, nil
}

func (r optionReader) lease() (leaseOptions, *kvError) {
	var o leaseOptions
	owner, present, kerr := r.str("owner")
	if kerr != nil {
		return o, kerr
	}
	if present {
		o.owner = &owner
	}
	o.ttlMs, kerr = r.ttl()
	return o, kerr
}

// parseClaimOptions reads the options of claimRandom ({prefix?, owner?, ttl?}),
// claimRandomMany (the same plus a required count), claimKey ({owner?, ttl?})
// and claimKeys ({owner?, ttl?, allOrNothing?}).
func parseClaimOptions(method string, v sobek.Value, withPrefix, withCount, withAllOrNothing bool) (leaseOptions, *kvError) {
	if withCount && isNullish(v) {
		return leaseOptions{}, invalidOptions(method + "(): options {count} are required")
	}
	r, kerr := optionsArg(method, v)
	if kerr != nil {
		return leaseOptions{}, kerr
	}
	o, kerr := r.lease()
	if kerr != nil {
		return o, kerr
	}
	if withPrefix {
		if o.prefix, _, kerr = r.str("prefix"); kerr != nil {
			return o, kerr
		}
	}
	if withCount {
		if o.count, kerr = r.requiredCount(); kerr != nil {
			return o, kerr
		}
	}
	if withAllOrNothing {
		if o.allOrNothing, _, kerr = r.boolean("allOrNothing"); kerr != nil {
			return o, kerr
		}
	}
	return o, nil
}

// parseCompleteOptions reads completeClaim(s)' {deleteKey? = true}.
func parseCompleteOptions(method string, v sobek.Value) (bool, *kvError) {
	r, kerr := optionsArg(method, v)
	if kerr != nil {
		return false, kerr
	}
	deleteKey, present, kerr := r.boolean("deleteKey")
	if kerr != nil || !present {
		return true, kerr
	}
	return deleteKey, nil
}

// parseRenewOptions reads renewClaim(s)' {ttl?}; without a ttl the lease is
// renewed for the default 30 s, as a new claim would be.
func parseRenewOptions(method string, v sobek.Value) (int64, *kvError) {
	r, kerr := optionsArg(method, v)
	if kerr != nil {
		return 0, kerr
	}
	return r.ttl()
}

// claimRef names a claim: {id, key, token}.
type claimRef struct {
	id    string
	key   string
	token uint64
}

// refProblem checks one claim ref: an object with a non-empty string id and
// key (no NUL characters) and a positive integer token. Extra fields (a
// whole claim object) are fine.
func refProblem(v sobek.Value) (claimRef, string) {
	var ref claimRef
	obj, ok := v.(*sobek.Object)
	if !ok || isNullish(v) || obj.ClassName() == "Array" || isFunction(obj) {
		return ref, "a claim must be an object {id, key, token}, got " + describe(v)
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"id", &ref.id}, {"key", &ref.key}} {
		fv := obj.Get(f.name)
		s, isString := exportString(fv)
		if !isString || s == "" || strings.IndexByte(s, 0) >= 0 {
			return ref, fmt.Sprintf("claim.%s must be a non-empty string without NUL characters, got %s", f.name, describe(fv))
		}
		*f.dst = s
	}
	tv := obj.Get("token")
	token, isInt := int64(0), false
	if !isNullish(tv) {
		token, isInt = integerValue(tv)
	}
	if !isInt || token <= 0 {
		return ref, "claim.token must be a positive integer, got " + describe(tv)
	}
	ref.token = uint64(token)
	return ref, ""
}

func refArg(method string, v sobek.Value) (claimRef, *kvError) {
	ref, problem := refProblem(v)
	if problem != "" {
		return ref, invalidOptions(method + "(): " + problem)
	}
	return ref, nil
}

// refList reads an array of claim refs; any bad one rejects the whole call,
// with one InvalidEntries item per bad ref.
func refList(method string, v sobek.Value) ([]claimRef, *kvError) {
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() != "Array" {
		return nil, invalidOptions(method + "() expects an array of claims {id, key, token}, got " + describe(v))
	}
	n := obj.Get("length").ToInteger()
	refs := make([]claimRef, n)
	var items []itemError
	for i := range refs {
		elem := obj.Get(strconv.Itoa(i))
		ref, problem := refProblem(elem)
		if problem != "" {
			it := itemError{Index: i, Name: itemInvalidEntries, Message: problem}
			if eo, isObj := elem.(*sobek.Object); isObj {
				if k, isString := exportString(eo.Get("key")); isString {
					it.Key = &k
				}
				if id, isString := exportString(eo.Get("id")); isString {
					it.ID = &id
				}
			}
			items = append(items, it)
			continue
		}
		refs[i] = ref
	}
	if len(items) > 0 {
		return nil, invalidEntries(method, "; no claim was changed", items)
	}
	return refs, nil
}

// claimKeyList reads claimKeys()' keys. Besides keyList's checks it rejects
// empty (EmptyKey) and repeated (InvalidEntries) keys here, because libkv's
// kv_store_claim_keys() reports those without per-item errors.
func claimKeyList(v sobek.Value) ([]string, *kvError) {
	const method = "claimKeys"
	keys, items, kerr := keyList(method, v)
	if kerr != nil {
		return nil, kerr
	}
	bad := make(map[int]bool, len(items))
	for _, it := range items {
		bad[it.Index] = true
	}
	seen := make(map[string]int, len(keys))
	for i, k := range keys {
		if bad[i] {
			continue
		}
		key := k
		switch first, dup := seen[k]; {
		case k == "":
			items = append(items, itemError{Index: i, Key: &key, Name: itemEmptyKey, Message: "key must not be empty"})
		case dup:
			items = append(items, itemError{Index: i, Key: &key, Name: itemInvalidEntries,
				Message: fmt.Sprintf("key appears more than once (first at index %d)", first)})
		default:
			seen[k] = i
		}
	}
	if len(items) > 0 {
		sortItems(items)
		return nil, invalidEntries(method, "; nothing was claimed", items)
	}
	return keys, nil
}
