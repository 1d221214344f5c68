package proxy_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/proxy"
	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/squidtest"
)

const (
	user     = "alice"
	password = "Pr0xy-pw_s3cret"
)

// backends are the targets: one plain, one TLS, counting requests.
type backends struct {
	plain, tls *httptest.Server
	hits       atomic.Int32
}

func newBackends(t *testing.T) *backends {
	b := &backends{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Proxy-Authorization") != "" {
			http.Error(w, "the proxy credentials reached the target", http.StatusTeapot)
			return
		}
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.RequestURI(), body)
	})
	b.plain, b.tls = httptest.NewServer(h), httptest.NewTLSServer(h)
	t.Cleanup(b.plain.Close)
	t.Cleanup(b.tls.Close)
	return b
}

// base trusts the TLS backend's certificate.
func (b *backends) base() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: b.tls.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
	return t
}

func do(t *testing.T, rt http.RoundTripper, method, target string) (string, error) {
	t.Helper()
	req, _ := http.NewRequest(method, target, strings.NewReader("To=%2B1&Body=hi"))
	if method == http.MethodGet {
		req, _ = http.NewRequest(method, target, nil)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %s: %s", resp.Status, body)
	}
	return string(body), nil
}

// TestSquid sends GETs and POSTs through a real squid under every
// authentication scheme × SSL type, to plain and TLS targets, and finds
// each in squid's access log: absolute-form requests as their URL,
// tunnelled ones as CONNECT, with the authenticated user.
func TestSquid(t *testing.T) {
	b := newBackends(t)
	for _, auth := range []squidtest.Auth{squidtest.None, squidtest.Basic, squidtest.Digest} {
		t.Run(string(auth), func(t *testing.T) {
			sq := squidtest.Start(t, squidtest.Options{Auth: auth, User: user, Password: password, NonceMaxCount: 3})
			t.Logf("%s", sq.Version)
			scheme := map[squidtest.Auth]proxy.Scheme{squidtest.None: proxy.None, squidtest.Basic: proxy.Basic, squidtest.Digest: proxy.Digest}[auth]
			logUser := user
			if auth == squidtest.None {
				logUser = "-"
			}
			cases := []struct {
				ssl      proxy.SSLType
				proxyURL *url.URL
				target   *httptest.Server
				tunnel   bool
			}{
				{proxy.Auto, sq.HTTP, b.plain, false},
				{proxy.Auto, sq.HTTP, b.tls, true},
				{proxy.Never, sq.HTTP, b.plain, false},
				{proxy.Tunnel, sq.HTTP, b.plain, true},
				{proxy.Tunnel, sq.HTTP, b.tls, true},
				{proxy.Always, sq.HTTPS, b.plain, true},
				{proxy.Always, sq.HTTPS, b.tls, true},
				{proxy.Auto, sq.HTTPS, b.plain, false}, // an https:// proxy URL: TLS to the proxy, absolute form
				{proxy.Tunnel, sq.HTTPS, b.tls, true},
			}
			for _, c := range cases {
				name := fmt.Sprintf("%s via %s to %s", c.ssl, c.proxyURL.Scheme, strings.SplitN(c.target.URL, ":", 2)[0])
				t.Run(name, func(t *testing.T) {
					rt := proxy.New(proxy.Config{URL: c.proxyURL, Auth: scheme, User: user,
						Password: secret.Static(secret.New(password)), SSLType: c.ssl,
						TLS: &tls.Config{RootCAs: sq.CAPool}}, b.base())
					defer rt.CloseIdleConnections()
					for i, method := range []string{"GET", "POST", "GET", "POST", "GET"} { // past nonce_max_count 3
						path := fmt.Sprintf("/2010-04-01/Accounts/AC1/Messages.json?n=%d&c=%s", i, strings.ReplaceAll(name, " ", "_"))
						got, err := do(t, rt, method, c.target.URL+path)
						if err != nil {
							t.Fatalf("%s %s: %v\nsquid: %s", method, path, err, tail(sq.CacheLog()))
						}
						if !strings.HasPrefix(got, method+" "+path) {
							t.Errorf("target saw %q", got)
						}
						want := []string{method + " " + c.target.URL + path, " " + logUser + " "}
						if c.tunnel {
							// squid logs a tunnel when it closes, and a new
							// CONNECT per request exercises the nonce count.
							rt.CloseIdleConnections()
							want = []string{"CONNECT " + strings.TrimPrefix(strings.TrimPrefix(c.target.URL, "https://"), "http://"), " " + logUser + " "}
						}
						if _, ok := sq.WaitAccessLog(want...); !ok {
							t.Errorf("squid's access log has no line with %q:\n%s", want, strings.Join(sq.AccessLog(), "\n"))
						}
					}
				})
			}
			if auth == squidtest.None {
				return
			}
			for _, c := range []struct {
				ssl    proxy.SSLType
				target *httptest.Server
			}{{proxy.Never, b.plain}, {proxy.Tunnel, b.tls}, {proxy.Tunnel, b.plain}} {
				t.Run(fmt.Sprintf("wrong password %s", c.ssl), func(t *testing.T) {
					rt := proxy.New(proxy.Config{URL: sq.HTTP, Auth: scheme, User: user,
						Password: secret.Static(secret.New("wrong-" + password)), SSLType: c.ssl}, b.base())
					before := b.hits.Load()
					_, err := do(t, rt, "POST", c.target.URL+"/x")
					checkAuthError(t, err, sq.HTTP.String())
					if b.hits.Load() != before {
						t.Error("the request reached the target")
					}
				})
			}
		})
	}
}

func checkAuthError(t *testing.T, err error, proxyURL string) {
	t.Helper()
	ce, ok := codes.As(err)
	if !ok || ce.Code != codes.Unauthenticated || ce.Retryable || !errors.Is(err, proxy.ErrAuth) || !errors.Is(err, codes.ErrNotSent) {
		t.Fatalf("err = %v, want a non-retryable UNAUTHENTICATED proxy error", err)
	}
	if !strings.Contains(ce.Message, proxyURL) || !strings.Contains(ce.Message, "407") || strings.Contains(err.Error()+ce.Message, password) {
		t.Errorf("message %q: want the proxy %s and 407 named, and never the password", ce.Message, proxyURL)
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

// TestUnreachable: a proxy that does not answer is UNAVAILABLE, retryable,
// nothing sent, in both forms.
func TestUnreachable(t *testing.T) {
	b := newBackends(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	u, _ := url.Parse(dead.URL)
	for _, target := range []string{b.plain.URL, b.tls.URL} {
		rt := proxy.New(proxy.Config{URL: u, Auth: proxy.Basic, User: user, Password: secret.Static(secret.New(password)),
			SSLType: proxy.Auto}, b.base())
		_, err := do(t, rt, "POST", target+"/x")
		ce, ok := codes.As(err)
		if !ok || ce.Code != codes.Unavailable || !ce.Retryable || !errors.Is(err, codes.ErrNotSent) ||
			!strings.Contains(ce.Message, u.Host) || strings.Contains(err.Error(), password) {
			t.Errorf("%s: err = %v, want UNAVAILABLE, retryable, not sent, naming the proxy", target, err)
		}
	}
	if b.hits.Load() != 0 {
		t.Error("a request reached the target")
	}
}

func TestParse(t *testing.T) {
	for in, ok := range map[string]bool{"http://p:3128": true, "https://p:443": true, "http://p": false,
		"socks5://p:1": false, "http://u:secretpw@p:1": false, "p:3128": false, "http://p:1/x": false} {
		_, err := proxy.ParseURL(in)
		if (err == nil) != ok {
			t.Errorf("ParseURL(%q) = %v, want ok=%v", in, err, ok)
		}
		if err != nil && strings.Contains(err.Error(), "secretpw") {
			t.Errorf("ParseURL error shows the password: %v", err)
		}
	}
	if s, ok := proxy.ParseScheme("digest"); !ok || s != proxy.Digest {
		t.Error("digest")
	}
	if s, ok := proxy.ParseSSLType(""); !ok || s != proxy.Auto {
		t.Error("default SSL type")
	}
	if _, ok := proxy.ParseSSLType("SOMETIMES"); ok {
		t.Error("SOMETIMES")
	}
	u, _ := proxy.ParseURL("http://p:1")
	if err := (proxy.Config{URL: u, SSLType: proxy.Never}).Check("https"); err == nil {
		t.Error("NEVER with an https Twilio URL must be refused")
	}
	if err := (proxy.Config{URL: u, SSLType: proxy.Auto}).Check("https"); err != nil {
		t.Error(err)
	}
	_ = context.Background
}
