package proxy

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"strings"
	"sync"
)

// This file answers HTTP Digest challenges (RFC 7616, and RFC 2617 which it
// obsoletes) from a proxy: the Proxy-Authenticate header of a 407 gives the
// realm, nonce, qop and algorithm; each answer counts its use of the nonce
// (nc), and a challenge with a new nonce (or stale=true) replaces the old.

// challenge is one parsed "Digest ..." challenge.
type challenge struct {
	realm, nonce, opaque, algorithm string
	qopAuth                         bool // the server offers qop "auth"
	stale                           bool
}

// parseChallenges returns the Digest challenge among a 407's
// Proxy-Authenticate headers, if there is one.
func parseChallenges(h http.Header) (challenge, bool) {
	for _, v := range h.Values("Proxy-Authenticate") {
		scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
		if !strings.EqualFold(scheme, "Digest") {
			continue
		}
		p := parseParams(rest)
		c := challenge{realm: p["realm"], nonce: p["nonce"], opaque: p["opaque"],
			algorithm: p["algorithm"], stale: strings.EqualFold(p["stale"], "true")}
		for _, q := range strings.Split(p["qop"], ",") {
			if strings.EqualFold(strings.TrimSpace(q), "auth") {
				c.qopAuth = true
			}
		}
		if c.nonce == "" {
			continue
		}
		return c, true
	}
	return challenge{}, false
}

// offersBasic reports whether a 407 offers the Basic scheme.
func offersScheme(h http.Header, scheme string) bool {
	for _, v := range h.Values("Proxy-Authenticate") {
		s, _, _ := strings.Cut(strings.TrimSpace(v), " ")
		if strings.EqualFold(s, scheme) {
			return true
		}
	}
	return false
}

// parseParams reads comma-separated auth-params, name=token or
// name="quoted string" (RFC 7235 §2.1).
func parseParams(s string) map[string]string {
	out := map[string]string{}
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return out
		}
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			return out
		}
		name := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " \t")
		var val string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			val, s = b.String(), s[min(i+1, len(s)):]
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			val, s = strings.TrimSpace(s[:end]), s[end:]
		}
		out[name] = val
	}
}

// digest holds the current challenge and the nonce count; it is shared by
// every request through one proxy. Safe for concurrent use.
type digest struct {
	mu sync.Mutex
	ch challenge
	nc uint32
	ok bool // a challenge has been seen
}

// update takes a new challenge and reports whether it is worth answering:
// it differs from the one the failed answer used (a new or stale nonce).
// usedNonce is the nonce of the answer the proxy refused ("" when none
// was sent).
func (d *digest) update(c challenge, usedNonce string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.ok || d.ch.nonce != c.nonce {
		d.ch, d.nc, d.ok = c, 0, true
	}
	return c.stale || c.nonce != usedNonce
}

// authorization returns the Proxy-Authorization value for method and uri
// under the current challenge, and the nonce it used; "" when no challenge
// has been seen yet.
func (d *digest) authorization(method, uri, user, password string) (string, string) {
	d.mu.Lock()
	if !d.ok {
		d.mu.Unlock()
		return "", ""
	}
	c := d.ch
	d.nc++
	nc := d.nc
	d.mu.Unlock()
	return answer(c, method, uri, user, password, nc, cnonce()), c.nonce
}

// answer computes the Digest credentials (RFC 7616 §3.4).
func answer(c challenge, method, uri, user, password string, nc uint32, cnonce string) string {
	alg := strings.ToUpper(c.algorithm)
	var newHash func() hash.Hash = md5.New
	if strings.HasPrefix(alg, "SHA-256") {
		newHash = sha256.New
	}
	h := func(s string) string {
		x := newHash()
		x.Write([]byte(s))
		return hex.EncodeToString(x.Sum(nil))
	}
	ha1 := h(user + ":" + c.realm + ":" + password)
	if strings.HasSuffix(alg, "-SESS") {
		ha1 = h(ha1 + ":" + c.nonce + ":" + cnonce)
	}
	ha2 := h(method + ":" + uri)
	ncs := fmt.Sprintf("%08x", nc)
	var resp string
	if c.qopAuth {
		resp = h(ha1 + ":" + c.nonce + ":" + ncs + ":" + cnonce + ":auth:" + ha2)
	} else {
		resp = h(ha1 + ":" + c.nonce + ":" + ha2)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `Digest username=%s, realm=%s, nonce=%s, uri=%s, response="%s"`,
		quote(user), quote(c.realm), quote(c.nonce), quote(uri), resp)
	if c.algorithm != "" {
		fmt.Fprintf(&b, ", algorithm=%s", c.algorithm)
	}
	if c.qopAuth {
		fmt.Fprintf(&b, `, qop=auth, nc=%s, cnonce="%s"`, ncs, cnonce)
	}
	if c.opaque != "" {
		fmt.Fprintf(&b, ", opaque=%s", quote(c.opaque))
	}
	return b.String()
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func cnonce() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
