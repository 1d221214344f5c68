package speccheck_test

import (
	"errors"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/speccheck"
)

func TestCheckRequest(t *testing.T) {
	c := checker(t)
	const (
		messages = account + "/Messages.json"
		message  = account + "/Messages/" + msgSid + ".json"
		calls    = account + "/Calls.json"
		feedback = account + "/Calls/" + callSid + "/Feedback.json"
		summary  = account + "/Calls/FeedbackSummary.json"
	)
	tests := []struct {
		name, method, target, form string
		mentions                   []string // empty: the request must pass
	}{
		{"message create", "POST", messages, "To=%2B15558675310&From=%2B15017122661&Body=Hi", nil},
		{"message create with media array", "POST", messages, "To=%2B1555&From=%2B1666&MediaUrl=https%3A%2F%2Fa&MediaUrl=https%3A%2F%2Fb", nil},
		{"message create without To", "POST", messages, "From=%2B1666&Body=Hi", []string{`"To"`, "missing"}},
		{"message create with empty body", "POST", messages, "", []string{`"To"`, "required"}},
		{"undeclared form field", "POST", messages, "To=%2B1555&Sender=x", []string{`undeclared form field "Sender"`, "declared: ", "MediaUrl"}},
		{"scalar field repeated", "POST", messages, "To=%2B1555&To=%2B1666", []string{`"To" is given 2 times`}},
		{"number field not a number", "POST", messages, "To=%2B1555&MaxPrice=abc", []string{"MaxPrice"}},
		{"integer field not an integer", "POST", messages, "To=%2B1555&ValidityPeriod=1.5", []string{"ValidityPeriod"}},
		{"boolean field not a boolean", "POST", messages, "To=%2B1555&SendAsMms=yes", []string{"SendAsMms"}},
		{"message update enum", "POST", message, "Status=canceled", nil},
		{"message update bad enum", "POST", message, "Status=bogus", []string{`"Status"`, "allowed values"}},
		{"message fetch", "GET", message, "", nil},
		{"message delete", "DELETE", message, "", nil},
		{"list with literal filter name", "GET", messages + "?DateSent%3E=2024-01-02T00:00:00Z&PageSize=50", "", nil},
		{"list with unencoded filter name", "GET", messages + "?DateSent>=2024-01-02T00:00:00Z", "", nil},
		{"list with both bounds", "GET", messages + "?DateSent%3C=2024-02-01T00:00:00Z&DateSent%3E=2024-01-01T00:00:00Z", "", nil},
		{"list filter day only (the spec says date-time)", "GET", messages + "?DateSent%3E=2024-01-02", "", []string{`"DateSent>"`}},
		{"list with RFC 3339 date", "GET", messages + "?DateSent=2024-01-02T03:04:05Z", "", nil},
		{"list paging parameters", "GET", messages + "?PageSize=2&Page=1&PageToken=PAabc", "", nil},
		{"list filter bad date", "GET", messages + "?DateSent%3E=2024-13-02T00:00:00Z", "", []string{`"DateSent>"`}},
		{"undeclared query parameter", "GET", messages + "?Foo=1", "", []string{`undeclared query parameter "Foo"`, "PageToken"}},
		{"query parameter not an integer", "GET", messages + "?PageSize=ten", "", []string{`"PageSize"`}},
		{"query parameter repeated", "GET", messages + "?To=%2B1&To=%2B2", "", []string{`"To" is given 2 times`}},
		{"bad message Sid", "GET", account + "/Messages/SM123.json", "", []string{`path parameter "Sid"`}},
		{"bad account Sid", "GET", "/2010-04-01/Accounts/ACnope/Messages.json", "", []string{`path parameter "AccountSid"`}},
		{"call list filters", "GET", calls + "?StartTime%3E=2024-01-01T00:00:00Z&Status=completed", "", nil},
		{"call list bad enum", "GET", calls + "?Status=finished", "", []string{`"Status"`}},
		{"call fetch from the current spec", "GET", account + "/Calls/" + callSid + ".json", "", nil},
		{"boolean query", "GET", account + "/IncomingPhoneNumbers.json?Beta=true", "", nil},
		{"bad boolean query", "GET", account + "/IncomingPhoneNumbers.json?Beta=maybe", "", []string{`"Beta"`}},
		{"call feedback", "POST", feedback, "QualityScore=5&Issue=dropped-call", nil},
		{"call feedback issues array", "POST", feedback, "QualityScore=2&Issue=dropped-call&Issue=audio-latency", nil},
		{"call feedback bad issue", "POST", feedback, "QualityScore=5&Issue=bogus", []string{`"Issue/0"`, "allowed values"}},
		{"call feedback fetch", "GET", feedback, "", nil},
		{"feedback summary create", "POST", summary, "StartDate=2024-01-01&EndDate=2024-01-31", nil},
		{"feedback summary without EndDate", "POST", summary, "StartDate=2024-01-01", []string{`"EndDate"`}},
		{"feedback summary wrong method", "GET", summary, "", []string{"method GET is not declared"}},
		{"incoming number update", "POST", account + "/IncomingPhoneNumbers/" + pnSid + ".json", "FriendlyName=Main", nil},
		{"insights list", "GET", "/v1/Voice/Summaries?PageSize=5", "", nil},
		{"messaging list", "GET", "/v1/Services?PageSize=5", "", nil},
		{"unknown path", "GET", account + "/Widgets.json", "", []string{"path is not declared"}},
		{"undeclared method", "DELETE", messages, "", []string{"method DELETE is not declared"}},
		{"body where none is declared", "GET", messages, "To=%2B1", []string{"body not allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRequest(tt.method, tt.target, tt.form)
			wantProblems(t, c.CheckRequest(r, []byte(tt.form)), tt.mentions)
		})
	}
}

func TestCheckRequestViolation(t *testing.T) {
	c := checker(t)
	r := newRequest("POST", account+"/Messages.json", "Sender=x&Body=hi")
	err := c.CheckRequest(r, []byte("Sender=x&Body=hi"))
	var v *speccheck.Violation
	if !errors.As(err, &v) {
		t.Fatalf("got %v, want a *speccheck.Violation", err)
	}
	if v.Method != "POST" || v.Path != account+"/Messages.json" || len(v.Problems) != 2 {
		t.Errorf("got %s %s with %d problems %q, want POST %s/Messages.json with 2 (Sender, To)",
			v.Method, v.Path, len(v.Problems), v.Problems, account)
	}
}

func TestCheckRequestLeavesRequestAlone(t *testing.T) {
	c := checker(t)
	const target = account + "/Messages.json?PageSize=5"
	r := newRequest("GET", target, "")
	if err := c.CheckRequest(r, nil); err != nil {
		t.Fatal(err)
	}
	if got := r.URL.RequestURI(); got != target {
		t.Errorf("request URI became %q, want %q", got, target)
	}
}
