// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/grafana/sobek"
)

// Options of the CSV methods, read on the event loop. As in
// options_snapshot.go only the shape is checked here (an object, field types,
// integers, strings without NUL, required fields) plus what the C API cannot
// express: libkv takes the delimiter as one byte, so it must be an ASCII
// character. libkv owns the rest: limit and batchSize caps, a CR, LF or '"'
// delimiter, empty or repeated column names, a keyColumn missing from the
// header; those reject there with the same InvalidOptionsError.

// csvExportOptions: exportCSV({fileName, columns, prefix?, limit?, delimiter? = ",", includeKey? = true}).
type csvExportOptions struct {
	fileName   string
	columns    []string
	prefix     string
	limit      int64
	delimiter  byte
	includeKey bool
}

func parseCSVExportOptions(v sobek.Value) (csvExportOptions, *kvError) {
	const method = "exportCSV"
	o := csvExportOptions{delimiter: ',', includeKey: true}
	if isNullish(v) {
		return o, invalidOptions(method + "(): options {fileName, columns} are required")
	}
	r, kerr := optionsArg(method, v)
	if kerr != nil {
		return o, kerr
	}
	if o.fileName, kerr = r.requiredFileName(); kerr != nil {
		return o, kerr
	}
	if o.columns, kerr = r.columns(); kerr != nil {
		return o, kerr
	}
	if o.prefix, _, kerr = r.str("prefix"); kerr != nil {
		return o, kerr
	}
	if o.limit, _, kerr = r.integer("limit"); kerr != nil {
		return o, kerr
	}
	if o.delimiter, kerr = r.delimiter(); kerr != nil {
		return o, kerr
	}
	if includeKey, present, kerr := r.boolean("includeKey"); kerr != nil {
		return o, kerr
	} else if present {
		o.includeKey = includeKey
	}
	return o, nil
}

// csvReadOptions are the options of importCSV ({fileName, keyColumn,
// delimiter?, hasHeader? = true, limit?, batchSize?}) and validateCSV
// ({fileName, keyColumn?, delimiter?, hasHeader? = true, limit?}). An empty
// keyColumn means none (validateCSV only: then no key is checked). A limit
// or batchSize of 0 or less (or none) means "all" and "the default batch" (1000).
type csvReadOptions struct {
	fileName  string
	keyColumn string
	delimiter byte
	hasHeader bool
	limit     int64
	batchSize int64
}

// parseCSVReadOptions reads importCSV's options (importing: keyColumn is
// required, batchSize is read) or validateCSV's.
func parseCSVReadOptions(method string, v sobek.Value, importing bool) (csvReadOptions, *kvError) {
	o := csvReadOptions{delimiter: ',', hasHeader: true}
	if isNullish(v) {
		if importing {
			return o, invalidOptions(method + "(): options {fileName, keyColumn} are required")
		}
		return o, invalidOptions(method + "(): options {fileName} are required")
	}
	r, kerr := optionsArg(method, v)
	if kerr != nil {
		return o, kerr
	}
	if o.fileName, kerr = r.requiredFileName(); kerr != nil {
		return o, kerr
	}
	keyColumn, present, kerr := r.str("keyColumn")
	if kerr != nil {
		return o, kerr
	}
	// Without a header columns are named "1", "2", ...; an empty name names nothing.
	if (importing || present) && keyColumn == "" {
		what := "is required and must be"
		if !importing {
			what = "must be"
		}
		return o, invalidOptions(method + "(): options.keyColumn " + what +
			" a non-empty string: a header name, or a 1-based column number (\"1\") with hasHeader: false")
	}
	o.keyColumn = keyColumn
	if o.delimiter, kerr = r.delimiter(); kerr != nil {
		return o, kerr
	}
	if hasHeader, present, kerr := r.boolean("hasHeader"); kerr != nil {
		return o, kerr
	} else if present {
		o.hasHeader = hasHeader
	}
	if o.limit, _, kerr = r.integer("limit"); kerr != nil {
		return o, kerr
	}
	if importing {
		o.batchSize, _, kerr = r.integer("batchSize")
	}
	return o, kerr
}

// delimiter reads options.delimiter: a string of one ASCII character (libkv
// reads and writes it as one byte), not NUL (which libkv would take as ",").
// Omitted or null: ",". CR, LF and '"' are refused by libkv.
func (r optionReader) delimiter() (byte, *kvError) {
	v := r.field("delimiter")
	if v == nil {
		return ',', nil
	}
	s, ok := v.Export().(string)
	if !ok || utf8.RuneCountInString(s) != 1 {
		return 0, r.fail("delimiter", "a string of one character", v)
	}
	if len(s) != 1 {
		return 0, invalidOptions(fmt.Sprintf(
			"%s(): options.delimiter must be an ASCII character (one byte); %s takes %d bytes in UTF-8",
			r.method, strconv.Quote(s), len(s)))
	}
	if s[0] == 0 {
		return 0, r.fail("delimiter", "a character other than NUL", v)
	}
	return s[0], nil
}

// columns reads exportCSV's options.columns: a non-empty array of strings
// without NUL characters (libkv refuses empty and repeated names).
func (r optionReader) columns() ([]string, *kvError) {
	const want = "a non-empty array of column names (strings)"
	v := r.field("columns")
	if v == nil {
		return nil, invalidOptions(r.method + "(): options.columns is required: " + want)
	}
	obj, ok := v.(*sobek.Object)
	if !ok || obj.ClassName() != "Array" {
		return nil, r.fail("columns", want, v)
	}
	n := obj.Get("length").ToInteger()
	if n <= 0 {
		return nil, r.fail("columns", want, v)
	}
	// Appended one by one: a hole in a huge sparse array fails at once, before any allocation.
	cols := make([]string, 0, min(n, 64))
	for i := int64(0); i < n; i++ {
		elem := obj.Get(strconv.FormatInt(i, 10))
		s, isString := exportString(elem)
		if !isString || strings.IndexByte(s, 0) >= 0 {
			return nil, invalidOptions(fmt.Sprintf("%s(): options.columns[%d] must be a string without NUL characters, got %s",
				r.method, i, describe(elem)))
		}
		cols = append(cols, s)
	}
	return cols, nil
}
