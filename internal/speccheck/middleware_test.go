package speccheck_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// fakeTwilio answers message creates with body, echoing To into it, and
// anything else with a Twilio 404.
func fakeTwilio(t *testing.T, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/Messages.json") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write(errorBody(20404, "not found", "https://www.twilio.com/docs/errors/20404", 404))
			return
		}
		if err := r.ParseForm(); err != nil || r.PostForm.Get("To") == "" {
			t.Errorf("handler got form %v (%v), want the client's To", r.PostForm, err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(body)
	})
}

// TestMiddleware uses the shared Checker's record, so it must not run in
// parallel with another test that calls Middleware.
func TestMiddleware(t *testing.T) {
	c := checker(t)
	c.Reset()
	created := specExample(t, "twilio_api_v2010.json", "/2010-04-01/Accounts/{AccountSid}/Messages.json", "post", "201", "create")
	good := httptest.NewServer(c.Middleware(fakeTwilio(t, created)))
	defer good.Close()
	bad := httptest.NewServer(c.Middleware(fakeTwilio(t, with(t, created, "num_segments", 5))))
	defer bad.Close()
	form := url.Values{"To": {"+15558675310"}, "From": {"+15017122661"}, "Body": {"Hi"}}

	post(t, good.URL+account+"/Messages.json", form, http.StatusCreated)
	get(t, good.URL+account+"/Messages/"+msgSid+".json", http.StatusNotFound)
	if got := c.Violations(); len(got) != 0 {
		t.Fatalf("valid traffic recorded %q, want nothing", got)
	}

	post(t, bad.URL+account+"/Messages.json", form, http.StatusCreated)
	got := c.Violations()
	if len(got) != 1 || !strings.HasPrefix(got[0], "POST "+account+"/Messages.json: ") || !strings.Contains(got[0], "num_segments") {
		t.Fatalf("got %q, want one violation naming POST …/Messages.json and num_segments", got)
	}

	get(t, good.URL+account+"/Widgets.json", http.StatusNotFound)
	if got := c.Violations(); len(got) != 2 || !strings.Contains(got[1], "path is not declared") {
		t.Fatalf("got %q, want a second violation for the unknown path (and none for its response)", got)
	}

	c.Reset()
	if got := c.Violations(); len(got) != 0 {
		t.Errorf("after Reset got %q, want nothing", got)
	}
}

// post sends form to target and checks the status.
func post(t *testing.T, target string, form url.Values, want int) {
	t.Helper()
	resp, err := http.PostForm(target, form)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp, want)
}

// get fetches target and checks the status.
func get(t *testing.T, target string, want int) {
	t.Helper()
	resp, err := http.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp, want)
}

// drain reads and closes resp and checks its status.
func drain(t *testing.T, resp *http.Response, want int) {
	t.Helper()
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != want {
		t.Errorf("got status %d, want %d", resp.StatusCode, want)
	}
}
