// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"github.com/grafana/sobek"
)

// CSV (exportCSV, importCSV, validateCSV): RFC 4180 files of flat records,
// read and written by libkv (kv-csv.h). A row is a flat object of scalars;
// CSV carries no types, so importCSV stores every cell as a string. Like the
// JSON Lines methods they run on a worker slot and export atomically; errors
// name the row (the header is row 1).

// exportCSV({fileName, columns, prefix?, limit?, delimiter? = ",", includeKey? = true})
// → {exported, fileName, bytesWritten}. Every matching value must be an
// object of scalars (else UnsupportedValueTypeError naming the key, and no
// file is written); missing members and null become empty cells.
func (h *handle) exportCSV(call sobek.FunctionCall) sobek.Value {
	o, kerr := parseCSVExportOptions(call.Argument(0))
	return h.async("export_csv", kerr, func(s *slot) outcome {
		return transferred(s.exportCSV(h.store, o), o.fileName, "exported", "bytesWritten")
	})
}

// importCSV({fileName, keyColumn, delimiter?, hasHeader? = true, limit?, batchSize?})
// → {imported, fileName, bytesRead}. Each row becomes an object of its other
// columns, as strings. Batch-atomic: on a bad row the rejection
// (ValueParseError, ...) names the row and how many rows were committed before it.
func (h *handle) importCSV(call sobek.FunctionCall) sobek.Value {
	o, kerr := parseCSVReadOptions("importCSV", call.Argument(0), true)
	return h.async("import_csv", kerr, func(s *slot) outcome {
		return transferred(s.importCSV(h.store, o), o.fileName, "imported", "bytesRead")
	})
}

// validateCSV({fileName, keyColumn?, delimiter?, hasHeader? = true, limit?}) →
// {valid, rows, bytesRead, checkedAll, firstError?: {row, name, message}}.
// A problem in the content (a ragged or badly quoted row, a missing key, a
// keyColumn not in the header) resolves with valid false; only a file that
// cannot be read rejects.
func (h *handle) validateCSV(call sobek.FunctionCall) sobek.Value {
	o, kerr := parseCSVReadOptions("validateCSV", call.Argument(0), false)
	return h.async("validate_csv", kerr, func(s *slot) outcome {
		return validation("validateCSV", "rows", "row", s.validateCSV(h.store, o))
	})
}
