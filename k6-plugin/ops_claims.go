// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"github.com/grafana/sobek"
)

// Exclusive allocation: pops and claims (leases). A live claim hides its key
// from claimRandom and popRandom until it is released, completed or expires.
// Claims are {id, key, token, owner?, expiresAt, entry: {key, value}};
// releasing, completing and renewing name a claim by {id, key, token} and
// resolve false (or list it under failed) when it is no longer the live one.

// popRandom({prefix?}) → {key, value} removed from the store, or null.
func (h *handle) popRandom(call sobek.FunctionCall) sobek.Value {
	prefix, kerr := parsePrefixOptions("popRandom", call.Argument(0))
	return h.writeCall("pop_random", kerr, write{
		offLoop: true,
		run:     func(s *slot) result { return s.popRandom(h.store, prefix) },
		submit:  func(token uintptr) { submitPopRandom(h.store, prefix, token) },
		finish: func(r result) outcome {
			if r.err != nil {
				return fail(r.err)
			}
			p := payloadReader{b: r.value}
			raw := p.entries()
			if !p.done() || len(raw) > 1 {
				return malformed("popRandom")
			}
			entries := h.decodeEntries(raw)
			if len(entries) == 0 {
				return constant(nil).withEmpty(true)
			}
			return resolved(func(rt *sobek.Runtime) sobek.Value { return entries[0].toJS(rt) }).withEmpty(false)
		},
	})
}

// popRandomMany({prefix?, count}) → up to count popped {key, value}.
func (h *handle) popRandomMany(call sobek.FunctionCall) sobek.Value {
	prefix, count, kerr := parsePopManyOptions(call.Argument(0))
	return h.writeCall("pop_random_many", kerr, write{
		offLoop: true,
		run:     func(s *slot) result { return s.popRandomMany(h.store, prefix, count) },
		submit:  func(token uintptr) { submitPopRandomMany(h.store, prefix, count, token) },
		finish: func(r result) outcome {
			if r.err != nil {
				return fail(r.err)
			}
			p := payloadReader{b: r.value}
			raw := p.entries()
			if !p.done() {
				return malformed("popRandomMany")
			}
			entries := h.decodeEntries(raw)
			return resolved(func(rt *sobek.Runtime) sobek.Value { return entriesToJS(rt, entries) }).withEmpty(len(entries) == 0)
		},
	})
}

// claimRandom({prefix?, owner?, ttl?}) → a claim on a random claimable key, or null.
func (h *handle) claimRandom(call sobek.FunctionCall) sobek.Value {
	o, kerr := parseClaimOptions("claimRandom", call.Argument(0), true, false, false)
	return h.writeCall("claim_random", kerr, write{
		offLoop: true,
		run:     func(s *slot) result { return s.claimRandom(h.store, o.prefix, o.owner, o.ttlMs) },
		submit:  func(token uintptr) { submitClaimRandom(h.store, o.prefix, o.owner, o.ttlMs, token) },
		finish:  func(r result) outcome { return h.optionalClaim("claimRandom", r, true) },
	})
}

// claimRandomMany({prefix?, count, owner?, ttl?}) → up to count claims.
func (h *handle) claimRandomMany(call sobek.FunctionCall) sobek.Value {
	o, kerr := parseClaimOptions("claimRandomMany", call.Argument(0), true, true, false)
	return h.writeCall("claim_random_many", kerr, write{
		offLoop: true,
		run: func(s *slot) result {
			return s.claimRandomMany(h.store, o.prefix, o.count, o.owner, o.ttlMs)
		},
		submit: func(token uintptr) {
			submitClaimRandomMany(h.store, o.prefix, o.count, o.owner, o.ttlMs, token)
		},
		finish: func(r result) outcome {
			if r.err != nil {
				return fail(r.err)
			}
			p := payloadReader{b: r.value}
			raw := p.claims()
			if !p.done() {
				return malformed("claimRandomMany")
			}
			claims := h.decodeClaims(raw)
			return resolved(func(rt *sobek.Runtime) sobek.Value { return claimsToJS(rt, claims) }).withEmpty(len(claims) == 0)
		},
	})
}

// claimKey(key, {owner?, ttl?}) → a claim on key, or null when it is missing or live-claimed.
func (h *handle) claimKey(call sobek.FunctionCall) sobek.Value {
	key, kerr := keyArg("claimKey", call.Argument(0))
	var o leaseOptions
	if kerr == nil {
		o, kerr = parseClaimOptions("claimKey", call.Argument(1), false, false, false)
	}
	return h.writeCall("claim_key", kerr, write{
		run:    func(s *slot) result { return s.claimKey(h.store, key, o.owner, o.ttlMs) },
		submit: func(token uintptr) { submitClaimKey(h.store, key, o.owner, o.ttlMs, token) },
		finish: func(r result) outcome { return h.optionalClaim("claimKey", r, false) },
	})
}

// claimKeys(keys, {owner?, ttl?, allOrNothing? = false}) → {claimed, busy, missing}.
// With allOrNothing, either every key is claimed or none is (claimed is empty
// and busy/missing say why).
func (h *handle) claimKeys(call sobek.FunctionCall) sobek.Value {
	keys, kerr := claimKeyList(call.Argument(0))
	var o leaseOptions
	if kerr == nil {
		o, kerr = parseClaimOptions("claimKeys", call.Argument(1), false, false, true)
	}
	packed := packKeys(keys)
	return h.writeCall("claim_keys", kerr, write{
		offLoop: true,
		run: func(s *slot) result {
			return s.claimKeys(h.store, packed, o.owner, o.ttlMs, o.allOrNothing)
		},
		submit: func(token uintptr) {
			submitClaimKeys(h.store, packed, o.owner, o.ttlMs, o.allOrNothing, token)
		},
		finish: func(r result) outcome {
			if r.err != nil {
				return fail(r.err)
			}
			p := payloadReader{b: r.value}
			raw := p.claims()
			busy := p.keys()
			missing := p.keys()
			if !p.done() {
				return malformed("claimKeys")
			}
			claimed := h.decodeClaims(raw)
			return resolved(func(rt *sobek.Runtime) sobek.Value {
				obj := rt.NewObject()
				mustSet(obj, "claimed", claimsToJS(rt, claimed))
				mustSet(obj, "busy", stringsToJS(rt, busy))
				mustSet(obj, "missing", stringsToJS(rt, missing))
				return obj
			})
		},
	})
}

// releaseClaim(claim) → true if it was the live claim and is released.
func (h *handle) releaseClaim(call sobek.FunctionCall) sobek.Value {
	ref, kerr := refArg("releaseClaim", call.Argument(0))
	return h.claimRefCall("release_claim", kerr, refRelease, ref, false, 0)
}

// completeClaim(claim, {deleteKey? = true}) → true if it was the live claim and is completed.
func (h *handle) completeClaim(call sobek.FunctionCall) sobek.Value {
	ref, kerr := refArg("completeClaim", call.Argument(0))
	deleteKey := true
	if kerr == nil {
		deleteKey, kerr = parseCompleteOptions("completeClaim", call.Argument(1))
	}
	return h.claimRefCall("complete_claim", kerr, refComplete, ref, deleteKey, 0)
}

// renewClaim(claim, {ttl?}) → true if it was the live claim and now expires ttl from now; the token stays.
func (h *handle) renewClaim(call sobek.FunctionCall) sobek.Value {
	ref, kerr := refArg("renewClaim", call.Argument(0))
	var ttl int64
	if kerr == nil {
		ttl, kerr = parseRenewOptions("renewClaim", call.Argument(1))
	}
	return h.claimRefCall("renew_claim", kerr, refRenew, ref, false, ttl)
}

// claimRefCall is one release, complete or renew: a single durable write.
func (h *handle) claimRefCall(op string, kerr *kvError, rop refOp, ref claimRef, deleteKey bool, ttl int64) sobek.Value {
	return h.writeCall(op, kerr, write{
		run:    func(s *slot) result { return s.claimRef(h.store, rop, ref, deleteKey, ttl) },
		submit: func(token uintptr) { submitClaimRef(h.store, rop, ref, deleteKey, ttl, token) },
		finish: flagOutcome,
	})
}

// releaseClaims(claims) → {attempted, released, failed}.
func (h *handle) releaseClaims(call sobek.FunctionCall) sobek.Value {
	refs, kerr := refList("releaseClaims", call.Argument(0))
	return h.claimRefsCall("release_claims", "releaseClaims", "released", kerr, refRelease, refs, false, 0)
}

// completeClaims(claims, {deleteKey? = true}) → {attempted, completed, failed}.
func (h *handle) completeClaims(call sobek.FunctionCall) sobek.Value {
	refs, kerr := refList("completeClaims", call.Argument(0))
	deleteKey := true
	if kerr == nil {
		deleteKey, kerr = parseCompleteOptions("completeClaims", call.Argument(1))
	}
	return h.claimRefsCall("complete_claims", "completeClaims", "completed", kerr, refComplete, refs, deleteKey, 0)
}

// renewClaims(claims, {ttl?}) → {attempted, renewed, failed}.
func (h *handle) renewClaims(call sobek.FunctionCall) sobek.Value {
	refs, kerr := refList("renewClaims", call.Argument(0))
	var ttl int64
	if kerr == nil {
		ttl, kerr = parseRenewOptions("renewClaims", call.Argument(1))
	}
	return h.claimRefsCall("renew_claims", "renewClaims", "renewed", kerr, refRenew, refs, false, ttl)
}

// claimRefsCall is one releaseClaims, completeClaims or renewClaims: one durable write.
func (h *handle) claimRefsCall(op, method, verb string, kerr *kvError, rop refOp, refs []claimRef, deleteKey bool, ttl int64) sobek.Value {
	return h.writeCall(op, kerr, write{
		offLoop: true,
		run:     func(s *slot) result { return s.claimRefs(h.store, rop, refs, deleteKey, ttl) },
		submit:  func(token uintptr) { submitClaimRefs(h.store, rop, refs, deleteKey, ttl, token) },
		finish:  func(r result) outcome { return refBatchOutcome(method, verb, len(refs), r) },
	})
}

// allocationStats({prefix?}) → {prefix, total, claimable, claimedLive, claimedExpired, backend, trackKeys}.
func (h *handle) allocationStats(call sobek.FunctionCall) sobek.Value {
	prefix, kerr := parsePrefixOptions("allocationStats", call.Argument(0))
	return h.async("allocation_stats", kerr, func(s *slot) outcome {
		r := s.allocationStats(h.store, prefix)
		if r.err != nil {
			return fail(r.err)
		}
		p := payloadReader{b: r.value}
		total, claimable, live, expired := p.u64(), p.u64(), p.u64(), p.u64()
		if !p.done() {
			return malformed("allocationStats")
		}
		backend, trackKeys := h.backendName(), h.trackKeys
		return resolved(func(rt *sobek.Runtime) sobek.Value {
			obj := rt.NewObject()
			mustSet(obj, "prefix", prefix)
			mustSet(obj, "total", total)
			mustSet(obj, "claimable", claimable)
			mustSet(obj, "claimedLive", live)
			mustSet(obj, "claimedExpired", expired)
			mustSet(obj, "backend", backend)
			mustSet(obj, "trackKeys", trackKeys)
			return obj
		})
	})
}

// claim is a granted claim with its decoded value.
type claim struct {
	rawClaim
	value decoded
}

func (h *handle) decodeClaims(raw []rawClaim) []claim {
	claims := make([]claim, len(raw))
	for i, c := range raw {
		claims[i] = claim{rawClaim: c, value: decodeValue(c.value, h.stringMode)}
	}
	return claims
}

// optionalClaim resolves a claimRandom/claimKey result: the claim, or null.
func (h *handle) optionalClaim(method string, r result, reportEmpty bool) outcome {
	if r.err != nil {
		return fail(r.err)
	}
	p := payloadReader{b: r.value}
	raw := p.claims()
	if !p.done() || len(raw) > 1 {
		return malformed(method)
	}
	claims := h.decodeClaims(raw)
	var out outcome
	if len(claims) == 0 {
		out = constant(nil)
	} else {
		out = resolved(func(rt *sobek.Runtime) sobek.Value { return claims[0].toJS(rt) })
	}
	if reportEmpty {
		out = out.withEmpty(len(claims) == 0)
	}
	return out
}

func (c claim) toJS(rt *sobek.Runtime) sobek.Value {
	obj := rt.NewObject()
	mustSet(obj, "id", c.id)
	mustSet(obj, "key", c.key)
	mustSet(obj, "token", c.token)
	if c.owner != nil {
		mustSet(obj, "owner", *c.owner)
	}
	mustSet(obj, "expiresAt", c.expiresAt)
	mustSet(obj, "entry", entry{key: c.key, value: c.value}.toJS(rt))
	return obj
}

func claimsToJS(rt *sobek.Runtime, claims []claim) sobek.Value {
	items := make([]any, len(claims))
	for i, c := range claims {
		items[i] = c.toJS(rt)
	}
	return rt.NewArray(items...)
}

// flagOutcome resolves to the call's boolean (flag0).
func flagOutcome(r result) outcome {
	if r.err != nil {
		return fail(r.err)
	}
	return constant(r.flag0)
}

// refBatchOutcome builds {attempted, <verb>, failed}; failed items are
// {index, id, key, name: "ClaimNotUpdated", message}.
func refBatchOutcome(method, verb string, attempted int, r result) outcome {
	if r.err != nil {
		return fail(r.err)
	}
	p := payloadReader{b: r.value}
	failed := p.items()
	if !p.done() {
		return malformed(method)
	}
	done := r.num1
	return resolved(func(rt *sobek.Runtime) sobek.Value {
		obj := rt.NewObject()
		mustSet(obj, "attempted", attempted)
		mustSet(obj, verb, done)
		items := make([]any, len(failed))
		for i, it := range failed {
			items[i] = it.toJS(rt)
		}
		mustSet(obj, "failed", rt.NewArray(items...))
		return obj
	})
}
