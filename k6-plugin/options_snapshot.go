// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"github.com/grafana/sobek"
)

// Options of the snapshot and JSON Lines methods, read on the event loop.
// As in options_ops.go only the shape is checked here (an object, field
// types, integers, strings without NUL, a required fileName); ranges are
// libkv's: limits above 1000000 and batch sizes above 10000
// reject there with the same InvalidOptionsError, so kv-admin and k6 agree.

// backupOptions: backup({fileName?, allowConcurrentWrites? = false, maxEntries?, maxBytes?}).
// An empty fileName is libkv's default file; a budget of 0 is no budget.
type backupOptions struct {
	fileName              string
	allowConcurrentWrites bool
	maxEntries            int64
	maxBytes              int64
}

func parseBackupOptions(v sobek.Value) (backupOptions, *kvError) {
	var o backupOptions
	r, kerr := optionsArg("backup", v)
	if kerr != nil {
		return o, kerr
	}
	if o.fileName, _, kerr = r.str("fileName"); kerr != nil {
		return o, kerr
	}
	if o.allowConcurrentWrites, _, kerr = r.boolean("allowConcurrentWrites"); kerr != nil {
		return o, kerr
	}
	o.maxEntries, o.maxBytes, kerr = r.budgets()
	return o, kerr
}

// restoreOptions: restore({fileName?, maxEntries?, maxBytes?}).
type restoreOptions struct {
	fileName   string
	maxEntries int64
	maxBytes   int64
}

func parseRestoreOptions(v sobek.Value) (restoreOptions, *kvError) {
	var o restoreOptions
	r, kerr := optionsArg("restore", v)
	if kerr != nil {
		return o, kerr
	}
	if o.fileName, _, kerr = r.str("fileName"); kerr != nil {
		return o, kerr
	}
	o.maxEntries, o.maxBytes, kerr = r.budgets()
	return o, kerr
}

// budgets reads maxEntries and maxBytes: integers; as in xk6-kv, <= 0 means no budget.
func (r optionReader) budgets() (int64, int64, *kvError) {
	entries, _, kerr := r.integer("maxEntries")
	if kerr != nil {
		return 0, 0, kerr
	}
	bytes, _, kerr := r.integer("maxBytes")
	return entries, bytes, kerr
}

// jsonlOptions are the options of exportJSONL ({fileName, prefix?, limit?}),
// importJSONL ({fileName, limit?, batchSize?}) and validateJSONL ({fileName,
// limit?}). A limit or batchSize of 0 or less (or none) means "all" and "the
// default batch" (1000).
type jsonlOptions struct {
	fileName  string
	prefix    string
	limit     int64
	batchSize int64
}

func parseJSONLOptions(method string, v sobek.Value, withPrefix, withBatchSize bool) (jsonlOptions, *kvError) {
	var o jsonlOptions
	if isNullish(v) {
		return o, invalidOptions(method + "(): options {fileName} are required")
	}
	r, kerr := optionsArg(method, v)
	if kerr != nil {
		return o, kerr
	}
	if o.fileName, kerr = r.requiredFileName(); kerr != nil {
		return o, kerr
	}
	if withPrefix {
		if o.prefix, _, kerr = r.str("prefix"); kerr != nil {
			return o, kerr
		}
	}
	if o.limit, _, kerr = r.integer("limit"); kerr != nil {
		return o, kerr
	}
	if withBatchSize {
		o.batchSize, _, kerr = r.integer("batchSize")
	}
	return o, kerr
}

// requiredFileName reads options.fileName: a non-empty string.
func (r optionReader) requiredFileName() (string, *kvError) {
	name, present, kerr := r.str("fileName")
	if kerr != nil {
		return "", kerr
	}
	if !present || name == "" {
		return "", invalidOptions(r.method + "(): options.fileName is required and must be a non-empty string")
	}
	return name, nil
}
