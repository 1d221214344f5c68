package entities

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

// eachMember calls f with the raw key (quotes included) and the raw value
// of every member of the JSON object obj, in order. It does nothing when obj
// is not an object.
func eachMember(obj []byte, f func(key, val []byte)) {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return
	}
	i++
	for {
		i = skipSpace(obj, i)
		if i < len(obj) && obj[i] == ',' {
			i = skipSpace(obj, i+1)
		}
		if i >= len(obj) || obj[i] != '"' {
			return // '}' or the end
		}
		kEnd := skipValue(obj, i)
		j := skipSpace(obj, kEnd)
		if j >= len(obj) || obj[j] != ':' {
			return
		}
		j = skipSpace(obj, j+1)
		vEnd := skipValue(obj, j)
		if vEnd == j {
			return
		}
		f(obj[i:kEnd], obj[j:vEnd])
		i = vEnd
	}
}

// eachElement calls f with every element of the JSON array arr. It does
// nothing when arr is not an array.
func eachElement(arr []byte, f func(val []byte)) {
	i := skipSpace(arr, 0)
	if i >= len(arr) || arr[i] != '[' {
		return
	}
	i++
	for {
		i = skipSpace(arr, i)
		if i < len(arr) && arr[i] == ',' {
			i = skipSpace(arr, i+1)
		}
		if i >= len(arr) || arr[i] == ']' {
			return
		}
		end := skipValue(arr, i)
		if end == i {
			return
		}
		f(arr[i:end])
		i = end
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the value starting at b[i]: a string, an
// object or array (however deep), or a literal (number, true, false, null).
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
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

// skipString returns the index just after the string starting at b[i].
func skipString(b []byte, i int) int {
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
			i = skipString(b, i) - 1
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

// plainText reports whether the inside of a JSON string decodes to itself:
// no escapes and valid UTF-8 (encoding/json replaces invalid bytes).
func plainText(s []byte) bool {
	return bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s)
}

// decodeKey is the text of a raw JSON string (quotes included).
func decodeKey(raw []byte) string {
	if len(raw) >= 2 && plainText(raw[1:len(raw)-1]) {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// decodeValue decodes one raw JSON value exactly as a json.Decoder with
// UseNumber decodes it into an any: strings, json.Number, bools, nil, and
// maps and slices for the rest. Scalars, which make up nearly every member
// of a Twilio row, skip encoding/json.
func decodeValue(raw []byte) any {
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '"':
		if len(raw) >= 2 && plainText(raw[1:len(raw)-1]) {
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
