package twiliosim_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/connectorworks/twilio-worker/internal/twiliosim"
)

// Credentials the tests use: an account SID that fits ^AC[0-9a-fA-F]{32}$
// and an alphanumeric token.
const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "testToken123"
	accountURI = "/2010-04-01/Accounts/" + accountSID
)

// clock is a fixed instant for rows the tests create.
var clock = time.Date(2024, 6, 10, 12, 0, 0, 0, time.UTC)

// rewrite sends every request to the test server, whatever host twilio-go
// aimed it at.
type rewrite struct {
	target *url.URL
	next   http.RoundTripper
}

func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rw.target.Scheme, rw.target.Host, ""
	return rw.next.RoundTrip(r)
}

// env is a simulator behind an httptest server with a real twilio-go client
// pointed at it.
type env struct {
	sim  *twiliosim.Server
	api  *openapi.ApiService
	http *http.Client
	url  string
}

// newEnv serves sim (wrapped by wrap when not nil) and builds the clients.
func newEnv(t testing.TB, sim *twiliosim.Server, wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	var h http.Handler = sim
	if wrap != nil {
		h = wrap(h)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	target, _ := url.Parse(ts.URL)
	hc := &http.Client{Transport: rewrite{target: target, next: http.DefaultTransport}, Timeout: 10 * time.Second}
	c := &client.Client{Credentials: client.NewCredentials(accountSID, authToken), HTTPClient: hc}
	c.SetAccountSid(accountSID)
	return &env{sim: sim, api: openapi.NewApiServiceWithClient(c), http: hc, url: ts.URL}
}

// newSim is a simulator on the fixed clock, loaded with testdata/fixtures.json.
func newSim(t testing.TB, cfg twiliosim.Config) *twiliosim.Server {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return clock }
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	sim := twiliosim.New(cfg)
	f, err := os.Open("testdata/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := sim.LoadFixtures(f); err != nil {
		t.Fatalf("LoadFixtures: %v", err)
	}
	return sim
}

// answer is a raw HTTP answer decoded from JSON.
type answer struct {
	status int
	header http.Header
	body   map[string]any
}

// do sends a raw request with the test credentials; form, when not nil, is
// the form body.
func (e *env) do(t testing.TB, method, path string, form url.Values) answer {
	t.Helper()
	return e.send(t, e.request(t, method, path, form))
}

func (e *env) doAs(t testing.TB, method, path string, form url.Values, user, pass string) answer {
	t.Helper()
	return e.send(t, e.requestAs(t, method, path, form, user, pass))
}

// request builds a raw request with the test credentials; form, when not
// nil, is the form body.
func (e *env) request(t testing.TB, method, path string, form url.Values) *http.Request {
	t.Helper()
	return e.requestAs(t, method, path, form, accountSID, authToken)
}

// requestAs builds a raw request with Basic user and pass, none when both
// are empty.
func (e *env) requestAs(t testing.TB, method, path string, form url.Values, user, pass string) *http.Request {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if user != "" || pass != "" {
		req.SetBasicAuth(user, pass)
	}
	return req
}

// send sends req; a transport error or a body that is not JSON fails the
// test.
func (e *env) send(t testing.TB, req *http.Request) answer {
	t.Helper()
	a, err := e.try(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return a
}

// try sends req and decodes the answer. It returns the transport error of
// a request that got no answer, or an error for a body that is not JSON.
func (e *env) try(req *http.Request) (answer, error) {
	resp, err := e.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	a := answer{status: resp.StatusCode, header: resp.Header}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &a.body); err != nil {
			return a, fmt.Errorf("body is not a JSON object: %v: %s", err, raw)
		}
	}
	return a, nil
}

// wantTwilioError checks err is a *client.TwilioRestError with status and code.
func wantTwilioError(t *testing.T, err error, status, code int) {
	t.Helper()
	var tre *client.TwilioRestError
	if !errors.As(err, &tre) {
		t.Fatalf("got error %v (%T), want *client.TwilioRestError %d/%d", err, err, status, code)
	}
	if tre.Status != status || tre.Code != code {
		t.Fatalf("got Twilio error %d/%d (%s), want %d/%d", tre.Status, tre.Code, tre.Message, status, code)
	}
	if want := "https://www.twilio.com/docs/errors/"; !strings.HasPrefix(tre.MoreInfo, want) {
		t.Errorf("more_info %q does not start with %s", tre.MoreInfo, want)
	}
}

// wantError checks a raw answer is Twilio's error body with status and code,
// and that its message mentions each of mentions.
func wantError(t *testing.T, a answer, status, code int, mentions ...string) {
	t.Helper()
	if a.status != status || a.body["code"] != float64(code) || a.body["status"] != float64(status) {
		t.Fatalf("got %d %v, want %d with code %d", a.status, a.body, status, code)
	}
	msg, _ := a.body["message"].(string)
	for _, m := range mentions {
		if !strings.Contains(msg, m) {
			t.Errorf("message %q does not mention %q", msg, m)
		}
	}
	if a.body["more_info"] != "https://www.twilio.com/docs/errors/"+strconv.Itoa(code) {
		t.Errorf("more_info = %v", a.body["more_info"])
	}
}

// ptr returns a pointer to v, for twilio-go's optional fields.
func ptr[T any](v T) *T { return &v }
