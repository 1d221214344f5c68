package twiliosim_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// twilio-go dropped call feedback in v1.19.0, so these go raw, as the
// worker's requests built from the 2024-02-09 spec do.

// callFeedback is documented example 4: POST creates the call-keyed row, a
// second POST updates it, GET reads it.
func callFeedback(t *testing.T, e *env) {
	path := accountURI + "/Calls/" + fixtureCall2 + "/Feedback.json"
	a := e.do(t, http.MethodPost, path, url.Values{"QualityScore": {"5"}})
	if a.status != http.StatusOK || a.body["sid"] != fixtureCall2 || a.body["quality_score"] != 5.0 ||
		a.body["account_sid"] != accountSID || a.body["date_created"] != clockRFC2822 {
		t.Fatalf("create feedback: %d %v", a.status, a.body)
	}
	a = e.do(t, http.MethodPost, path, url.Values{"Issue": {"dropped-call", "one-way-audio"}})
	issues, _ := a.body["issues"].([]any)
	if a.status != http.StatusOK || len(issues) != 2 || a.body["quality_score"] != 5.0 {
		t.Fatalf("update feedback: %d %v", a.status, a.body)
	}
	if a = e.do(t, http.MethodGet, path, nil); a.status != http.StatusOK || len(a.body["issues"].([]any)) != 2 {
		t.Fatalf("fetch feedback: %d %v", a.status, a.body)
	}
	if a = e.do(t, http.MethodGet, accountURI+"/Calls/"+fixtureCall+"/Feedback.json", nil); a.body["quality_score"] != 4.0 {
		t.Errorf("fixture feedback: %d %v", a.status, a.body)
	}
	unknown := accountURI + "/Calls/CA0000000000000000000000000000dead/Feedback.json"
	wantError(t, e.do(t, http.MethodPost, unknown, url.Values{"QualityScore": {"3"}}), 404, 20404, unknown)
	c, err := e.api.CreateCall((&openapi.CreateCallParams{}).SetTo("+15558675310").SetFrom("+15017122661").SetTwiml("<Response/>"))
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, e.do(t, http.MethodGet, accountURI+"/Calls/"+*c.Sid+"/Feedback.json", nil), 404, 20404)
	if n := len(e.sim.Rows("feedback")); n != 2 {
		t.Errorf("%d feedback rows, want 2", n)
	}
}

// feedbackSummary is documented example 5, then the summary's fetch and
// delete.
func feedbackSummary(t *testing.T, e *env) {
	a := e.do(t, http.MethodPost, accountURI+"/Calls/FeedbackSummary.json", url.Values{"StartDate": {"2014-06-01"}, "EndDate": {"2014-06-04"}})
	sid, _ := a.body["sid"].(string)
	if a.status != http.StatusCreated || !strings.HasPrefix(sid, "FS") || len(sid) != 34 || a.body["status"] != "queued" ||
		a.body["start_date"] != "2014-06-01" || a.body["end_date"] != "2014-06-04" {
		t.Fatalf("create summary: %d %v", a.status, a.body)
	}
	path := accountURI + "/Calls/FeedbackSummary/" + sid + ".json"
	if a = e.do(t, http.MethodGet, path, nil); a.status != http.StatusOK || a.body["sid"] != sid {
		t.Fatalf("fetch summary: %d %v", a.status, a.body)
	}
	if a = e.do(t, http.MethodDelete, path, nil); a.status != http.StatusNoContent || a.body != nil {
		t.Fatalf("delete summary: %d %v", a.status, a.body)
	}
	wantError(t, e.do(t, http.MethodGet, path, nil), 404, 20404)
}

// retiredFeedback: with RetiredFeedback every call feedback endpoint answers
// 404 20404 as live Twilio does, and calls are unaffected.
func retiredFeedback(t *testing.T, e *env) {
	for _, r := range []struct {
		method, path string
		form         url.Values
	}{
		{http.MethodPost, "/Calls/" + fixtureCall2 + "/Feedback.json", url.Values{"QualityScore": {"5"}}},
		{http.MethodGet, "/Calls/" + fixtureCall + "/Feedback.json", nil},
		{http.MethodPost, "/Calls/FeedbackSummary.json", url.Values{"StartDate": {"2014-06-01"}, "EndDate": {"2014-06-04"}}},
		{http.MethodGet, "/Calls/FeedbackSummary/FS0123456789abcdef0123456789abcdef.json", nil},
		{http.MethodDelete, "/Calls/FeedbackSummary/FS0123456789abcdef0123456789abcdef.json", nil},
	} {
		wantError(t, e.do(t, r.method, accountURI+r.path, r.form), 404, 20404, accountURI+r.path)
	}
	if _, err := e.api.FetchCall(fixtureCall2, nil); err != nil {
		t.Errorf("calls must still answer: %v", err)
	}
}
