package task

import (
	"encoding/json"

	"github.com/connectorworks/twilio-worker/internal/rawjson"
)

// splitValid splits a JSON object that json.Valid accepted into its
// top-level fields, as splitObject does, in one pass and without the
// tokenizer: json.Decoder.Token builds (and throws away) a formatted
// scanner error after every value it reads, which made it most of the
// cost of decoding a task. The values alias data.
func splitValid(data []byte) (rawFields, error) {
	fields := rawFields{}
	dup, seen := "", false
	rawjson.EachMember(data, func(key, val []byte) {
		name := rawjson.Unquote(key)
		if _, ok := fields[name]; ok && !seen {
			dup, seen = name, true
		}
		fields[name] = json.RawMessage(val)
	})
	if seen {
		return nil, invalid("field %q appears more than once; give each field once", Clip(dup))
	}
	return fields, nil
}

// decodeObject decodes a JSON object that json.Valid accepted into a map,
// as a json.Decoder with UseNumber does (numbers as json.Number, the last
// of duplicate names wins), in one pass: strings, numbers and literals
// are sliced from data, and only nested objects and arrays go through
// encoding/json, whose Decoder copies and regrows its buffer for every
// value it reads.
func decodeObject(data []byte) map[string]any {
	m := map[string]any{}
	rawjson.EachMember(data, func(key, val []byte) {
		m[rawjson.Unquote(key)] = rawjson.DecodeValue(val)
	})
	return m
}

// stringValue returns the string raw holds when it is a JSON string; raw
// is a value split from a valid object.
func stringValue(raw []byte) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	return rawjson.Unquote(raw), true
}
