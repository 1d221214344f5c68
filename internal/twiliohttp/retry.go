package twiliohttp

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/connectorworks/twilio-worker/internal/codes"
)

// RetryConfig sets how Retry retries. The zero value uses the defaults
// documented on each field.
type RetryConfig struct {
	MaxAttempts    int           // attempts in all, first included; 0 → 6
	BaseDelay      time.Duration // first backoff; 0 → 200 ms
	MaxDelay       time.Duration // longest backoff or Retry-After honoured; 0 → 20 s
	AttemptTimeout time.Duration // bound of one attempt; 0 → 30 s
	// OnThrottle is called on every 429 (the limiter slows down for a while).
	OnThrottle func()
	// OnRetry, when set, hears of every attempt about to be repeated, with
	// why: "throttled" (429), "not_sent" (no connection, or the limiter's
	// wait outlived the attempt), "server_error" (5xx) or "failed" (a
	// GET or DELETE that timed out or lost its connection).
	OnRetry func(reason string)
}

// Retry retries what Twilio did not process, and reads only what is safe
// to repeat (docs/architecture.md, decision 5):
//   - 429 and connection failures before anything was sent, for every
//     method, honouring Retry-After;
//   - 5xx and attempt timeouts only for GET and DELETE: a create or update
//     that got one may have happened, so its outcome is reported as
//     unknown instead of repeated.
//
// Backoff is exponential with full jitter, and never waits past the
// request's deadline. Each attempt crosses next (the limiter), so retries
// pay their token. It must sit outside BufferErrors so the responses it
// drops have already released their connection and limiter slot.
func Retry(next http.RoundTripper, cfg RetryConfig) http.RoundTripper {
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 6
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 200 * time.Millisecond
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 20 * time.Second
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = 30 * time.Second
	}
	return &retry{next: next, cfg: cfg}
}

type retry struct {
	next http.RoundTripper
	cfg  RetryConfig
}

func (r *retry) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		resp, err := r.attempt(req)
		wait, again := r.decide(req, resp, err, attempt)
		if !again || !r.sleep(req.Context(), wait) {
			return resp, err
		}
		if r.cfg.OnRetry != nil {
			r.cfg.OnRetry(retryReason(resp, err))
		}
		if resp != nil {
			resp.Body.Close()
		}
	}
}

// attempt sends one try with its own timeout and a fresh body.
func (r *retry) attempt(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), r.cfg.AttemptTimeout)
	try := req.WithContext(ctx) // shallow: only the context and body differ
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, err
		}
		try.Body = body
	}
	resp, err := r.next.RoundTrip(try)
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// decide says whether to try again, and after how long.
func (r *retry) decide(req *http.Request, resp *http.Response, err error, attempt int) (time.Duration, bool) {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests && r.cfg.OnThrottle != nil {
		r.cfg.OnThrottle() // even on the last attempt: the pace must still slow
	}
	if attempt >= r.cfg.MaxAttempts || req.Context().Err() != nil || (req.Body != nil && req.GetBody == nil) {
		return 0, false
	}
	idempotent := req.Method == http.MethodGet || req.Method == http.MethodDelete
	if ce, ok := codes.As(err); ok && !ce.Retryable {
		return 0, false // a failure that says it is final (a proxy refusing the credentials)
	}
	switch {
	case err != nil && notSent(err):
	case err != nil:
		if !idempotent {
			return 0, false
		}
	case resp.StatusCode == http.StatusTooManyRequests:
		if d, ok := retryAfter(resp); ok {
			return min(d, r.cfg.MaxDelay), true
		}
	case resp.StatusCode >= 500 && idempotent:
	default:
		return 0, false
	}
	return r.backoff(attempt), true
}

// retryReason names why decide chose to try again.
func retryReason(resp *http.Response, err error) string {
	switch {
	case err != nil && notSent(err):
		return "not_sent"
	case err != nil:
		return "failed"
	case resp.StatusCode == http.StatusTooManyRequests:
		return "throttled"
	}
	return "server_error"
}

// backoff is full jitter over an exponential bound.
func (r *retry) backoff(attempt int) time.Duration {
	bound := r.cfg.BaseDelay << min(attempt-1, 16)
	bound = min(bound, r.cfg.MaxDelay)
	return time.Duration(rand.Int64N(int64(bound)) + 1)
}

// sleep waits d unless the deadline would pass first (then there is no
// point: the task is answered now with what Twilio said).
func (r *retry) sleep(ctx context.Context, d time.Duration) bool {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func retryAfter(resp *http.Response) (time.Duration, bool) {
	v := resp.Header.Get("Retry-After")
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// notSent reports failures before the request left: refused connections,
// DNS failures, dial errors.
func notSent(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dnsErr) || (errors.As(err, &opErr) && opErr.Op == "dial") ||
		errors.Is(err, codes.ErrNotSent) // the limiter's wait outlived the attempt's timeout
}

// cancelOnClose ends an attempt's context when its body is closed, so the
// timeout does not cut off a body still being read.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
