package rawjson

import (
	"encoding/json"
	"strings"
	"testing"
)

var validSeeds = []string{
	``, ` `, `0`, `-0`, `01`, `-`, `1.`, `1.5`, `1e`, `1e+`, `1E-07`, `-12.5e3`, `2.e1`, `.5`, `+1`,
	`true`, `tru`, `truex`, `null `, ` false`, `nul`, `""`, `"a\"b\\c\/d\b\f\n\r\t\u00e9\uD83D"`, `"\x"`,
	`"\u12"`, `"\u12g4"`, "\"tab\there\"", "\"\xff\xfe\"", `"unterminated`, `{}`, `[]`, `{ }`, `[ ]`,
	`{"a":1}`, `{"a" : [1, {"b":null}, "c"] , "d":{}}`, `{"a":1,}`, `[1,]`, `[,1]`, `{,}`, `{"a"}`,
	`{"a":}`, `{1:2}`, `[1 2]`, `{"a":1 "b":2}`, `[}`, `{]`, `[[[]]]`, `[[[]]`, `[]]`, `{} {}`, `{}x`,
	`[1,[2,[3,{"x":[{}]}]]]`, "\t\n\r [ 1 ] \n", `{"a":[1,2,3],"b":{"c":{"d":"e"}}}`,
}

func TestValidJSON(t *testing.T) {
	t.Parallel()
	for _, s := range validSeeds {
		if got, want := Valid([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("Valid(%q) = %v, json.Valid says %v", s, got, want)
		}
	}
	for _, depth := range []int{maxDepth - 1, maxDepth, maxDepth + 1} {
		for _, s := range []string{strings.Repeat("[", depth) + strings.Repeat("]", depth),
			strings.Repeat(`{"a":`, depth-1) + "{}" + strings.Repeat("}", depth-1)} {
			if got, want := Valid([]byte(s)), json.Valid([]byte(s)); got != want {
				t.Errorf("depth %d: Valid = %v, json.Valid says %v", depth, got, want)
			}
		}
	}
}

func FuzzValidJSON(f *testing.F) {
	for _, s := range validSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Valid([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Fatalf("Valid(%q) = %v, json.Valid says %v", s, got, want)
		}
	})
}
