package task

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/connectorworks/twilio-worker/internal/rawjson"
)

// rawFields holds the task object's top-level fields, undecoded, so each can
// be type-checked with a message that names it.
type rawFields map[string]json.RawMessage

// readObject checks the envelope rules (size, UTF-8, depth, exactly one
// object, no duplicate field) and splits the object into its fields.
func readObject(data []byte) (rawFields, error) {
	if len(data) > MaxBytes {
		return nil, invalid("task message is %d bytes; the limit is %d bytes (10 MB)", len(data), MaxBytes)
	}
	if !utf8.Valid(data) {
		return nil, invalid("task message is not valid UTF-8 (first bad byte at offset %d); send UTF-8 encoded JSON", badUTF8(data))
	}
	kind := jsonKind(data)
	if kind == "" {
		return nil, invalid("task message is empty; send one JSON object")
	}
	if kind != "object" && kind != "invalid" {
		// The kind comes from the first byte only: "foo" or "not json" start
		// like a boolean or null but are not JSON at all, and saying "got a
		// boolean" would send the sender looking for the wrong mistake.
		if !json.Valid(data) {
			return nil, syntaxError(json.Unmarshal(data, new(any)), data)
		}
		return nil, invalid("task message must be a JSON object, got %s", kindPhrase(kind))
	}
	if err := checkDepth(data); err != nil {
		return nil, err
	}
	if rawjson.Valid(data) {
		return splitValid(data)
	}
	return splitObject(data) // for its precise syntax errors
}

// splitObject walks the top level with json.Decoder's tokenizer rather than
// unmarshalling into a map, because a map silently keeps only the last of
// two "operation" fields: a duplicate is ambiguous, so it is an error.
func splitObject(data []byte) (rawFields, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // the opening brace
		return nil, syntaxError(err, data)
	}
	fields := rawFields{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(err, data)
		}
		name, _ := tok.(string) // inside an object the tokenizer yields only string keys
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, syntaxError(err, data)
		}
		if _, dup := fields[name]; dup {
			return nil, invalid("field %q appears more than once; give each field once", Clip(name))
		}
		fields[name] = v
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, syntaxError(err, data)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid("unexpected data after the task object (after byte offset %d); send exactly one JSON object per message", end)
	}
	return fields, nil
}

func syntaxError(err error, data []byte) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := position(data, se.Offset)
		return invalid("task message is not valid JSON: %s (at line %d, column %d; byte offset %d)", se.Error(), line, col, se.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return invalid("task message is not valid JSON: it ends before the object is complete")
	}
	return invalid("task message is not valid JSON: %v", err)
}

// position is the 1-based line and column (in bytes) of the byte at which
// the JSON parser stopped, offset bytes into data, so that a message with
// line breaks points at the right place.
func position(data []byte, offset int64) (line, col int) {
	i := int(min(max(offset-1, 0), int64(len(data))))
	before := data[:i]
	return bytes.Count(before, []byte{'\n'}) + 1, i - bytes.LastIndexByte(before, '\n')
}

// checkDepth scans the raw bytes, skipping strings, so that nesting is
// bounded before any recursive decoder sees the input.
func checkDepth(data []byte) error {
	depth, inString, escaped := 0, false, false
	for i, c := range data {
		switch {
		case inString && escaped:
			escaped = false
		case inString:
			escaped, inString = c == '\\', c != '"'
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > MaxDepth {
				return invalid("task message nests objects and arrays more than %d levels deep (at byte offset %d); flatten connectorInputPayload", MaxDepth, i)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// jsonKind names the JSON type of the value raw starts with: "object",
// "array", "string", "number", "boolean", "null", "invalid", or "" when raw
// is empty or blank. It looks only at the first significant byte.
func jsonKind(raw []byte) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return ""
	}
	switch c := raw[0]; {
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "number"
	}
	return "invalid"
}

func kindPhrase(kind string) string {
	switch kind {
	case "object", "array":
		return "an " + kind
	case "null":
		return "null"
	}
	return "a " + kind
}

func badUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}
