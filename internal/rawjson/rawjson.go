// Package rawjson walks JSON text without decoding it: it splits objects
// and arrays into their raw members, checks validity as json.Valid does,
// and decodes single values as a json.Decoder with UseNumber does. The
// task decoder and the LIST scan use it on hot paths where encoding/json's
// maps, strings and per-byte state functions were most of the cost.
package rawjson

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// The functions below walk JSON text that is already known to be valid
// (json.Valid, or a value a json.Decoder returned): a list page is split
// into its rows, and a row into its members, without building the maps and
// strings encoding/json would make for every member of every row. They
// never fail; on text that is not valid JSON they stop early and never
// read out of bounds.

// EachMember calls f with the raw key (quotes included) and the raw value
// of every member of the JSON object obj, in order. It does nothing when obj
// is not an object.
func EachMember(obj []byte, f func(key, val []byte)) {
	i := SkipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return
	}
	i++
	for {
		i = SkipSpace(obj, i)
		if i < len(obj) && obj[i] == ',' {
			i = SkipSpace(obj, i+1)
		}
		if i >= len(obj) || obj[i] != '"' {
			return // '}' or the end
		}
		kEnd := SkipValue(obj, i)
		j := SkipSpace(obj, kEnd)
		if j >= len(obj) || obj[j] != ':' {
			return
		}
		j = SkipSpace(obj, j+1)
		vEnd := SkipValue(obj, j)
		if vEnd == j {
			return
		}
		f(obj[i:kEnd], obj[j:vEnd])
		i = vEnd
	}
}

// EachElement calls f with every element of the JSON array arr. It does
// nothing when arr is not an array.
func EachElement(arr []byte, f func(val []byte)) {
	i := SkipSpace(arr, 0)
	if i >= len(arr) || arr[i] != '[' {
		return
	}
	i++
	for {
		i = SkipSpace(arr, i)
		if i < len(arr) && arr[i] == ',' {
			i = SkipSpace(arr, i+1)
		}
		if i >= len(arr) || arr[i] == ']' {
			return
		}
		end := SkipValue(arr, i)
		if end == i {
			return
		}
		f(arr[i:end])
		i = end
	}
}

func SkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// SkipValue returns the end of the value starting at b[i]: a string, an
// object or array (however deep), or a literal (number, true, false, null).
func SkipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return SkipString(b, i)
	case '{', '[':
		return skipNested(b, i)
	}
	for i < len(b) && !endsLiteral(b[i]) {
		i++
	}
	return i
}

func endsLiteral(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// SkipString returns the index just after the string starting at b[i].
func SkipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++ // the escaped byte; \uXXXX's digits need no care
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipNested returns the index just after the object or array at b[i].
func skipNested(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			i = SkipString(b, i) - 1
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return len(b)
}

// PlainText reports whether the inside of a JSON string decodes to itself:
// no escapes and valid UTF-8 (encoding/json replaces invalid bytes).
func PlainText(s []byte) bool {
	return bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s)
}

// Unquote is the text of a raw JSON string (quotes included), as
// encoding/json decodes it.
func Unquote(raw []byte) string {
	if len(raw) >= 2 && PlainText(raw[1:len(raw)-1]) {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// DecodeValue decodes one raw JSON value exactly as a json.Decoder with
// UseNumber decodes it into an any: strings, json.Number, bools, nil, and
// maps and slices for the rest. Scalars, which make up nearly every member
// of a Twilio row, skip encoding/json.
func DecodeValue(raw []byte) any {
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '"':
		if len(raw) >= 2 && PlainText(raw[1:len(raw)-1]) {
			return string(raw[1 : len(raw)-1])
		}
	case 't':
		return true
	case 'f':
		return false
	case 'n':
		return nil
	case '{', '[':
	default:
		return json.Number(raw)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	_ = dec.Decode(&v)
	return v
}

// maxDepth is encoding/json's nesting limit: deeper text is not valid.
const maxDepth = 10000

// Valid reports what json.Valid reports: whether b is one JSON value,
// with optional white space around it. It is a plain loop over the bytes
// instead of encoding/json's per-byte state functions, several times
// faster on a page of a thousand rows; FuzzValidJSON holds the two equal.
func Valid(b []byte) bool {
	var open []byte // the containers open around i: '{' or '['
	i, ok := 0, true
	for {
		if i, ok = validValue(b, SkipSpace(b, i), &open); !ok {
			return false
		}
		if i, ok = validAfter(b, i, &open); !ok {
			return false
		}
		if len(open) == 0 {
			return SkipSpace(b, i) == len(b)
		}
	}
}

// validValue checks the value at b[i] and returns the index after it. A
// non-empty object or array is opened (pushed on open) and checked up to
// the end of its first value; validAfter goes on from there.
func validValue(b []byte, i int, open *[]byte) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; c {
	case '{', '[':
		if len(*open) >= maxDepth {
			return i, false
		}
		j := SkipSpace(b, i+1)
		if j < len(b) && b[j] == c+2 { // '}' is '{'+2, ']' is '['+2
			return j + 1, true
		}
		*open = append(*open, c)
		if c == '{' {
			var ok bool
			if j, ok = validKey(b, j); !ok {
				return j, false
			}
		}
		return validValue(b, SkipSpace(b, j), open)
	case '"':
		return validString(b, i)
	case 't':
		return validLiteral(b, i, "true")
	case 'f':
		return validLiteral(b, i, "false")
	case 'n':
		return validLiteral(b, i, "null")
	}
	return validNumber(b, i)
}

// validAfter checks what follows a value: closers, then a comma (and in
// an object the next key and colon) where a value must follow, or the end
// of the outermost value.
func validAfter(b []byte, i int, open *[]byte) (int, bool) {
	for {
		i = SkipSpace(b, i)
		n := len(*open)
		if n == 0 {
			return i, true
		}
		if i >= len(b) {
			return i, false
		}
		top := (*open)[n-1]
		switch b[i] {
		case ',':
			if top == '{' {
				return validKey(b, SkipSpace(b, i+1))
			}
			return i + 1, true
		case top + 2:
			*open = (*open)[:n-1]
			i++
		default:
			return i, false
		}
	}
}

// validKey checks a member's name and colon at b[i].
func validKey(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	i, ok := validString(b, i)
	if i = SkipSpace(b, i); !ok || i >= len(b) || b[i] != ':' {
		return i, false
	}
	return i + 1, true
}

// validString checks the string at b[i]: no control characters, only
// JSON's escapes. Like encoding/json, it does not check UTF-8.
func validString(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			if i++; i >= len(b) {
				return i, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return i, false
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func validLiteral(b []byte, i int, lit string) (int, bool) {
	if !bytes.HasPrefix(b[i:], []byte(lit)) {
		return i, false
	}
	return i + len(lit), true
}

// validNumber checks JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(b, i)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		if j := digits(b, i+1); j > i+1 {
			i = j
		} else {
			return j, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		return j, j > i
	}
	return i, true
}

func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}
