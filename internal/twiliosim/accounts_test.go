package twiliosim_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// accounts: the caller's account is listed from its first request, a
// subaccount is created, fetched, renamed and suspended, and its owner uses
// its paths with the owner's own credentials.
func accounts(t *testing.T, e *env) {
	ids := rowSids(t, e.do(t, http.MethodGet, "/2010-04-01/Accounts.json", nil), "accounts", "sid")
	if !slices.Equal(ids, []string{accountSID}) {
		t.Fatalf("accounts %v, want the caller's own", ids)
	}
	a := e.do(t, http.MethodPost, "/2010-04-01/Accounts.json", url.Values{"FriendlyName": {"Tenant A"}})
	sub, _ := a.body["sid"].(string)
	if a.status != http.StatusCreated || !strings.HasPrefix(sub, "AC") || a.body["owner_account_sid"] != accountSID ||
		a.body["status"] != "active" || a.body["uri"] != "/2010-04-01/Accounts/"+sub+".json" {
		t.Fatalf("create subaccount: %d %v", a.status, a.body)
	}
	a = e.do(t, http.MethodPost, "/2010-04-01/Accounts/"+sub+".json", url.Values{"Status": {"suspended"}})
	if a.status != http.StatusOK || a.body["status"] != "suspended" || a.body["friendly_name"] != "Tenant A" {
		t.Errorf("suspend subaccount: %d %v", a.status, a.body)
	}
	if got := rowSids(t, e.do(t, http.MethodGet, "/2010-04-01/Accounts.json?FriendlyName=Tenant+A", nil), "accounts", "sid"); !slices.Equal(got, []string{sub}) {
		t.Errorf("accounts named Tenant A: %v", got)
	}
	a = e.do(t, http.MethodGet, "/2010-04-01/Accounts/"+sub+"/Messages.json", nil)
	if a.status != http.StatusOK || a.body["messages"].([]any)[0].(map[string]any)["account_sid"] != sub {
		t.Errorf("owner lists the subaccount's messages: %d %v", a.status, a.body)
	}
	stranger := "ACffffffffffffffffffffffffffffffff"
	wantError(t, e.doAs(t, http.MethodGet, "/2010-04-01/Accounts/"+sub+"/Messages.json", nil, stranger, "x"), 401, 20003)
	wantError(t, e.doAs(t, http.MethodGet, "/2010-04-01/Accounts.json", nil, "not-an-account", "x"), 401, 20003)
}

// balance: one object per account, from a fixture row for that account,
// else a zero balance.
func balance(t *testing.T, e *env) {
	other := "ACffffffffffffffffffffffffffffffff"
	loadString(t, e, `{"balance": [{"account_sid": "`+other+`", "balance": "12.50", "currency": "EUR"}]}`)
	a := e.do(t, http.MethodGet, accountURI+"/Balance.json", nil)
	if a.status != http.StatusOK || a.body["balance"] != "0.00" || a.body["currency"] != "USD" || a.body["account_sid"] != accountSID {
		t.Errorf("default balance: %d %v", a.status, a.body)
	}
	a = e.doAs(t, http.MethodGet, "/2010-04-01/Accounts/"+other+"/Balance.json", nil, other, "x")
	if a.status != http.StatusOK || a.body["balance"] != "12.50" || a.body["currency"] != "EUR" {
		t.Errorf("fixture balance: %d %v", a.status, a.body)
	}
}

// callAnnotation: insights v1 answers an existing call's annotation, empty
// until a POST sets it, and 404 for a call that does not exist.
func callAnnotation(t *testing.T, e *env) {
	path := "/v1/Voice/" + fixtureCall + "/Annotation"
	a := e.do(t, http.MethodGet, path, nil)
	if a.status != http.StatusOK || a.body["call_sid"] != fixtureCall || a.body["answered_by"] != "unknown_answered_by" ||
		a.body["account_sid"] != accountSID || a.body["url"] != e.url+path {
		t.Fatalf("empty annotation: %d %v", a.status, a.body)
	}
	a = e.do(t, http.MethodPost, path, url.Values{"AnsweredBy": {"human"}, "CallScore": {"4"}, "QualityIssues": {"echo,low_volume"}})
	if a.status != http.StatusOK || a.body["answered_by"] != "human" || a.body["call_score"] != 4.0 || len(a.body["quality_issues"].([]any)) != 2 {
		t.Errorf("annotate: %d %v", a.status, a.body)
	}
	if a = e.do(t, http.MethodGet, path, nil); a.body["answered_by"] != "human" {
		t.Errorf("annotation after POST: %v", a.body)
	}
	missing := "/v1/Voice/CA000000000000000000000000000000ff/Annotation"
	wantError(t, e.do(t, http.MethodGet, missing, nil), 404, 20404)
	wantError(t, e.do(t, http.MethodPost, missing, url.Values{"Spam": {"true"}}), 404, 20404)
	if n := len(e.sim.Rows("call_annotations")); n != 1 {
		t.Errorf("%d annotations stored, want 1", n)
	}
}

// servicesPaging: messaging v1 lists in the meta envelope with absolute
// URLs; five services come in pages of two, two and one.
func servicesPaging(t *testing.T, e *env) {
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		if a := e.do(t, http.MethodPost, "/v1/Services", url.Values{"FriendlyName": {name}}); a.status != http.StatusCreated {
			t.Fatalf("create service %s: %d %v", name, a.status, a.body)
		}
	}
	next, seen := "/v1/Services?PageSize=2", 0
	for page, want := range []int{2, 2, 1} {
		a := e.do(t, http.MethodGet, next, nil)
		meta, _ := a.body["meta"].(map[string]any)
		rows, _ := a.body["services"].([]any)
		if a.status != http.StatusOK || len(rows) != want || meta["page"] != float64(page) || meta["page_size"] != 2.0 || meta["key"] != "services" {
			t.Fatalf("page %d: %d %v", page, a.status, a.body)
		}
		if meta["first_page_url"] != e.url+"/v1/Services?PageSize=2&Page=0" || (meta["previous_page_url"] == nil) != (page == 0) {
			t.Errorf("page %d meta %v", page, meta)
		}
		if u := rows[0].(map[string]any)["url"].(string); !strings.HasPrefix(u, e.url+"/v1/Services/MG") {
			t.Errorf("service url %s is not absolute", u)
		}
		seen += len(rows)
		next, _ = meta["next_page_url"].(string)
		next = strings.TrimPrefix(next, e.url)
	}
	if next != "" || seen != 5 {
		t.Errorf("after three pages: next %q, %d services seen", next, seen)
	}
}

// statusesAndNames: the create-only and create+update resources answer the
// success status the spec declares, and a Stream is named by its name too.
func statusesAndNames(t *testing.T, e *env) {
	call := accountURI + "/Calls/" + fixtureCall
	a := e.do(t, http.MethodPost, accountURI+"/Messages/SM3ad97d41e786c02bca47c8ce1745053b/Feedback.json", url.Values{"Outcome": {"unconfirmed"}})
	if a.status != http.StatusOK || a.body["outcome"] != "unconfirmed" || a.body["message_sid"] != "SM3ad97d41e786c02bca47c8ce1745053b" {
		t.Errorf("message feedback: %d %v", a.status, a.body)
	}
	a = e.do(t, http.MethodPost, call+"/Streams.json", url.Values{"Url": {"wss://example.com/audio"}, "Name": {"audio"}})
	if a.status != http.StatusOK || a.body["status"] != "in-progress" {
		t.Fatalf("start stream: %d %v", a.status, a.body)
	}
	a = e.do(t, http.MethodPost, call+"/Streams/audio.json", url.Values{"Status": {"stopped"}})
	if a.status != http.StatusOK || a.body["status"] != "stopped" || !strings.HasPrefix(a.body["sid"].(string), "MZ") {
		t.Errorf("stop stream by name: %d %v", a.status, a.body)
	}
	pay := url.Values{"IdempotencyKey": {"k1"}, "StatusCallback": {"https://example.com/pay"}}
	a = e.do(t, http.MethodPost, call+"/Payments.json", pay)
	if a.status != http.StatusCreated {
		t.Fatalf("start payment: %d %v", a.status, a.body)
	}
	pay.Set("Capture", "payment-card-number")
	if a = e.do(t, http.MethodPost, call+"/Payments/"+a.body["sid"].(string)+".json", pay); a.status != http.StatusAccepted {
		t.Errorf("update payment: %d %v, want 202", a.status, a.body)
	}
}
