package twiliosim

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// stdEncode is what encode wrote before it had its own fast path.
func stdEncode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), err
}

func checkEncode(t *testing.T, v any) {
	t.Helper()
	got, gotErr := encode(v)
	want, wantErr := stdEncode(v)
	if (gotErr != nil) != (wantErr != nil) || (wantErr == nil && !bytes.Equal(got, want)) {
		t.Fatalf("encode(%#v) = %s, %v; encoding/json gives %s, %v", v, got, gotErr, want, wantErr)
	}
}

func TestEncodeMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	values := []any{
		nil, true, false, 0, -7, int64(math.MaxInt64), 1.5, 1e21, 1e-7, json.Number("12"), "",
		"plain text, 100% & <ok>", "quote \" backslash \\ tab \t nl \n nul \x00 del \x7f",
		"café \u2028 \xff bad", []any(nil), map[string]any(nil), []any{}, map[string]any{},
		map[string]any{"b": 1, "a": []any{nil, "x", map[string]any{"z": true, "é": "k", "\"": 2}}, "": "empty"},
		[]string{"typed"}, map[string]string{"k": "v"}, struct{ A int }{1}, uint8(3),
		map[string]any{"bad": math.NaN()}, []any{"x", func() {}},
	}
	for _, v := range values {
		checkEncode(t, v)
	}
}

func FuzzEncode(f *testing.F) {
	f.Add(`{"a":[1,"x\u2028",null,{"b":true}],"c":"d&e<f>"}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var v any
		if json.Unmarshal([]byte(doc), &v) != nil {
			return
		}
		checkEncode(t, v)
	})
}
