package twiliosim

import (
	"crypto/subtle"
	"net/http"
)

// authenticate applies HTTP Basic the way Twilio does for an account's own
// credentials: the user is an account SID and the password its auth token.
// Any non-empty token is accepted unless Config.AuthToken is set. When the
// path names an account (hasAccount), the user must be that account or the
// account that owns it (a subaccount created through Accounts); otherwise
// (Accounts itself, the v1 APIs) the user is the account. It returns the
// account the request acts for.
func (s *Server) authenticate(r *http.Request, account string, hasAccount bool) (string, *apiError) {
	user, pass, ok := r.BasicAuth()
	if ok && s.cfg.APIKeySID != "" && user == s.cfg.APIKeySID {
		return s.authenticateKey(pass, account, hasAccount)
	}
	if !hasAccount {
		account = user
	}
	switch {
	case !ok:
		return "", unauthorized("No credentials provided (HTTP Basic, account SID as user)")
	case !accountPattern.MatchString(user):
		return "", unauthorized("the Basic user " + user + " is not an account SID (AC and 32 hex digits)")
	case user != account && !s.owns(user, account):
		return "", unauthorized("the Basic user " + user + " is not the account " + account + " in the path, nor its owner")
	case s.cfg.AccountSID != "" && user != s.cfg.AccountSID:
		return "", unauthorized("this simulator serves only account " + s.cfg.AccountSID)
	case pass == "":
		return "", unauthorized("empty auth token")
	case s.cfg.AuthToken != "" && subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.AuthToken)) != 1:
		return "", unauthorized("invalid auth token")
	}
	return account, nil
}

// owns reports whether account is a subaccount of owner.
func (s *Server) owns(owner, account string) bool {
	st := s.byKey["accounts"]
	if st == nil {
		return false
	}
	row, ok := st.table.get(account)
	return ok && row["owner_account_sid"] == owner
}

// authenticateKey applies the configured API key: its secret, and the
// account in the path being the key's account or one it owns.
func (s *Server) authenticateKey(pass, account string, hasAccount bool) (string, *apiError) {
	switch {
	case subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.APIKeySecret)) != 1:
		return "", unauthorized("invalid API key secret")
	case !hasAccount:
		return s.cfg.AccountSID, nil
	case account != s.cfg.AccountSID && !s.owns(s.cfg.AccountSID, account):
		return "", unauthorized("the API key " + s.cfg.APIKeySID + " does not belong to the account " + account + " in the path")
	}
	return account, nil
}
