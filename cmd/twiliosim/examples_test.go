package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRunServesTheDocumentedExamples: with examples/seed-fixtures.json, the
// requests behind the nine documented examples succeed, and so do the paths
// outside v2010 messages and calls (Accounts, Balance, the v1 APIs).
func TestRunServesTheDocumentedExamples(t *testing.T) {
	base, _, _ := start(t, "--fixtures", "../../examples/seed-fixtures.json")
	acct := "/2010-04-01/Accounts/" + testAccount
	steps := []struct {
		method, path string
		form         url.Values
		status       int
	}{
		{"GET", acct + "/Recordings.json", nil, 200},
		{"GET", acct + "/Recordings/RE2e915e78549694bd0a0742d2d39454e5.json", nil, 200},
		{"DELETE", acct + "/Calls/CAaa4a99c300bd9d1bcc0d1ae9dcd248c6.json", nil, 204},
		{"POST", acct + "/Calls/CAdefbf2b4caa7df11dc48106385e32345/Feedback.json", url.Values{"QualityScore": {"5"}}, 200},
		{"POST", acct + "/Calls/FeedbackSummary.json", url.Values{"StartDate": {"2014-06-01"}, "EndDate": {"2014-06-04"}}, 201},
		{"POST", acct + "/Messages.json", url.Values{"To": {"whatsapp:+91789230000"}, "From": {"whatsapp:+14155238886"}, "Body": {"Message is sent from Google Cloud"}}, 201},
		{"POST", acct + "/Messages/SM3ad97d41e786c02bca47c8ce1745053b.json", url.Values{"Body": {""}}, 200},
		{"POST", acct + "/IncomingPhoneNumbers/PN4047ac009a15885690a50a1d388b8411.json", url.Values{"FriendlyName": {"renamed"}}, 200},
		{"POST", acct + "/OutgoingCallerIds/PN6f5f9bf39cb1801a6e21a5a80d274bdd.json", url.Values{"FriendlyName": {"renamed"}}, 200},
		{"GET", "/2010-04-01/Accounts.json", nil, 200},
		{"GET", acct + "/Balance.json", nil, 200},
		{"GET", acct + "/Calls/CAdefbf2b4caa7df11dc48106385e32345/Recordings.json", nil, 200},
		{"GET", "/v1/Voice/CAdefbf2b4caa7df11dc48106385e32345/Annotation", nil, 200},
		{"POST", "/v1/Services", url.Values{"FriendlyName": {"Alerts"}}, 201},
	}
	for _, s := range steps {
		var body io.Reader
		if s.form != nil {
			body = strings.NewReader(s.form.Encode())
		}
		req, _ := http.NewRequest(s.method, base+s.path, body)
		if s.form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.SetBasicAuth(testAccount, testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != s.status {
			t.Errorf("%s %s: %d %s, want %d", s.method, s.path, resp.StatusCode, raw, s.status)
		}
	}
}
