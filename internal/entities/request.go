package entities

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/codes"
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
		// The request succeeded; only a read is safe to repeat.
		return &codes.Error{Code: codes.Unavailable, Retryable: method == http.MethodGet, Err: err,
			HTTPStatus: resp.StatusCode, Message: fmt.Sprintf("%s %s: Twilio answered %d with a body that is not JSON",
				method, path, resp.StatusCode)}
	}
	return nil
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
