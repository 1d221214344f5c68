package entities

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/codes"
)

// TestDecodeKeyInto: the pooled read decodes the key fields exactly as a
// json.Decoder with UseNumber over the whole row does, and fails the same
// way on a body that is not JSON.
func TestDecodeKeyInto(t *testing.T) {
	typ := keyStructOf([]string{"sid", "n", "esc", "obj"})
	for _, body := range []string{
		`{"sid":"SM123","n":12.50,"esc":"a\"b\u00e9","obj":{"x":[1]},"other":"ignored"}`,
		`{"SID":"case-insensitive as encoding/json"}`,
		`{"sid":null}`,
		`  `,
	} {
		v := reflect.New(typ)
		resp := &http.Response{StatusCode: 201, Body: io.NopCloser(strings.NewReader(body))}
		if err := decodeKeyInto(resp, http.MethodPost, "/x", v.Interface()); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		want := map[string]any{}
		var row map[string]any
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&row) == nil {
			for _, f := range []string{"sid", "n", "esc", "obj"} {
				for k, val := range row {
					if strings.EqualFold(k, f) && val != nil {
						want[f] = val
					}
				}
			}
		}
		got := map[string]any{}
		for i, f := range []string{"sid", "n", "esc", "obj"} {
			if raw := v.Elem().Field(i).Interface().(json.RawMessage); raw != nil {
				if val, err := rawValue(raw); err == nil && val != nil {
					got[f] = val
				}
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, want %#v", body, got, want)
		}
	}
	resp := &http.Response{StatusCode: 201, Body: io.NopCloser(bytes.NewReader([]byte("<html>")))}
	err := decodeKeyInto(resp, http.MethodPost, "/x", reflect.New(typ).Interface())
	if ce, ok := codes.As(err); !ok || ce.Code != codes.Unavailable || ce.Retryable {
		t.Fatalf("not JSON: got %v, want UNAVAILABLE, not retryable", err)
	}
}
