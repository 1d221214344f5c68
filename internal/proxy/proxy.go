// Package proxy sends the worker's Twilio requests through an HTTP proxy,
// as the managed connector's proxy settings do: the proxy's address
// (http:// or, for a proxy that speaks TLS, https://), its authentication
// (NONE, BASIC sent up front, or DIGEST answering the proxy's 407
// challenge, RFC 7616) and the SSL type, which decides how requests cross
// it:
//
//	AUTO    TUNNEL for https:// Twilio URLs, NEVER for http:// ones
//	ALWAYS  TLS to the proxy, requests tunnelled through CONNECT
//	NEVER   plain HTTP to the proxy, requests in absolute form (http:// Twilio URLs only)
//	TUNNEL  CONNECT to the proxy, then the request through the tunnel
//
// A refused password (a 407 after the challenge was answered) is re-read
// from its Source once, then reported as UNAUTHENTICATED naming the proxy,
// never the password; a proxy that cannot be reached is UNAVAILABLE and
// retryable, with nothing sent.
package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/secret"
)

// Scheme is the proxy's authentication scheme.
type Scheme string

// The authentication schemes.
const (
	None   Scheme = "NONE"
	Basic  Scheme = "BASIC"
	Digest Scheme = "DIGEST"
)

// SSLType is how requests cross the proxy (the package doc).
type SSLType string

// The SSL types.
const (
	Auto   SSLType = "AUTO"
	Always SSLType = "ALWAYS"
	Never  SSLType = "NEVER"
	Tunnel SSLType = "TUNNEL"
)

// ParseScheme accepts NONE, BASIC or DIGEST in any case ("" is NONE).
func ParseScheme(s string) (Scheme, bool) {
	switch v := Scheme(strings.ToUpper(strings.TrimSpace(s))); v {
	case "":
		return None, true
	case None, Basic, Digest:
		return v, true
	}
	return "", false
}

// ParseSSLType accepts AUTO, ALWAYS, NEVER or TUNNEL in any case ("" is AUTO).
func ParseSSLType(s string) (SSLType, bool) {
	switch v := SSLType(strings.ToUpper(strings.TrimSpace(s))); v {
	case "":
		return Auto, true
	case Auto, Always, Never, Tunnel:
		return v, true
	}
	return "", false
}

// ParseURL checks a proxy URL: http:// or https://, a host and a port,
// nothing else. User and password belong in their own settings: a URL
// with an "@" is refused without being shown.
func ParseURL(s string) (*url.URL, error) {
	const form = "must be http://host:port or https://host:port (https: the proxy speaks TLS)"
	if strings.Contains(s, "@") {
		return nil, fmt.Errorf("%s without user:password@ (set the proxy user and password in their own settings; the value is not shown)", form)
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%s; %q does not parse", form, s)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Port() == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%s, got %q", form, s)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// Config is one proxy.
type Config struct {
	URL      *url.URL // http or https, host:port (ParseURL)
	Auth     Scheme
	User     string
	Password *secret.Source // nil with None
	SSLType  SSLType
	// TLS configures the TLS connection to a proxy that speaks it
	// (RootCAs for a private CA); nil means the system's roots. The
	// ServerName defaults to the proxy's host.
	TLS *tls.Config
	// DialTimeout bounds connecting to the proxy (and its TLS handshake);
	// 0 means 30 s.
	DialTimeout time.Duration
}

// Check reports what is wrong with using the proxy for Twilio URLs of
// the given scheme (http or https), phrased for the settings.
func (c Config) Check(twilioScheme string) error {
	if c.SSLType == Never && twilioScheme == "https" {
		return errors.New("NEVER sends requests to the proxy in plain HTTP, which would expose the Twilio " +
			"credentials of an https:// Twilio URL: use AUTO or TUNNEL")
	}
	if c.SSLType == Never && c.URL != nil && c.URL.Scheme == "https" {
		return errors.New("NEVER means plain HTTP to the proxy, but the proxy URL is https://: use ALWAYS or TUNNEL")
	}
	return nil
}

// tlsToProxy: the connection to the proxy itself is TLS.
func (c Config) tlsToProxy() bool { return c.SSLType == Always || c.URL.Scheme == "https" }

// tunnels says whether a request for scheme goes through CONNECT.
func (c Config) tunnels(scheme string) bool {
	switch c.SSLType {
	case Always, Tunnel:
		return true
	case Never:
		return false
	}
	return scheme == "https"
}

// ErrAuth marks a proxy's refusal of the credentials (HTTP 407).
var ErrAuth = errors.New("the proxy refused the credentials")

// Transport sends requests through the proxy. Build it with New.
type Transport struct {
	cfg      Config
	tunnel   *http.Transport // Proxy nil; DialContext opens a CONNECT tunnel
	absolute *http.Transport // Proxy set: requests in absolute form
	digest   digest
}

// New returns a Transport over clones of base (its pool sizes and
// timeouts, and its TLSClientConfig for Twilio's hosts), routing every
// request through the proxy.
func New(cfg Config, base *http.Transport) *Transport {
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 30 * time.Second
	}
	t := &Transport{cfg: cfg}
	t.tunnel = base.Clone()
	t.tunnel.Proxy = nil
	t.tunnel.DialContext = t.dialTunnel
	t.tunnel.OnProxyConnectResponse = nil
	t.absolute = base.Clone()
	plain := &url.URL{Scheme: "http", Host: cfg.URL.Host} // TLS, when wanted, is dialProxy's
	t.absolute.Proxy = func(*http.Request) (*url.URL, error) { return plain, nil }
	t.absolute.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) { return t.dialProxy(ctx) }
	return t
}

// Describe names the proxy for messages: its URL, user and scheme, never
// the password.
func (t *Transport) Describe() string {
	s := t.cfg.URL.String()
	if t.cfg.Auth != None {
		s += fmt.Sprintf(" (user %q, %s)", t.cfg.User, t.cfg.Auth)
	}
	return s
}

// Describe names the proxy for logs: URL, user, schemes; never the password.
func (c Config) Describe() string {
	return fmt.Sprintf("%s (auth %s, user %q, SSL type %s)", c.URL, c.Auth, c.User, c.SSLType)
}

// CloseIdleConnections closes the idle pooled connections.
func (t *Transport) CloseIdleConnections() {
	t.tunnel.CloseIdleConnections()
	t.absolute.CloseIdleConnections()
}

// RoundTrip sends req through the proxy.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.cfg.tunnels(req.URL.Scheme) {
		return t.tunnel.RoundTrip(req)
	}
	if req.URL.Scheme != "http" {
		closeBody(req)
		return nil, &codes.Error{Code: codes.FailedPrecondition, Err: codes.ErrNotSent,
			Message: "the proxy's SSL type NEVER cannot carry an https:// request without exposing it; use AUTO or TUNNEL"}
	}
	return t.roundTripAbsolute(req)
}

// roundTripAbsolute sends an http:// request in absolute form, answering a
// 407: once with a Digest answer to a new challenge, once more with a
// re-read password.
func (t *Transport) roundTripAbsolute(req *http.Request) (*http.Response, error) {
	uri := req.URL.Scheme + "://" + req.URL.Host + req.URL.RequestURI()
	pw := t.cfg.Password.Get()
	answered, reread := false, false
	for {
		try := req.Clone(req.Context())
		if (answered || reread) && req.Body != nil { // sent again: a fresh body
			if req.GetBody == nil {
				return nil, t.authError("the request body cannot be sent twice")
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			try.Body = body
		}
		nonce := t.authorize(try.Header, req.Method, uri, pw)
		resp, err := t.absolute.RoundTrip(try)
		if err != nil || resp.StatusCode != http.StatusProxyAuthRequired {
			return resp, err
		}
		hdr := resp.Header
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		next, again := t.after407(req.Context(), hdr, nonce, pw, &answered, &reread)
		if !again {
			closeBody(req)
			return nil, t.authError(next)
		}
		pw = t.cfg.Password.Get()
	}
}

// after407 decides what follows a 407: answer a new Digest challenge (once
// per nonce), or re-read the password (once). It returns whether to try
// again, or the reason not to.
func (t *Transport) after407(ctx context.Context, h http.Header, nonce string, pw secret.String, answered, reread *bool) (string, bool) {
	if t.cfg.Auth == None {
		return "it requires authentication but PROXY_AUTH_SCHEME is NONE", false
	}
	if t.cfg.Auth == Digest {
		c, ok := parseChallenges(h)
		if !ok {
			return "it offers no Digest challenge (PROXY_AUTH_SCHEME is DIGEST)", false
		}
		if t.digest.update(c, nonce) && !*answered {
			*answered = true
			return "", true
		}
	} else if !offersScheme(h, "Basic") {
		return "it does not offer Basic authentication (PROXY_AUTH_SCHEME is BASIC)", false
	}
	if !*reread {
		*reread = true
		if _, changed, _ := t.cfg.Password.Refresh(ctx, pw); changed {
			*answered = false // the new password answers the current challenge
			return "", true
		}
	}
	return "", false
}

// authorize sets Proxy-Authorization for one request (or CONNECT) and
// returns the Digest nonce it used.
func (t *Transport) authorize(h http.Header, method, uri string, pw secret.String) string {
	switch t.cfg.Auth {
	case Basic:
		h.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(t.cfg.User+":"+pw.Reveal())))
	case Digest:
		if v, nonce := t.digest.authorization(method, uri, t.cfg.User, pw.Reveal()); v != "" {
			h.Set("Proxy-Authorization", v)
			return nonce
		}
	}
	return ""
}

// authError is the 407 that stays: UNAUTHENTICATED, naming the proxy and
// the user, never the password; nothing reached Twilio.
func (t *Transport) authError(why string) error {
	msg := "the proxy " + t.Describe() + " refused the credentials (HTTP 407)"
	if why != "" {
		msg += ": " + why
	}
	if t.cfg.Auth != None {
		msg += "; check PROXY_USER and PROXY_PASSWORD or PROXY_PASSWORD_SECRET (the password is not shown)"
	}
	return &codes.Error{Code: codes.Unauthenticated, Message: msg + "; nothing was sent to Twilio",
		Err: fmt.Errorf("%w (%w)", ErrAuth, codes.ErrNotSent)}
}

// dialProxy connects to the proxy, with TLS when the proxy speaks it.
// Failures are UNAVAILABLE, retryable, nothing sent.
func (t *Transport) dialProxy(ctx context.Context) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.DialTimeout)
	defer cancel()
	d := net.Dialer{KeepAlive: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", t.cfg.URL.Host)
	if err != nil {
		return nil, t.unreachable(err)
	}
	if !t.cfg.tlsToProxy() {
		return conn, nil
	}
	tc := &tls.Config{}
	if t.cfg.TLS != nil {
		tc = t.cfg.TLS.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = t.cfg.URL.Hostname()
	}
	tlsConn := tls.Client(conn, tc)
	if err := tlsConn.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, t.unreachable(fmt.Errorf("TLS with the proxy: %w", err))
	}
	return tlsConn, nil
}

func (t *Transport) unreachable(err error) error {
	return &codes.Error{Code: codes.Unavailable, Retryable: true,
		Message: fmt.Sprintf("could not connect to the proxy %s (%v); nothing was sent to Twilio, retry later", t.cfg.URL, err),
		Err:     fmt.Errorf("proxy %s: %w (%w)", t.cfg.URL, err, codes.ErrNotSent)}
}

// dialTunnel opens a CONNECT tunnel to addr through the proxy, answering
// 407s as roundTripAbsolute does.
func (t *Transport) dialTunnel(ctx context.Context, _, addr string) (net.Conn, error) {
	pw := t.cfg.Password.Get()
	answered, reread := false, false
	for {
		conn, err := t.dialProxy(ctx)
		if err != nil {
			return nil, err
		}
		hdr := http.Header{}
		nonce := t.authorize(hdr, http.MethodConnect, addr, pw)
		tunnel, resp, err := connect(ctx, conn, addr, hdr)
		if err != nil {
			return nil, t.unreachable(fmt.Errorf("CONNECT %s: %w", addr, err))
		}
		switch {
		case tunnel != nil:
			return tunnel, nil
		case resp.StatusCode != http.StatusProxyAuthRequired:
			return nil, &codes.Error{Code: codes.Unavailable, Retryable: true,
				Message: fmt.Sprintf("the proxy %s could not open a tunnel to %s (HTTP %s); nothing was sent to Twilio, retry later",
					t.cfg.URL, addr, resp.Status),
				Err: fmt.Errorf("proxy CONNECT %s: %s (%w)", addr, resp.Status, codes.ErrNotSent)}
		}
		why, again := t.after407(ctx, resp.Header, nonce, pw, &answered, &reread)
		if !again {
			return nil, t.authError(why)
		}
		pw = t.cfg.Password.Get()
	}
}

// connect sends CONNECT addr on conn. On 200 it returns the tunnel;
// otherwise it closes conn and returns the proxy's answer (body drained).
func connect(ctx context.Context, conn net.Conn, addr string, h http.Header) (net.Conn, *http.Response, error) {
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: addr}, Host: addr, Header: h}
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, nil, err
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		conn.Close()
		return nil, resp, nil
	}
	if !stop() {
		conn.Close()
		return nil, nil, ctx.Err()
	}
	conn.SetDeadline(time.Time{})
	if br.Buffered() > 0 {
		return &bufferedConn{Conn: conn, r: br}, resp, nil
	}
	return conn, resp, nil
}

// bufferedConn reads what the proxy sent after its 200 first.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (b *bufferedConn) Read(p []byte) (int, error) { return b.r.Read(p) }

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
