package twiliohttp

import (
	"context"
	"net/http"
	"time"

	"github.com/twilio/twilio-go/client"

	"github.com/connectorworks/twilio-worker/internal/secret"
)

// Factory makes per-task twilio-go request handlers that share one
// transport stack (connection pool, limiter). Safe for concurrent use.
type Factory struct {
	accountSID string
	token      secret.String
	transport  http.RoundTripper
	timeout    time.Duration
	userAgent  []string
}

// NewFactory returns a Factory. transport is the shared stack under the
// context transport; timeout bounds each HTTP call as twilio-go sees it,
// retries included (0: only the task's context bounds it, and Retry bounds
// each attempt).
func NewFactory(accountSID string, token secret.String, transport http.RoundTripper, timeout time.Duration, userAgent ...string) *Factory {
	return &Factory{accountSID: accountSID, token: token, transport: transport, timeout: timeout, userAgent: userAgent}
}

// Handler returns a request handler whose requests carry ctx. Credentials,
// account SID, edge and region are all set explicitly, so twilio-go's own
// environment fallbacks (TWILIO_*) never apply.
func (f *Factory) Handler(ctx context.Context) *client.RequestHandler {
	c := &client.Client{
		Credentials: client.NewCredentials(f.accountSID, f.token.Reveal()),
		HTTPClient: &http.Client{
			Transport: contextTransport{ctx: ctx, next: f.transport},
			Timeout:   f.timeout,
			// Twilio answers 3xx only where a redirect is itself the answer.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		UserAgentExtensions: f.userAgent,
	}
	c.SetAccountSid(f.accountSID)
	return &client.RequestHandler{Client: c}
}
