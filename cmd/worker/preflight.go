package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/proxy"
	"github.com/connectorworks/twilio-worker/internal/twiliohttp"
)

// preflightAttempt bounds one preflight request; preflightMaxBackoff the
// wait between two.
const (
	preflightAttempt    = 15 * time.Second
	preflightMaxBackoff = 30 * time.Second
)

// preflightError is a preflight refusal: exit status 2, like a
// configuration error, with its own wording.
type preflightError struct{ msg string }

func (e *preflightError) Error() string        { return "preflight: " + e.msg }
func (e *preflightError) Is(target error) bool { return target == errConfig }

// preflight fetches the account (GET /2010-04-01/Accounts/{sid}.json)
// through the same route as the tasks (base URL or region, proxy) before
// the worker pulls any task. Credentials refused by Twilio (401) or by the
// proxy (407) end the worker with status 2 and a message naming which,
// never the value; anything else (Twilio or the proxy unreachable, 5xx,
// 429) is logged and retried with backoff until it passes or ctx ends
// (then it returns nil and serve stops at once). --preflight=false skips
// it. stack is the tasks' own (twilioStack): the request pays its token
// under the rate budget like any other.
func preflight(ctx context.Context, cfg *Config, stack http.RoundTripper, log *zap.Logger) error {
	if !cfg.Preflight || cfg.Local {
		return nil
	}
	client := &http.Client{
		Transport:     stack,
		Timeout:       preflightAttempt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	target := twiliohttp.DefaultBaseURL + "/2010-04-01/Accounts/" + cfg.AccountSID + ".json"
	wait := time.Second
	for attempt := 1; ; attempt++ {
		why, err := preflightOnce(ctx, client, cfg, target)
		if err != nil || why == "" {
			if err == nil {
				log.Info("preflight passed: Twilio accepted the credentials", zap.String("account_sid", cfg.AccountSID),
					zap.String("route", describeRoute(cfg)), zap.Int("attempts", attempt))
			}
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		d := wait/2 + rand.N(wait/2+1)
		log.Warn("preflight: Twilio not reachable yet; not pulling tasks until it is", zap.String("reason", why),
			zap.String("route", describeRoute(cfg)), zap.Int("attempt", attempt), zap.Duration("retry_in", d))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(d):
		}
		wait = min(2*wait, preflightMaxBackoff)
	}
}

// preflightOnce makes one attempt: ("", nil) when it passed, a reason to
// retry, or a refusal.
func preflightOnce(ctx context.Context, client *http.Client, cfg *Config, target string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, proxy.ErrAuth) {
			ce, _ := codes.As(err)
			return "", &preflightError{msg: ce.Message}
		}
		if ce, ok := codes.As(err); ok {
			return ce.Message, nil
		}
		return err.Error(), nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var answer struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &answer)
	switch {
	case resp.StatusCode == http.StatusOK:
		return "", nil
	case resp.StatusCode == http.StatusUnauthorized:
		return "", &preflightError{msg: fmt.Sprintf("Twilio refused the credentials for account %s (HTTP 401%s): check %s "+
			"(the value is not shown)", cfg.AccountSID, twilioCode(answer.Code), credentialSettings(cfg))}
	case resp.StatusCode == http.StatusProxyAuthRequired:
		return "", &preflightError{msg: "the proxy " + cfg.ProxyURL + " refused the credentials (HTTP 407)"}
	}
	return fmt.Sprintf("Twilio answered HTTP %d%s", resp.StatusCode, twilioCode(answer.Code)), nil
}

func twilioCode(code int) string {
	if code == 0 {
		return ""
	}
	return fmt.Sprintf(", Twilio error %d", code)
}

// credentialSettings names the settings that hold the credential in use.
func credentialSettings(cfg *Config) string {
	if cfg.APIKey != "" {
		return "--api-key / TWILIO_API_KEY and its secret (TWILIO_API_SECRET or --api-secret-secret / TWILIO_API_SECRET_SECRET)"
	}
	return "--account-sid / TWILIO_ACCOUNT_SID and the auth token (TWILIO_AUTH_TOKEN or --auth-token-secret / TWILIO_AUTH_TOKEN_SECRET)"
}

// describeRoute says where Twilio requests go, for logs: never a password.
func describeRoute(cfg *Config) string {
	to := twiliohttp.DefaultBaseURL
	if u := cfg.twilioBaseURL(); u != nil {
		to = u.String()
	} else if cfg.Edge != "" || cfg.Region != "" {
		to = "https://" + twiliohttp.RegionalHost("api.twilio.com", cfg.Edge, cfg.Region)
	}
	if cfg.proxyURL != nil {
		to += " via proxy " + cfg.proxyConfig().Describe()
	}
	return to
}
