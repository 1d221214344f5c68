package limiter

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// fakeBase is a recording RoundTripper: it counts calls and the most calls
// inside RoundTrip at once, can hold calls until hold is closed, and answers
// with err when set.
type fakeBase struct {
	hold chan struct{}
	err  error

	mu       sync.Mutex
	calls    int
	cur, max int
}

var _ http.RoundTripper = (*fakeBase)(nil)

func (f *fakeBase) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.calls++
	f.cur++
	f.max = max(f.max, f.cur)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.cur--
		f.mu.Unlock()
	}()
	if f.hold != nil {
		<-f.hold
	}
	if f.err != nil {
		return nil, f.err
	}
	body := io.NopCloser(strings.NewReader(`{"sid":"SM1"}`))
	return &http.Response{StatusCode: http.StatusOK, Body: body, Request: req}, nil
}

// counts returns calls, calls in RoundTrip now, and the most at once.
func (f *fakeBase) counts() (calls, cur, most int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls, f.cur, f.max
}

// trackedBody is a request body that records whether it was closed.
type trackedBody struct {
	io.Reader
	mu     sync.Mutex
	closed bool
}

func (b *trackedBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return nil
}

func (b *trackedBody) isClosed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed
}

// fakeClock is an injectable clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
