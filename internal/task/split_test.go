package task

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"testing"
	"unicode/utf8"
)

// TestSplitValidAgreesWithTokenizer: the one-pass splitter gives exactly
// the fields (names unescaped, values compacted alike) the tokenizer-based
// splitObject gives, duplicates included.
func TestSplitValidAgreesWithTokenizer(t *testing.T) {
	for _, in := range []string{
		`{}`, ` { } `, `{"a":1}`, `{"a" : "x,}]\"y" , "b":[1,{"c":"]"}], "c":{"d":[]},"e":true,"f":null,"g":-1.5e3}`,
		`{"\u0065ntity":"Messages","operation":"LIST"}`, `{"a":"\\"}`, "{\n\t\"a\"\r\n:\n[ ]\n}\n",
		`{"a":1,"a":2}`, `{"x-\"q":{"nested":{"deep":["}"]}}}`,
	} {
		data := []byte(in)
		if !json.Valid(data) {
			t.Fatalf("test input %s is not valid JSON", in)
		}
		want, werr := splitObject(data)
		got, gerr := splitValid(data)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%s: errors differ: %v vs %v", in, werr, gerr)
			continue
		}
		if !maps.EqualFunc(got, want, func(a, b json.RawMessage) bool { return bytes.Equal(a, b) }) {
			t.Errorf("%s: got %q, want %q", in, got, want)
		}
	}
}

// FuzzSplitValid: on any valid UTF-8 JSON object both splitters agree.
func FuzzSplitValid(f *testing.F) {
	f.Add([]byte(`{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"Body":"a\"b"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) || !utf8.Valid(data) || jsonKind(data) != "object" {
			return // Decode refuses these before splitting
		}
		want, werr := splitObject(data)
		got, gerr := splitValid(data)
		if (werr == nil) != (gerr == nil) || !maps.EqualFunc(got, want, func(a, b json.RawMessage) bool { return bytes.Equal(a, b) }) {
			t.Fatalf("%q: got %q (%v), want %q (%v)", data, got, gerr, want, werr)
		}
		checkDecodeObject(t, data)
	})
}

// checkDecodeObject: decodeObject decodes a valid object exactly as a
// json.Decoder with UseNumber does (the payload's decoder before it).
func checkDecodeObject(t *testing.T, data []byte) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var want map[string]any
	werr := dec.Decode(&want)
	if werr != nil {
		t.Fatalf("the decoder refused valid %q: %v", data, werr)
	}
	if got := decodeObject(data); !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeObject(%q) = %#v, want %#v", data, got, want)
	}
}

func TestDecodeObject(t *testing.T) {
	for _, data := range []string{
		`{}`, ` { } `, `{"a":1,"b":-2.5e3,"c":"x","d":true,"e":false,"f":null}`,
		`{"a":"\u00e9\"q","a":"last wins"}`, `{"n":{"x":[1,"2",{"y":null}]},"l":[]}`,
		`{ "sp" : "a" , "t":"\ud83d\ude00" }`, `{"big":123456789012345678901234567890}`,
	} {
		checkDecodeObject(t, []byte(data))
	}
}
