// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"github.com/grafana/sobek"
)

// Snapshots (backup, restore) and JSON Lines (exportJSONL, importJSONL,
// validateJSONL). They may take long on a big store; like every call they
// run on a worker slot, so the event loop and other VUs keep going. Files are
// written atomically by libkv (temporary file, fsync, rename, directory fsync).

// backup({fileName?, allowConcurrentWrites?, maxEntries?, maxBytes?}) →
// {fileName, totalEntries, bytesWritten, bestEffort, warning?, noOp}.
// Without a fileName the memory backend writes the store's path (./.k6.kv
// unless openKv() set another), the file a later disk run opens by default;
// the disk backend names its own live file, which is a no-op.
func (h *handle) backup(call sobek.FunctionCall) sobek.Value {
	o, kerr := parseBackupOptions(call.Argument(0))
	return h.async("backup", kerr, func(s *slot) outcome {
		r := s.backup(h.store, o.fileName, o.allowConcurrentWrites, o.maxEntries, o.maxBytes)
		if r.err != nil {
			return fail(r.err)
		}
		p := payloadReader{b: r.value}
		fileName := p.str()
		warning := p.optString()
		if !p.done() {
			return malformed("backup")
		}
		entries, bytes, bestEffort, noOp := r.num1, r.num2, r.flag0, r.flag1
		return resolved(func(rt *sobek.Runtime) sobek.Value {
			obj := rt.NewObject()
			mustSet(obj, "fileName", fileName)
			mustSet(obj, "totalEntries", entries)
			mustSet(obj, "bytesWritten", bytes)
			mustSet(obj, "bestEffort", bestEffort)
			if warning != nil {
				mustSet(obj, "warning", *warning)
			}
			mustSet(obj, "noOp", noOp)
			return obj
		})
	})
}

// restore({fileName?, maxEntries?, maxBytes?}) → {fileName, totalEntries, bytesRead, noOp}.
// The snapshot is verified completely before the store is touched; the
// store's keys are then replaced at once and every claim is dropped.
func (h *handle) restore(call sobek.FunctionCall) sobek.Value {
	o, kerr := parseRestoreOptions(call.Argument(0))
	return h.async("restore", kerr, func(s *slot) outcome {
		r := s.restore(h.store, o.fileName, o.maxEntries, o.maxBytes)
		if r.err != nil {
			return fail(r.err)
		}
		p := payloadReader{b: r.value}
		fileName := p.str()
		if !p.done() {
			return malformed("restore")
		}
		entries, bytes, noOp := r.num1, r.num2, r.flag1
		return resolved(func(rt *sobek.Runtime) sobek.Value {
			obj := rt.NewObject()
			mustSet(obj, "fileName", fileName)
			mustSet(obj, "totalEntries", entries)
			mustSet(obj, "bytesRead", bytes)
			mustSet(obj, "noOp", noOp)
			return obj
		})
	})
}

// exportJSONL({fileName, prefix?, limit?}) → {exported, fileName, bytesWritten}.
func (h *handle) exportJSONL(call sobek.FunctionCall) sobek.Value {
	o, kerr := parseJSONLOptions("exportJSONL", call.Argument(0), true, false)
	return h.async("export_jsonl", kerr, func(s *slot) outcome {
		return transferred(s.exportJSONL(h.store, o.fileName, o.prefix, o.limit), o.fileName, "exported", "bytesWritten")
	})
}

// importJSONL({fileName, limit?, batchSize?}) → {imported, fileName, bytesRead}.
// Batch-atomic: on a bad line the rejection (ValueParseError, ...) names the
// line and how many records were committed before it.
func (h *handle) importJSONL(call sobek.FunctionCall) sobek.Value {
	o, kerr := parseJSONLOptions("importJSONL", call.Argument(0), false, true)
	return h.async("import_jsonl", kerr, func(s *slot) outcome {
		return transferred(s.importJSONL(h.store, o.fileName, o.limit, o.batchSize), o.fileName, "imported", "bytesRead")
	})
}

// validateJSONL({fileName, limit?}) → {valid, records, bytesRead, checkedAll,
// firstError?: {line, name, message}}. A problem in the content resolves with
// valid false; only a file that cannot be read rejects.
func (h *handle) validateJSONL(call sobek.FunctionCall) sobek.Value {
	o, kerr := parseJSONLOptions("validateJSONL", call.Argument(0), false, false)
	return h.async("validate_jsonl", kerr, func(s *slot) outcome {
		return validation("validateJSONL", "records", "line", s.validateJSONL(h.store, o.fileName, o.limit))
	})
}

// transferred resolves an export or import with xk6-kv's summary shape:
// {<countKey>, fileName, <bytesKey>}.
func transferred(r result, fileName, countKey, bytesKey string) outcome {
	if r.err != nil {
		return fail(r.err)
	}
	count, bytes := r.num1, r.num2
	return resolved(func(rt *sobek.Runtime) sobek.Value {
		obj := rt.NewObject()
		mustSet(obj, countKey, count)
		mustSet(obj, "fileName", fileName)
		mustSet(obj, bytesKey, bytes)
		return obj
	})
}

// validation builds the result of validateJSONL and validateCSV: {valid,
// <count>, bytesRead, checkedAll, firstError?: {<position>, name, message}},
// where count is "records" or "rows" and position "line" or "row".
func validation(method, count, position string, r result) outcome {
	if r.err != nil {
		return fail(r.err)
	}
	valid, checkedAll, n, bytes := r.flag0, r.flag1, r.num1, r.num2
	var at uint64
	var name, message string
	p := payloadReader{b: r.value}
	if !valid {
		at = p.u64()
		name = errorName(int(p.u64()))
		message = p.str()
	}
	if !p.done() {
		return malformed(method)
	}
	return resolved(func(rt *sobek.Runtime) sobek.Value {
		obj := rt.NewObject()
		mustSet(obj, "valid", valid)
		mustSet(obj, count, n)
		mustSet(obj, "bytesRead", bytes)
		mustSet(obj, "checkedAll", checkedAll)
		if !valid {
			e := rt.NewObject()
			mustSet(e, position, at)
			mustSet(e, "name", name)
			mustSet(e, "message", message)
			mustSet(obj, "firstError", e)
		}
		return obj
	})
}
