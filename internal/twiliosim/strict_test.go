package twiliosim_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// TestStrictness: requests a validating proxy would refuse get a 4xx with
// Twilio's error body, the code the brief or Twilio gives, and a message
// naming what was wrong.
func TestStrictness(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newSim(t, twiliosim.Config{}), nil)
	msgs := accountURI + "/Messages.json"
	msg := accountURI + "/Messages/SM3ad97d41e786c02bca47c8ce1745053b.json"
	send := url.Values{"To": {"+15558675310"}, "From": {"+15017122661"}, "Body": {"hi"}}
	with := func(v url.Values, k string, vals ...string) url.Values {
		out := url.Values{}
		for key, x := range v {
			out[key] = x
		}
		out[k] = vals
		return out
	}
	cases := []struct {
		name         string
		method, path string
		form         url.Values
		status, code int
		mentions     []string
	}{
		{"unknown path", "GET", accountURI + "/Nope.json", nil, 404, 20404, []string{"The requested resource " + accountURI + "/Nope.json was not found"}},
		{"outside the API", "GET", "/v2/Services", nil, 404, 20404, nil},
		{"malformed account", "GET", "/2010-04-01/Accounts/ACxyz/Messages.json", nil, 404, 20404, nil},
		{"malformed sid", "GET", accountURI + "/Messages/XX123.json", nil, 404, 20404, nil},
		{"missing row", "GET", accountURI + "/Calls/CA0000000000000000000000000000dead.json", nil, 404, 20404, nil},
		{"wrong method", "PUT", msgs, nil, 405, 20004, []string{"PUT"}},
		{"no list delete", "DELETE", msgs, nil, 405, 20004, nil},
		{"no recording create", "POST", accountURI + "/Recordings.json", url.Values{}, 405, 20004, nil},
		{"undeclared form field", "POST", msgs, with(send, "Sender", "+1"), 400, 20001, []string{"'Sender'", "declared: ", "To", "MessagingServiceSid"}},
		{"undeclared query", "GET", msgs + "?Body=hi", nil, 400, 20001, []string{"'Body'", "DateSent<"}},
		{"query on a create", "POST", msgs + "?PageSize=2", send, 400, 20001, []string{"'PageSize'", "declares none"}},
		{"missing To", "POST", msgs, url.Values{"From": {"+15017122661"}, "Body": {"hi"}}, 400, 21604, []string{"To"}},
		{"missing call To", "POST", accountURI + "/Calls.json", url.Values{"From": {"+15017122661"}, "Url": {"https://x"}}, 400, 21201, nil},
		{"call without TwiML", "POST", accountURI + "/Calls.json", url.Values{"From": {"+1"}, "To": {"+2"}}, 400, 20001, []string{"Url"}},
		{"missing EndDate", "POST", accountURI + "/Calls/FeedbackSummary.json", url.Values{"StartDate": {"2014-06-01"}}, 400, 20001, []string{"EndDate"}},
		{"bad enum", "POST", msg, url.Values{"Status": {"sent"}}, 400, 20001, []string{"Status", "canceled", `"sent"`}},
		{"bad pattern", "POST", msgs, with(send, "MessagingServiceSid", "MG1"), 400, 20001, []string{"MessagingServiceSid", "^MG"}},
		{"bad integer", "POST", accountURI + "/Calls/" + fixtureCall + "/Feedback.json", url.Values{"QualityScore": {"great"}}, 400, 20001, []string{"QualityScore", "integer"}},
		{"score out of range", "POST", accountURI + "/Calls/" + fixtureCall + "/Feedback.json", url.Values{"QualityScore": {"9"}}, 400, 20001, []string{"1 to 5"}},
		{"bad array item", "POST", accountURI + "/Calls/" + fixtureCall + "/Feedback.json", url.Values{"Issue": {"dropped-call", "static"}}, 400, 20001, []string{"Issue", "static"}},
		{"bad boolean", "GET", accountURI + "/IncomingPhoneNumbers.json?Beta=yes", nil, 400, 20001, []string{"Beta", "boolean"}},
		{"bad date", "POST", accountURI + "/Calls/FeedbackSummary.json", url.Values{"StartDate": {"June"}, "EndDate": {"2014-06-04"}}, 400, 20001, []string{"StartDate"}},
		{"bad date filter", "GET", msgs + "?DateSent=yesterday", nil, 400, 20001, []string{"DateSent"}},
		{"repeated scalar", "POST", msgs, with(send, "Body", "a", "b"), 400, 20001, []string{"Body", "2 times"}},
		{"page size zero", "GET", msgs + "?PageSize=0", nil, 400, 20001, []string{"PageSize"}},
		{"page size too big", "GET", msgs + "?PageSize=1001", nil, 400, 20001, []string{"1000"}},
		{"negative page", "GET", msgs + "?Page=-1", nil, 400, 20001, []string{"Page"}},
		{"made-up token", "GET", msgs + "?PageToken=PAnope", nil, 400, 20001, []string{"PageToken"}},
		{"phone number taken", "POST", accountURI + "/IncomingPhoneNumbers.json", url.Values{"PhoneNumber": {"+15005550000"}}, 400, 21422, nil},
		{"number without area", "POST", accountURI + "/IncomingPhoneNumbers.json", url.Values{"FriendlyName": {"x"}}, 400, 20001, []string{"AreaCode"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, e.do(t, c.method, c.path, c.form), c.status, c.code, c.mentions...)
		})
	}
}

// TestForeignPageToken: a token from one list is refused by another, even
// when both are valid tokens of this simulator.
func TestForeignPageToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newSim(t, twiliosim.Config{}), nil)
	if err := e.sim.LoadFixtures(strings.NewReader(pagingFixtures)); err != nil {
		t.Fatal(err)
	}
	next, _ := e.do(t, http.MethodGet, accountURI+"/Messages.json?PageSize=2", nil).body["next_page_uri"].(string)
	u, err := url.Parse(next)
	if err != nil || u.Query().Get("PageToken") == "" {
		t.Fatalf("next_page_uri %q has no PageToken", next)
	}
	calls := accountURI + "/Calls.json?PageSize=2&Page=1&PageToken=" + u.Query().Get("PageToken")
	wantError(t, e.do(t, http.MethodGet, calls, nil), 400, 20001, "PageToken")
}

// TestAuth: Basic auth with the path's account as user, a non-empty token,
// and Config's account and token when set.
func TestAuth(t *testing.T) {
	t.Parallel()
	other := "ACffffffffffffffffffffffffffffffff"
	open := newEnv(t, newSim(t, twiliosim.Config{}), nil)
	locked := newEnv(t, newSim(t, twiliosim.Config{AccountSID: accountSID, AuthToken: authToken}), nil)
	cases := []struct {
		name       string
		e          *env
		account    string
		user, pass string
		status     int
	}{
		{"any token", open, accountSID, accountSID, "whatever", 200},
		{"any account", open, other, other, "whatever", 200},
		{"no credentials", open, accountSID, "", "", 401},
		{"user is not the path's account", open, accountSID, other, "x", 401},
		{"empty token", open, accountSID, accountSID, "", 401},
		{"configured token", locked, accountSID, accountSID, authToken, 200},
		{"wrong token", locked, accountSID, accountSID, "guess", 401},
		{"other account", locked, other, other, authToken, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := c.e.doAs(t, http.MethodGet, "/2010-04-01/Accounts/"+c.account+"/Messages.json", nil, c.user, c.pass)
			if c.status == 401 {
				wantError(t, a, 401, 20003, "Authentication")
				return
			}
			if a.status != c.status {
				t.Fatalf("got %d %v, want %d", a.status, a.body, c.status)
			}
			rows := a.body["messages"].([]any)
			if got := rows[0].(map[string]any)["account_sid"]; got != c.account {
				t.Errorf("account_sid rendered %v, want the path's %s", got, c.account)
			}
		})
	}
}

// TestNonFormBody: the v2010 API takes forms only.
func TestNonFormBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t, newSim(t, twiliosim.Config{}), nil)
	req, _ := http.NewRequest(http.MethodPost, e.url+accountURI+"/Messages.json", strings.NewReader(`{"To":"+1"}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(accountSID, authToken)
	resp, err := e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("JSON body answered %d, want 400", resp.StatusCode)
	}
}
