package speccheck

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
)

// Middleware checks each request before passing it to next and each response
// after next has written it, and records what it finds for Violations. It
// never blocks or alters traffic: next sees the same request, with its body
// rewound, and the client the same response. A request whose path or method
// the specs do not declare is recorded once, without checking its response.
func (c *Checker) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			c.record(newViolation(r, fmt.Sprintf("reading request body: %v", err)))
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		m, err := c.find(r)
		if err != nil {
			c.record(newViolation(r, err.Error()))
			next.ServeHTTP(w, r)
			return
		}
		c.record(newViolation(r, checkRequest(m, r, body)...))
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		c.record(newViolation(r, checkResponse(m, r, rec.statusCode(), w.Header(), rec.body.Bytes())...))
	})
}

// Violations returns the violations Middleware recorded since the Checker
// was loaded or last Reset, oldest first, each "METHOD /path: what was
// wrong". The slice is a copy.
func (c *Checker) Violations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.violations)
}

// Reset forgets the recorded violations, for instance between tests that
// share one Checker.
func (c *Checker) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.violations = nil
}

// record keeps err's text when err is not nil.
func (c *Checker) record(err error) {
	if err == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.violations = append(c.violations, err.Error())
}

// recorder passes a response through while keeping its status and body.
type recorder struct {
	http.ResponseWriter
	status int // 0 until WriteHeader or Write
	body   bytes.Buffer
}

// WriteHeader records the first final (non-1xx) status and passes it on.
func (w *recorder) WriteHeader(status int) {
	if w.status == 0 && status >= http.StatusOK {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write records b and passes it on; a first Write implies status 200.
func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// statusCode is the status the handler sent, 200 if it sent nothing.
func (w *recorder) statusCode() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
