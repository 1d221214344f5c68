package entities

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/codes"
)

// TestReadKey: a create's answer gives the row of its key fields exactly
// as decoding the whole answer with encoding/json (UseNumber) and keeping
// those fields did, and a body that is not a JSON object fails the same
// way (UNAVAILABLE, not retryable for a POST).
func TestReadKey(t *testing.T) {
	e := &Entity{Key: "Sid", keyFields: []string{"sid", "n", "esc", "obj", "nil"}}
	for _, body := range []string{
		`{"sid":"SM123","n":12.50,"esc":"a\"b\u00e9","obj":{"x":[1]},"nil":null,"other":"ignored"}`,
		`{"SID":"case-insensitive as encoding/json","s\u0069d":"escaped name, last wins"}`,
		`{"sid":"first","sid":"last wins"}`,
		`  `, `null`, `{}`,
	} {
		resp := &http.Response{StatusCode: 201, Body: io.NopCloser(strings.NewReader(body))}
		got, err := e.readKey(resp, http.MethodPost, "/x")
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if want := wholeDecodeKey(e, body); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, want %#v", body, got, want)
		}
	}
	for _, body := range []string{"<html>", `["SM1"]`, `{"sid":"SM1"`, `"SM1"`} {
		resp := &http.Response{StatusCode: 201, Body: io.NopCloser(bytes.NewReader([]byte(body)))}
		_, err := e.readKey(resp, http.MethodPost, "/x")
		if ce, ok := codes.As(err); !ok || ce.Code != codes.Unavailable || ce.Retryable {
			t.Errorf("%s: got %v, want UNAVAILABLE, not retryable", body, err)
		}
	}
}

// wholeDecodeKey is what a create answered before readKey: the body
// unmarshalled into a struct of one json.RawMessage per key field, so that
// encoding/json itself picks the members, each then decoded with UseNumber.
func wholeDecodeKey(e *Entity, body string) map[string]any {
	fields := make([]reflect.StructField, len(e.keyFields))
	for i, f := range e.keyFields {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: reflect.TypeFor[json.RawMessage](),
			Tag: reflect.StructTag(fmt.Sprintf("json:%q", f))}
	}
	v := reflect.New(reflect.StructOf(fields))
	obj := map[string]any{}
	if json.Unmarshal([]byte(body), v.Interface()) == nil {
		for i, f := range e.keyFields {
			if raw := v.Elem().Field(i).Interface().(json.RawMessage); raw != nil {
				var val any
				d := json.NewDecoder(bytes.NewReader(raw))
				d.UseNumber()
				_ = d.Decode(&val)
				obj[f] = val
			}
		}
	}
	return e.Row(obj)
}

// FuzzReadKey: on any body, readKey fails exactly when the struct decode
// it replaced failed, and otherwise gives the same row.
func FuzzReadKey(f *testing.F) {
	f.Add(`{"sid":"SM1","account_sid":"AC1","n":1}`)
	f.Add(`{"SID":"a","s\u0069d":"b","sid":null}`)
	f.Add(`[1]`)
	e := &Entity{Key: "Sid", keyFields: []string{"sid", "account_sid"}}
	f.Fuzz(func(t *testing.T, body string) {
		resp := &http.Response{StatusCode: 201, Body: io.NopCloser(strings.NewReader(body))}
		got, err := e.readKey(resp, http.MethodPost, "/x")
		fields := []reflect.StructField{
			{Name: "A", Type: reflect.TypeFor[json.RawMessage](), Tag: `json:"sid"`},
			{Name: "B", Type: reflect.TypeFor[json.RawMessage](), Tag: `json:"account_sid"`}}
		oldErr := error(nil)
		if strings.TrimSpace(body) != "" {
			oldErr = json.Unmarshal([]byte(body), reflect.New(reflect.StructOf(fields)).Interface())
		}
		if (err == nil) != (oldErr == nil) {
			t.Fatalf("%q: error %v, the struct decode's %v", body, err, oldErr)
		}
		if err == nil && !reflect.DeepEqual(got, wholeDecodeKey(e, body)) {
			t.Fatalf("%q: got %#v, want %#v", body, got, wholeDecodeKey(e, body))
		}
	})
}
