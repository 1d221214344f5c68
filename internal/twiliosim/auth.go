package twiliosim

import (
	"crypto/subtle"
	"net/http"
)

// authenticate applies HTTP Basic the way Twilio does for an account's own
// credentials: the user is the path's account SID and the password its auth
// token. Any non-empty token is accepted unless Config.AuthToken is set.
func (s *Server) authenticate(r *http.Request, account string) *apiError {
	user, pass, ok := r.BasicAuth()
	switch {
	case !ok:
		return unauthorized("No credentials provided (HTTP Basic, account SID as user)")
	case user != account:
		return unauthorized("the Basic user " + user + " is not the account " + account + " in the path")
	case s.cfg.AccountSID != "" && user != s.cfg.AccountSID:
		return unauthorized("this simulator serves only account " + s.cfg.AccountSID)
	case pass == "":
		return unauthorized("empty auth token")
	case s.cfg.AuthToken != "" && subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.AuthToken)) != 1:
		return unauthorized("invalid auth token")
	}
	return nil
}
