package task

import (
	"bytes"
	"encoding/json"
)

// splitValid splits a JSON object that json.Valid accepted into its
// top-level fields, as splitObject does, in one pass and without the
// tokenizer: json.Decoder.Token builds (and throws away) a formatted
// scanner error after every value it reads, which made it most of the
// cost of decoding a task. The values alias data.
func splitValid(data []byte) (rawFields, error) {
	fields := rawFields{}
	i := skipSpace(data, 0) + 1 // past the opening brace
	for {
		i = skipSpace(data, i)
		switch data[i] {
		case '}':
			return fields, nil
		case ',':
			i = skipSpace(data, i+1)
		}
		end := stringEnd(data, i)
		name, err := unquote(data[i:end])
		if err != nil {
			return nil, syntaxError(err, data)
		}
		i = skipSpace(data, skipSpace(data, end)+1) // past the colon
		vend := valueEnd(data, i)
		if _, dup := fields[name]; dup {
			return nil, invalid("field %q appears more than once; give each field once", Clip(name))
		}
		fields[name] = json.RawMessage(data[i:vend])
		i = vend
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just past the string that starts at i.
func stringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(data)
}

// valueEnd returns the index just past the value that starts at i.
func valueEnd(data []byte, i int) int {
	switch data[i] {
	case '"':
		return stringEnd(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				j = stringEnd(data, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(data)
	default: // a number, true, false or null
		j := i
		for j < len(data) && !bytes.ContainsRune([]byte(",}] \t\r\n"), rune(data[j])) {
			j++
		}
		return j
	}
}

// decodeObject decodes a JSON object that json.Valid accepted into a map,
// as a json.Decoder with UseNumber does (numbers as json.Number, the last
// of duplicate names wins), in one pass: strings, numbers and literals
// are sliced from data, and only nested objects and arrays go through
// encoding/json, whose Decoder copies and regrows its buffer for every
// value it reads.
func decodeObject(data []byte) (map[string]any, error) {
	m := map[string]any{}
	i := skipSpace(data, 0) + 1 // past the opening brace
	for {
		i = skipSpace(data, i)
		switch data[i] {
		case '}':
			return m, nil
		case ',':
			i = skipSpace(data, i+1)
		}
		end := stringEnd(data, i)
		name, err := unquote(data[i:end])
		if err != nil {
			return nil, err
		}
		i = skipSpace(data, skipSpace(data, end)+1) // past the colon
		vend := valueEnd(data, i)
		if m[name], err = decodeValue(data[i:vend]); err != nil {
			return nil, err
		}
		i = vend
	}
}

// decodeValue decodes one valid JSON value as decodeObject does.
func decodeValue(raw []byte) (any, error) {
	switch raw[0] {
	case '"':
		return unquote(raw)
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case 'n':
		return nil, nil
	case '{', '[':
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		err := dec.Decode(&v)
		return v, err
	default:
		return json.Number(raw), nil
	}
}

// stringValue returns the string raw holds when it is a JSON string; raw
// is a value split from a valid object.
func stringValue(raw []byte) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	s, err := unquote(raw)
	return s, err == nil
}

// unquote decodes a JSON string; most keys have no escapes.
func unquote(s []byte) (string, error) {
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s[1 : len(s)-1]), nil
	}
	var out string
	err := json.Unmarshal(s, &out)
	return out, err
}
