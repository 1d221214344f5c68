package twiliohttp

import (
	"net/http"

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
	return reauth{next: next, user: user, password: password}
}

type reauth struct {
	next     http.RoundTripper
	user     string
	password *secret.Source
}

func (r reauth) RoundTrip(req *http.Request) (*http.Response, error) {
	used := r.password.Get()
	out := req.Clone(req.Context())
	out.SetBasicAuth(r.user, used.Reveal())
	resp, err := r.next.RoundTrip(out)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || (req.Body != nil && req.GetBody == nil) {
		return resp, err
	}
	fresh, changed, _ := r.password.Refresh(req.Context(), used)
	if !changed {
		return resp, nil
	}
	again := req.Clone(req.Context())
	if req.GetBody != nil {
		body, gerr := req.GetBody()
		if gerr != nil {
			return resp, nil
		}
		again.Body = body
	}
	resp.Body.Close()
	again.SetBasicAuth(r.user, fresh.Reveal())
	return r.next.RoundTrip(again)
}
