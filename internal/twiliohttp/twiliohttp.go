// Package twiliohttp builds the HTTP side of the Twilio client: the
// transports that send twilio-go's requests to the configured base URL,
// carry each task's context, and keep error bodies from pinning
// connections; and the per-task twilio-go request handler over them.
//
// Transport order, outermost first (cmd/worker composes it):
//
//	contextTransport → Retry → BufferErrors → limiter.Transport → MarkSent → Rewrite → *http.Transport
//
// Retry sits outside the limiter so every retry pays its token. MarkSent
// sits inside it, so a request is announced only once it has its turn.
// BufferErrors sits outside the limiter because twilio-go never closes an
// error response's body: reading and closing it here releases the
// limiter's in-flight slot and lets the connection be reused.
package twiliohttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/sendmark"
)

// DefaultBaseURL is Twilio's API host; every product host is rewritten to
// the configured base when it differs (simulators, test proxies).
const DefaultBaseURL = "https://api.twilio.com"

// maxErrorBody bounds how much of an error body is kept.
const maxErrorBody = 64 << 10

// ParseBaseURL checks a --twilio-base-url value: scheme://host[:port] and
// nothing else. Its errors quote the value only when it cannot hold a
// password: a value with an "@" (user info, or what a URL without a
// scheme parses as one) is described, never shown.
func ParseBaseURL(s string) (*url.URL, error) {
	const form = "must be scheme://host[:port] with scheme http or https"
	u, err := url.Parse(s)
	switch {
	case strings.Contains(s, "@"):
		return nil, fmt.Errorf("%s and no user:password@ (the value is not shown, as it may hold a password; "+
			"the worker signs requests with the Account SID and auth token)", form)
	case err != nil:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the *url.Error repeats the value
		}
		return nil, fmt.Errorf("%s; %q does not parse: %v", form, s, err)
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return nil, fmt.Errorf("%s, got %q", form, s)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return nil, fmt.Errorf("%s only: drop the path, query or fragment of %q", form, u.Scheme+"://"+u.Host)
	}
	return u, nil
}

// NewBase returns the innermost transport: a tuned *http.Transport whose
// idle pool matches the in-flight cap (Go's default of 2 idle connections
// per host would open a new TLS connection for most requests).
func NewBase(maxConns int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = maxConns * 2
	t.MaxIdleConnsPerHost = maxConns
	t.IdleConnTimeout = 90 * time.Second
	return t
}

// Rewrite sends every request to base's scheme and host, keeping the path
// and query. With base nil, requests pass unchanged.
func Rewrite(base *url.URL, next http.RoundTripper) http.RoundTripper {
	if base == nil {
		return next
	}
	return rewrite{base: base, next: next}
}

type rewrite struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip sends a shallow copy of req with its own URL: a RoundTripper
// must not change the caller's request, and only the URL and Host differ
// (a deep Clone copied every header of every request for nothing).
func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	out := *req
	u := *req.URL
	u.Scheme, u.Host = r.base.Scheme, r.base.Host
	out.URL, out.Host = &u, r.base.Host
	return r.next.RoundTrip(&out)
}

// MarkSent tells the task (sendmark.Sending) that a request which can
// change something (any method but GET and HEAD) is about to leave, and
// does not send it when the task refuses; it tells the task again
// (sendmark.Unprocessed) when the request certainly had no effect: Twilio
// answered 429, or the connection was never made. It goes below the
// limiter, so a request still waiting for the rate budget, or for its
// retry after a 429, is not counted as sent: if the worker dies then, the
// task store knows the create never took effect.
func MarkSent(next http.RoundTripper) http.RoundTripper { return markSent{next} }

type markSent struct{ next http.RoundTripper }

func (m markSent) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		return m.next.RoundTrip(req)
	}
	ctx := req.Context()
	if err := sendmark.Sending(ctx); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("not sending %s %s: %w (%w)", req.Method, req.URL.Path, err, codes.ErrNotSent)
	}
	if err := ctx.Err(); err != nil { // ended while the mark was written: do not send now
		sendmark.Unprocessed(ctx)
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("not sending %s %s: %w (%w)", req.Method, req.URL.Path, err, codes.ErrNotSent)
	}
	resp, err := m.next.RoundTrip(req)
	if (err != nil && notSent(err)) || (err == nil && resp.StatusCode == http.StatusTooManyRequests) {
		sendmark.Unprocessed(ctx)
	}
	return resp, err
}

// BufferErrors reads (bounded) and closes the body of every response with
// status ≥ 400 and hands back an in-memory copy.
func BufferErrors(next http.RoundTripper) http.RoundTripper { return bufferErrors{next} }

type bufferErrors struct{ next http.RoundTripper }

func (b bufferErrors) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := b.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody)) // drain a little more for reuse
	resp.Body.Close()
	if rerr != nil {
		return nil, fmt.Errorf("reading Twilio's %d answer: %w", resp.StatusCode, rerr)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// contextTransport gives every request the task's context: twilio-go
// builds its requests with context.Background().
type contextTransport struct {
	ctx  context.Context
	next http.RoundTripper
}

func (c contextTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return c.next.RoundTrip(req.WithContext(c.ctx))
}
