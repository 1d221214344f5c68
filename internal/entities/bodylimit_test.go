package entities_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/secret"
	"github.com/connectorworks/twilio-worker/internal/task"
	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
)

// noRequests fails the test on any request: the checks under test must
// answer before one is sent.
type noRequests struct{ t *testing.T }

func (n noRequests) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("a request was sent: %s %s", r.Method, r.URL.Path)
	return nil, errors.New("no request may be sent")
}

// TestMessageBodyLimit: a Body over Twilio's 1600 characters is
// INVALID_ARGUMENT naming Body, its length and the limit, before any
// request, for Messages CREATE and the SendMessage action alike, under
// either name; characters are code points, not bytes.
func TestMessageBodyLimit(t *testing.T) {
	f := twiliohttp.NewFactory(testAccount, secret.New(testToken), noRequests{t}, 10*time.Second)
	x := &entities.Executor{Catalogue: entities.NewCatalogue(), AccountSID: testAccount, Handler: f.Handler}
	create := `{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"To":"+15558675310",`
	send := `{"operation":"ACTION","action":"SendMessage","connectorInputPayload":{"To":"+15558675310",`
	cases := []struct {
		task  string
		chars int
	}{
		{create + `"Sender":"+15005550006","Body":"` + strings.Repeat("é", 1601) + `"}}`, 1601},
		{create + `"From":"+15005550006","body":"` + strings.Repeat("a", 2<<20) + `"}}`, 2 << 20},
		{send + `"Sender":"+15005550006","Body":"` + strings.Repeat("é", 1601) + `"}}`, 1601},
	}
	for _, c := range cases {
		tk, err := task.Decode([]byte(c.task))
		if err != nil {
			t.Fatal(err)
		}
		_, err = x.Do(context.Background(), tk)
		var ce *codes.Error
		want := fmt.Sprintf("Body is %d characters long; Twilio accepts at most 1600", c.chars)
		if !errors.As(err, &ce) || ce.Code != codes.InvalidArgument || !strings.Contains(ce.Message, want) {
			t.Errorf("%.90s…: got %v, want INVALID_ARGUMENT containing %q", c.task, err, want)
		}
	}
	e := newEnv(t, nil)
	e.ok(t, `{"entity":"Messages","operation":"CREATE","connectorInputPayload":{"To":"+15558675310","Sender":"+15005550006","Body":"`+
		strings.Repeat("é", 1600)+`"}}`)
}
