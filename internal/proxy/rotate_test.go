package proxy_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/proxy"
	"github.com/connectorworks/twilio-worker/internal/secret"
)

// fakeProxy is a minimal forward proxy demanding Basic credentials whose
// password the test changes: absolute-form requests and CONNECT.
type fakeProxy struct {
	mu       sync.Mutex
	password string
	refused  atomic.Int32
}

func (p *fakeProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	want := p.password
	p.mu.Unlock()
	req := &http.Request{Header: http.Header{"Authorization": r.Header.Values("Proxy-Authorization")}}
	if u, pw, ok := req.BasicAuth(); !ok || u != user || pw != want {
		p.refused.Add(1)
		w.Header().Set("Proxy-Authenticate", `Basic realm="fake"`)
		w.WriteHeader(http.StatusProxyAuthRequired)
		return
	}
	if r.Method == http.MethodConnect {
		target, err := net.Dial("tcp", r.Host)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			target.Close()
			return
		}
		go func() { _, _ = io.Copy(target, conn); target.Close() }()
		_, _ = io.Copy(conn, target)
		conn.Close()
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Header.Del("Proxy-Authorization")
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// TestPasswordRotation: the proxy's password changes; the next 407 re-reads
// the secret once and the request goes through with the new one, in both
// forms; a second change within the interval is not re-read.
func TestPasswordRotation(t *testing.T) {
	b := newBackends(t)
	fp := &fakeProxy{password: "old"}
	srv := httptest.NewServer(fp)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	var mu sync.Mutex
	stored := "old"
	reads := 0
	src := secret.NewSource(secret.New("old"), func(context.Context) (secret.String, error) {
		mu.Lock()
		defer mu.Unlock()
		reads++
		return secret.New(stored), nil
	}, time.Hour)
	for _, ssl := range []proxy.SSLType{proxy.Never, proxy.Tunnel} {
		rt := proxy.New(proxy.Config{URL: u, Auth: proxy.Basic, User: user, Password: src, SSLType: ssl}, b.base())
		if _, err := do(t, rt, "POST", b.plain.URL+"/before"); err != nil {
			t.Fatalf("%s before the rotation: %v", ssl, err)
		}
		rt.CloseIdleConnections()
	}
	fp.mu.Lock()
	fp.password = "new"
	fp.mu.Unlock()
	mu.Lock()
	stored = "new"
	mu.Unlock()
	for _, ssl := range []proxy.SSLType{proxy.Never, proxy.Tunnel} {
		rt := proxy.New(proxy.Config{URL: u, Auth: proxy.Basic, User: user, Password: src, SSLType: ssl}, b.base())
		if _, err := do(t, rt, "POST", b.plain.URL+"/after"); err != nil {
			t.Fatalf("%s after the rotation: %v", ssl, err)
		}
		rt.CloseIdleConnections()
	}
	if reads != 1 || fp.refused.Load() != 1 {
		t.Errorf("%d re-reads, %d refusals; want 1 and 1", reads, fp.refused.Load())
	}
	fp.mu.Lock()
	fp.password = "newer" // rotated again, within the minute: not re-read
	fp.mu.Unlock()
	rt := proxy.New(proxy.Config{URL: u, Auth: proxy.Basic, User: user, Password: src, SSLType: proxy.Never}, b.base())
	_, err := do(t, rt, "GET", b.plain.URL+"/again")
	checkAuthError(t, err, u.String())
	if reads != 1 {
		t.Errorf("%d re-reads, want still 1 within the interval", reads)
	}
}
