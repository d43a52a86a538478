// SPDX-License-Identifier: LGPL-2.1-or-later

package kv

import (
	"errors"
	"math"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/grafana/sobek"
)

// jsonToJS builds the JavaScript value of a stored JSON text in one pass,
// without going through Go data. Event loop only.
//
// It accepts any RFC 8259 text (not only canonical text: stored values may
// come from older versions or imports) and builds what JSON.parse would:
// members in text order (a repeated name keeps its first place and its last
// value, and is defined as an own property, "__proto__" included), numbers
// read as doubles (integers of up to 2^53 stay exact; -0 stays -0; a number
// beyond the double range is ±Infinity, as in JSON.parse), \uXXXX escapes
// decoded with surrogate pairs joined and lone surrogates kept as lone UTF-16
// code units. Bytes that are not UTF-8 inside a string become U+FFFD (as with
// encoding/json). Anything else that is not JSON is an error, and so is
// nesting deeper than maxDepth.
func jsonToJS(rt *sobek.Runtime, data []byte) (sobek.Value, error) {
	// One copy of the text: strings without escapes are substrings of it.
	return jsonTextToJS(rt, string(data))
}

// jsonTextToJS is jsonToJS for a text that is already a Go string (a get's
// value, copied out of C once): the values it builds may share its memory.
func jsonTextToJS(rt *sobek.Runtime, text string) (sobek.Value, error) {
	p := parserPool.Get().(*jsonParser)
	p.rt, p.s, p.pos = rt, text, 0
	v, err := p.parse()
	p.rt, p.s = nil, ""
	clear(p.items[:cap(p.items)])
	p.items = p.items[:0]
	parserPool.Put(p)
	return v, err
}

var parserPool = sync.Pool{New: func() any { return &jsonParser{} }}

type jsonParser struct {
	rt      *sobek.Runtime
	s       string
	pos     int
	scratch []byte   // a string being unescaped
	units   []uint16 // a string with lone surrogates, as UTF-16
	items   []any    // elements of the arrays being parsed, innermost last
}

// jsonSyntaxError says where and why a stored text is not JSON.
type jsonSyntaxError struct {
	msg string
	pos int
}

func (e *jsonSyntaxError) Error() string {
	return "not valid JSON: " + e.msg + " at byte " + strconv.Itoa(e.pos)
}

func (p *jsonParser) fail(msg string) error { return &jsonSyntaxError{msg, p.pos} }

func (p *jsonParser) parse() (sobek.Value, error) {
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return nil, p.fail("unexpected text after the value")
	}
	return v, nil
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// value parses the value at p.pos (no leading space).
func (p *jsonParser) value(depth int) (sobek.Value, error) {
	if p.pos >= len(p.s) {
		return nil, p.fail("unexpected end of text")
	}
	switch c := p.s[p.pos]; {
	case c == '"':
		return p.stringValue()
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", p.rt.ToValue(true))
	case c == 'f':
		return p.literal("false", p.rt.ToValue(false))
	case c == 'n':
		return p.literal("null", sobek.Null())
	}
	return nil, p.fail("unexpected character")
}

func (p *jsonParser) literal(word string, v sobek.Value) (sobek.Value, error) {
	if len(p.s)-p.pos < len(word) || p.s[p.pos:p.pos+len(word)] != word {
		return nil, p.fail("unexpected character")
	}
	p.pos += len(word)
	return v, nil
}

func (p *jsonParser) object(depth int) (sobek.Value, error) {
	if depth > maxDepth {
		return nil, p.fail("nested too deeply")
	}
	p.pos++ // {
	obj := p.rt.NewObject()
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return obj, nil
	}
	for {
		if p.pos >= len(p.s) || p.s[p.pos] != '"' {
			return nil, p.fail("expected a member name")
		}
		name, lone, err := p.str()
		if err != nil {
			return nil, err
		}
		var nameJS sobek.String
		if lone {
			nameJS = sobek.StringFromUTF16(p.units)
		}
		p.skipSpace()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return nil, p.fail("expected ':'")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if err := p.define(obj, name, nameJS, v); err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos < len(p.s) {
			switch p.s[p.pos] {
			case ',':
				p.pos++
				p.skipSpace()
				continue
			case '}':
				p.pos++
				return obj, nil
			}
		}
		return nil, p.fail("expected ',' or '}'")
	}
}

// define creates the member as JSON.parse does (an own data property, so
// "__proto__" or a setter on Object.prototype changes nothing).
func (p *jsonParser) define(obj *sobek.Object, name string, nameJS sobek.String, v sobek.Value) error {
	if nameJS == nil {
		return obj.DefineDataProperty(name, v, sobek.FLAG_TRUE, sobek.FLAG_TRUE, sobek.FLAG_TRUE)
	}
	// A Go string cannot hold a lone surrogate: define it from JavaScript.
	// (Reflect.set defines a plain data property here: no such name is on
	// Object.prototype.)
	set, err := jsBuiltin(p.rt, "Reflect", "set")
	if err != nil {
		return err
	}
	_, err = set(sobek.Undefined(), obj, nameJS, v)
	return err
}

func (p *jsonParser) array(depth int) (sobek.Value, error) {
	if depth > maxDepth {
		return nil, p.fail("nested too deeply")
	}
	p.pos++ // [
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		return p.rt.NewArray(), nil
	}
	start := len(p.items)
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, v)
		p.skipSpace()
		if p.pos < len(p.s) {
			switch p.s[p.pos] {
			case ',':
				p.pos++
				p.skipSpace()
				continue
			case ']':
				p.pos++
				arr := p.rt.NewArray(p.items[start:]...)
				clear(p.items[start:])
				p.items = p.items[:start]
				return arr, nil
			}
		}
		return nil, p.fail("expected ',' or ']'")
	}
}

func (p *jsonParser) number() (sobek.Value, error) {
	start := p.pos
	s := p.s
	i := p.pos
	neg := s[i] == '-'
	if neg {
		i++
	}
	digitsStart := i
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		p.pos = i
		return nil, p.fail("malformed number")
	}
	integer := true
	if i < len(s) && s[i] == '.' {
		integer = false
		i++
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			p.pos = i
			return nil, p.fail("malformed number")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		integer = false
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			p.pos = i
			return nil, p.fail("malformed number")
		}
	}
	p.pos = i
	// Up to 15 digits is below 2^53: exact as an integer.
	if integer && i-digitsStart <= 15 {
		var n int64
		for _, c := range []byte(s[digitsStart:i]) {
			n = n*10 + int64(c-'0')
		}
		if neg {
			if n == 0 {
				return p.rt.ToValue(math.Copysign(0, -1)), nil
			}
			n = -n
		}
		return p.rt.ToValue(n), nil
	}
	f, err := strconv.ParseFloat(s[start:i], 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		p.pos = start
		return nil, p.fail("malformed number")
	}
	return p.rt.ToValue(f), nil // ErrRange: ±Inf or ±0, as JSON.parse reads it
}

func (p *jsonParser) stringValue() (sobek.Value, error) {
	s, lone, err := p.str()
	if err != nil {
		return nil, err
	}
	if lone {
		return sobek.StringFromUTF16(p.units), nil
	}
	return p.rt.ToValue(s), nil
}

// str parses the string at p.pos. Without escapes or bad UTF-8 it is a
// substring of the text. lone says it holds a lone surrogate; it is then
// (only) in p.units, as UTF-16.
func (p *jsonParser) str() (_ string, lone bool, _ error) {
	s := p.s
	start := p.pos + 1
	i := start
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return s[start:i], false, nil
		case c == '\\':
			return p.unescape(start, i)
		case c < 0x20:
			p.pos = i
			return "", false, p.fail("unescaped control character in string")
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return p.unescape(start, i)
			}
			i += size
		}
	}
	p.pos = i
	return "", false, p.fail("unterminated string")
}

// unescape continues str from s[i], after the plain text s[start:i], in p.scratch.
func (p *jsonParser) unescape(start, i int) (string, bool, error) {
	s := p.s
	b := append(p.scratch[:0], s[start:i]...)
	defer func() { p.scratch = b[:0] }()
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return string(b), false, nil
		case c < 0x20:
			p.pos = i
			return "", false, p.fail("unescaped control character in string")
		case c < utf8.RuneSelf && c != '\\':
			b = append(b, c)
			i++
			continue
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, "\uFFFD"...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		// A backslash.
		if i+1 >= len(s) {
			p.pos = i
			return "", false, p.fail("unterminated string")
		}
		e := s[i+1]
		i += 2
		switch e {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			b = append(b, shortEscapes[e])
		case 'u':
			r, ok := hex4(s, i)
			if !ok {
				p.pos = i
				return "", false, p.fail("malformed \\u escape")
			}
			i += 4
			if r >= 0xD800 && r <= 0xDBFF {
				if lo, ok := lowSurrogateAt(s, i); ok {
					b = utf8.AppendRune(b, utf16.DecodeRune(r, lo))
					i += 6
					continue
				}
			}
			if r >= 0xD800 && r <= 0xDFFF {
				// Go strings cannot hold it: read the whole string again as UTF-16.
				p.units = p.units[:0]
				return "", true, p.utf16String(p.pos + 1)
			}
			b = utf8.AppendRune(b, r)
		default:
			p.pos = i - 1
			return "", false, p.fail("unknown escape in string")
		}
	}
	p.pos = i
	return "", false, p.fail("unterminated string")
}

// utf16String reads the string whose text starts at s[start] into p.units,
// keeping lone surrogates; str has already checked its syntax up to the first
// lone surrogate, this checks the rest.
func (p *jsonParser) utf16String(start int) error {
	s := p.s
	u := p.units[:0]
	defer func() { p.units = u }()
	for i := start; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			p.pos = i + 1
			return nil
		case c < 0x20:
			p.pos = i
			return p.fail("unescaped control character in string")
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			u = utf16.AppendRune(u, r) // bad UTF-8 is RuneError, U+FFFD
			i += size
			continue
		case c != '\\':
			u = append(u, uint16(c))
			i++
			continue
		}
		if i+1 >= len(s) {
			p.pos = i
			return p.fail("unterminated string")
		}
		e := s[i+1]
		i += 2
		switch e {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			u = append(u, uint16(shortEscapes[e]))
		case 'u':
			r, ok := hex4(s, i)
			if !ok {
				p.pos = i
				return p.fail("malformed \\u escape")
			}
			i += 4
			u = append(u, uint16(r)) // pairs stay pairs, lone ones lone
		default:
			p.pos = i - 1
			return p.fail("unknown escape in string")
		}
	}
	p.pos = len(s)
	return p.fail("unterminated string")
}

// lowSurrogateAt reads a \uDC00-\uDFFF escape at s[i].
func lowSurrogateAt(s string, i int) (rune, bool) {
	if i+6 > len(s) || s[i] != '\\' || s[i+1] != 'u' {
		return 0, false
	}
	r, ok := hex4(s, i+2)
	if !ok || r < 0xDC00 || r > 0xDFFF {
		return 0, false
	}
	return r, true
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// shortEscapes maps the letter of a two-character JSON escape to the byte it stands for.
var shortEscapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}
