// Package squidtest starts a real squid (Debian's package) for the proxy
// tests: on free loopback ports, with a generated minimal configuration
// (no cache, CONNECT allowed to any port, one authentication scheme), an
// access log the test reads, and, for proxies that speak TLS, an
// https_port with a generated certificate. Squid is found on PATH or in
// /usr/sbin (SQUID_BIN overrides); without it the test skips, or fails
// when REQUIRE_SQUID=1 (scripts/test.sh sets it).
package squidtest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Auth is the scheme squid demands: "none", "basic" (basic_ncsa_auth with
// an apr1 htpasswd file) or "digest" (digest_file_auth with a plain
// password file).
type Auth string

// The schemes.
const (
	None   Auth = "none"
	Basic  Auth = "basic"
	Digest Auth = "digest"
)

// Options configure one squid.
type Options struct {
	Auth           Auth
	User, Password string
	// NonceMaxCount makes digest nonces go stale after so many uses (squid's
	// nonce_max_count; 0 leaves squid's default of 50).
	NonceMaxCount int
}

// Squid is a running squid.
type Squid struct {
	HTTP    *url.URL // http://127.0.0.1:port
	HTTPS   *url.URL // https://127.0.0.1:port (TLS to the proxy)
	CAPool  *x509.CertPool
	dir     string
	Version string
}

// Binary returns squid's path, skipping or failing the test without it.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("SQUID_BIN"); p != "" {
		return p
	}
	if p, err := exec.LookPath("squid"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/squid"); err == nil {
		return "/usr/sbin/squid"
	}
	if os.Getenv("REQUIRE_SQUID") == "1" {
		t.Fatal("REQUIRE_SQUID=1 but squid is not installed (Debian: apt-get install squid; scripts/deps.sh installs it)")
	}
	t.Skip("squid is not installed (apt-get install squid, or run scripts/test.sh)")
	return ""
}

// helper returns the path of one of squid's helpers.
func helper(t testing.TB, name string) string {
	t.Helper()
	for _, dir := range []string{os.Getenv("SQUID_HELPER_DIR"), "/usr/lib/squid", "/usr/lib64/squid", "/usr/libexec/squid"} {
		if dir == "" {
			continue
		}
		if p := filepath.Join(dir, name); fileExists(p) {
			return p
		}
	}
	t.Fatalf("squid's helper %s was not found in /usr/lib/squid (SQUID_HELPER_DIR overrides)", name)
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// Start runs squid until the test ends.
func Start(t testing.TB, o Options) *Squid {
	t.Helper()
	bin := Binary(t)
	// Squid started as root runs as user proxy: its folder must be open to it.
	dir, err := os.MkdirTemp("", "squidtest")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	must(t, os.Chmod(dir, 0o777))
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, []byte(content), 0o644))
		must(t, os.Chmod(p, 0o644))
		return p
	}
	s := &Squid{dir: dir}
	certPEM, keyPEM, pool := selfSigned(t)
	s.CAPool = pool
	cert, key := write("cert.pem", certPEM), write("key.pem", keyPEM)
	httpPort, httpsPort := freePort(t), freePort(t)
	s.HTTP = &url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", httpPort)}
	s.HTTPS = &url.URL{Scheme: "https", Host: fmt.Sprintf("127.0.0.1:%d", httpsPort)}

	var auth string
	switch o.Auth {
	case Basic:
		pw := write("htpasswd", o.User+":"+APR1(o.Password, salt())+"\n")
		auth = fmt.Sprintf("auth_param basic program %s %s\nauth_param basic realm twilio-worker-test\n"+
			"auth_param basic credentialsttl 1 second\nacl authed proxy_auth REQUIRED\nhttp_access allow authed\n",
			helper(t, "basic_ncsa_auth"), pw)
	case Digest:
		pw := write("digest_passwd", o.User+":"+o.Password+"\n")
		auth = fmt.Sprintf("auth_param digest program %s %s\nauth_param digest realm twilio-worker-test\n",
			helper(t, "digest_file_auth"), pw)
		if o.NonceMaxCount > 0 {
			auth += fmt.Sprintf("auth_param digest nonce_max_count %d\n", o.NonceMaxCount)
		}
		auth += "acl authed proxy_auth REQUIRED\nhttp_access allow authed\n"
	default:
		auth = "http_access allow all\n"
	}
	conf := write("squid.conf", fmt.Sprintf(`http_port 127.0.0.1:%d
https_port 127.0.0.1:%d tls-cert=%s tls-key=%s
visible_hostname squidtest
pid_filename %s/squid.pid
access_log stdio:%s/access.log squid
cache_log %s/cache.log
cache_store_log none
coredump_dir %s
cache deny all
strip_query_terms off
pinger_enable off
shutdown_lifetime 0 seconds
%shttp_access deny all
`, httpPort, httpsPort, cert, key, dir, dir, dir, dir, auth))

	cmd := exec.Command(bin, "-N", "-f", conf)
	out, err := os.Create(filepath.Join(dir, "stdout.log"))
	must(t, err)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its helpers die with it
	must(t, cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		out.Close()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c1, err1 := net.DialTimeout("tcp", s.HTTP.Host, time.Second)
		c2, err2 := net.DialTimeout("tcp", s.HTTPS.Host, time.Second)
		for _, c := range []net.Conn{c1, c2} {
			if c != nil {
				c.Close()
			}
		}
		if err1 == nil && err2 == nil {
			break
		}
		select {
		case <-done:
			t.Fatalf("squid exited at start:\n%s\n%s", s.readFile("stdout.log"), s.readFile("cache.log"))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("squid did not listen within 20s:\n%s", s.readFile("cache.log"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if v, err := exec.Command(bin, "-v").Output(); err == nil {
		s.Version = strings.SplitN(string(v), "\n", 2)[0]
	}
	return s
}

func (s *Squid) readFile(name string) string {
	b, _ := os.ReadFile(filepath.Join(s.dir, name))
	return string(b)
}

// AccessLog returns the access log's lines so far (squid's native format:
// time, elapsed, client, code/status, bytes, method, URL, user, hierarchy,
// type).
func (s *Squid) AccessLog() []string {
	f, err := os.Open(filepath.Join(s.dir, "access.log"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// WaitAccessLog waits (up to 5 s) until the access log has a line
// containing every one of parts, and returns it.
func (s *Squid) WaitAccessLog(parts ...string) (string, bool) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, l := range s.AccessLog() {
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(l, p)
			}
			if ok {
				return l, true
			}
		}
		if time.Now().After(deadline) {
			return "", false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// CacheLog returns squid's cache log (its own diagnostics).
func (s *Squid) CacheLog() string { return s.readFile("cache.log") }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t testing.TB) (certPEM, keyPEM string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "squidtest"},
		NotBefore:    time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	must(t, err)
	c, err := x509.ParseCertificate(der)
	must(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})), pool
}

const itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func salt() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = itoa64[int(b[i])%64]
	}
	return string(b)
}

// APR1 is Apache's MD5-based password hash ($apr1$salt$hash), which
// squid's basic_ncsa_auth accepts (its {SHA} form it does not). It is the
// FreeBSD MD5-crypt algorithm with the magic "$apr1$".
func APR1(password, salt string) string {
	const magic = "$apr1$"
	pw := []byte(password)
	sl := []byte(salt)
	if len(sl) > 8 {
		sl = sl[:8]
	}
	alt := md5.Sum(append(append(append([]byte{}, pw...), sl...), pw...))
	ctx := md5.New()
	ctx.Write(pw)
	ctx.Write([]byte(magic))
	ctx.Write(sl)
	for n := len(pw); n > 0; n -= 16 {
		ctx.Write(alt[:min(16, n)])
	}
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 != 0 {
			ctx.Write([]byte{0})
		} else {
			ctx.Write(pw[:1])
		}
	}
	final := ctx.Sum(nil)
	for i := range 1000 {
		c := md5.New()
		if i&1 != 0 {
			c.Write(pw)
		} else {
			c.Write(final)
		}
		if i%3 != 0 {
			c.Write(sl)
		}
		if i%7 != 0 {
			c.Write(pw)
		}
		if i&1 != 0 {
			c.Write(final)
		} else {
			c.Write(pw)
		}
		final = c.Sum(nil)
	}
	var out strings.Builder
	out.WriteString(magic + string(sl) + "$")
	to64 := func(v uint32, n int) {
		for ; n > 0; n-- {
			out.WriteByte(itoa64[v&0x3f])
			v >>= 6
		}
	}
	f := func(a, b, c int) uint32 { return uint32(final[a])<<16 | uint32(final[b])<<8 | uint32(final[c]) }
	to64(f(0, 6, 12), 4)
	to64(f(1, 7, 13), 4)
	to64(f(2, 8, 14), 4)
	to64(f(3, 9, 15), 4)
	to64(f(4, 10, 5), 4)
	to64(uint32(final[11]), 2)
	return out.String()
}

// CertFile is the PEM file of the certificate of the https_port, for
// clients that take a file (SSL_CERT_FILE).
func (s *Squid) CertFile() string { return filepath.Join(s.dir, "cert.pem") }
