package twiliohttp

import (
	"encoding/base64"
	"net/http"
	"sync/atomic"

	"github.com/connectorworks/twilio-worker/internal/secret"
)

// Reauth signs every request with HTTP Basic as user (the Account SID, or
// an API key SID) and the current value of password (the auth token or
// API secret), and answers a 401 once: it asks password for a newer value
// (a rotated Secret Manager version, re-read at most as often as the
// Source allows) and, when there is one, sends the request again with it.
// Only a 401 that stays reaches the task (UNAUTHENTICATED). A 401 means
// Twilio did nothing, so sending a create again is safe. It goes outermost,
// above Retry, so the second sending is retried like the first.
func Reauth(next http.RoundTripper, user string, password *secret.Source) http.RoundTripper {
	return &reauth{next: next, user: user, password: password}
}

type reauth struct {
	next     http.RoundTripper
	user     string
	password *secret.Source
	// signed caches the Authorization value of the latest password, so a
	// request is not encoded twice (twilio-go has signed it already).
	signed atomic.Pointer[authValue]
}

type authValue struct{ password, header string }

// sign returns req signed with password: req itself when twilio-go has
// already signed it so (the usual case: the same secret), else a shallow
// copy with its own headers, since a RoundTripper must not change the
// caller's request.
func (r *reauth) sign(req *http.Request, password secret.String) *http.Request {
	a := r.signed.Load()
	if a == nil || a.password != password.Reveal() {
		a = &authValue{password: password.Reveal(),
			header: "Basic " + base64.StdEncoding.EncodeToString([]byte(r.user+":"+password.Reveal()))}
		r.signed.Store(a)
	}
	if v := req.Header["Authorization"]; len(v) == 1 && v[0] == a.header {
		return req
	}
	out := req.WithContext(req.Context())
	out.Header = req.Header.Clone()
	out.Header.Set("Authorization", a.header)
	return out
}

func (r *reauth) RoundTrip(req *http.Request) (*http.Response, error) {
	used := r.password.Get()
	resp, err := r.next.RoundTrip(r.sign(req, used))
	if err != nil || resp.StatusCode != http.StatusUnauthorized || (req.Body != nil && req.GetBody == nil) {
		return resp, err
	}
	fresh, changed, _ := r.password.Refresh(req.Context(), used)
	if !changed {
		return resp, nil
	}
	again := r.sign(req, fresh)
	if req.GetBody != nil {
		body, gerr := req.GetBody()
		if gerr != nil {
			return resp, nil
		}
		if again == req {
			again = req.WithContext(req.Context())
		}
		again.Body = body
	}
	resp.Body.Close()
	return r.next.RoundTrip(again)
}
