package entities

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/rawjson"
)

// maxResponseBytes bounds a Twilio response body (a page of 1000 rows is a
// few MB).
const maxResponseBytes = 64 << 20

// call sends one request through twilio-go and decodes the JSON answer
// (nil for 204).
func (x *Executor) call(ctx context.Context, method, host, path string, query, form url.Values) (map[string]any, error) {
	resp, err := x.send(ctx, method, host, path, query, form)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return decodeBody(resp, method, path)
}

// send sends one request through twilio-go; the caller closes the body.
// The query travels inside the URL and twilio-go is given no url.Values
// for GET and DELETE: its query encoder deletes every ".digits" from the
// whole query string (docs/maintainers.md §1.2).
func (x *Executor) send(ctx context.Context, method, host, path string, query, form url.Values) (*http.Response, error) {
	u := "https://" + host + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	headers := map[string]interface{}{"Accept": "application/json"}
	rh := x.Handler(ctx)
	var resp *http.Response
	var err error
	switch method {
	case http.MethodGet:
		resp, err = rh.Get(u, nil, headers, "")
	case http.MethodDelete:
		resp, err = rh.Delete(u, nil, headers, "")
	default:
		headers["Content-Type"] = "application/x-www-form-urlencoded"
		resp, err = rh.Post(u, form, headers, "")
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return resp, nil
}

func decodeBody(resp *http.Response, method, path string) (map[string]any, error) {
	var body map[string]any
	if err := decodeInto(resp, method, path, &body); err != nil {
		return nil, err
	}
	return body, nil
}

// decodeInto decodes the JSON answer into v, numbers as json.Number. A 204
// or an empty body leaves v as it is.
func decodeInto(resp *http.Response, method, path string, v any) error {
	if resp.StatusCode == http.StatusNoContent {
		return nil
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxResponseBytes))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil && err != io.EOF {
		return notJSON(resp, method, path, err)
	}
	return nil
}

func notJSON(resp *http.Response, method, path string, err error) error {
	// The request succeeded; only a read is safe to repeat.
	return &codes.Error{Code: codes.Unavailable, Retryable: method == http.MethodGet, Err: err,
		HTTPStatus: resp.StatusCode, Message: fmt.Sprintf("%s %s: Twilio answered %d with a body that is not JSON",
			method, path, resp.StatusCode)}
}

// callRaw is call answering the raw JSON object, read into buf, for
// callers that decode only the parts they need (a list page); nil stands
// for what call answers as a nil map. The answer is valid until buf is
// reused.
func (x *Executor) callRaw(ctx context.Context, method, host, path string, query url.Values, buf *bytes.Buffer) ([]byte, error) {
	resp, err := x.send(ctx, method, host, path, query, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return readObject(resp, method, path, buf)
}

// pageBuffers keeps page buffers between scans: a page of 1000 rows is
// about a megabyte, which would otherwise be allocated for every page.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBuffer = 8 << 20

func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBuffer {
		buf.Reset()
		pageBuffers.Put(buf)
	}
}

// readObject reads the answer as decodeBody would decode it, but keeps it
// as JSON text: the same bodies are accepted and refused with the same
// errors. The usual body, one valid object, costs one validating pass; any
// other is handed to a json.Decoder, as before, to judge.
func readObject(resp *http.Response, method, path string, buf *bytes.Buffer) ([]byte, error) {
	if resp.StatusCode == http.StatusNoContent {
		return nil, nil
	}
	buf.Reset()
	if n := resp.ContentLength; n > 0 && n <= maxResponseBytes {
		buf.Grow(int(n) + bytes.MinRead) // ReadFrom wants room to see the end
	}
	_, readErr := buf.ReadFrom(io.LimitReader(resp.Body, maxResponseBytes))
	raw := buf.Bytes()
	if readErr != nil || !rawjson.Valid(raw) {
		var err error
		if raw, err = firstValue(raw); readErr != nil && err != nil {
			return nil, notJSON(resp, method, path, readErr) // the decoder would have met it too
		}
		if err != nil || raw == nil {
			return nil, notJSONUnlessEOF(resp, method, path, err)
		}
	}
	if raw = bytes.TrimSpace(raw); raw[0] != '{' {
		// null decodes to a nil map; anything else is decodeBody's error.
		var m map[string]any
		return nil, notJSONUnlessEOF(resp, method, path, json.Unmarshal(raw, &m))
	}
	return raw, nil
}

// firstValue is the first JSON value of b, as json.Decoder reads it (it
// ignores what follows); nil and io.EOF for a blank body.
func firstValue(b []byte) ([]byte, error) {
	var raw json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&raw); err != nil {
		return nil, err
	}
	return raw, nil
}

func notJSONUnlessEOF(resp *http.Response, method, path string, err error) error {
	if err == nil || err == io.EOF {
		return nil
	}
	return notJSON(resp, method, path, err)
}

// path fills an entity path template: {AccountSid}, then the named values.
// A placeholder without a value is the caller's bug or the task's fault;
// the caller checks parents before calling.
func (x *Executor) path(tmpl string, values map[string]string) string {
	out := strings.ReplaceAll(tmpl, "{AccountSid}", url.PathEscape(x.AccountSID))
	for k, v := range values {
		out = strings.ReplaceAll(out, "{"+k+"}", url.PathEscape(v))
	}
	return out
}
