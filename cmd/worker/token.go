package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/connectorworks/twilio-worker/internal/secret"
)

// secretRefreshInterval bounds how often a refused secret is re-read.
const secretRefreshInterval = time.Minute

// openCredentials reads the Twilio credential (auth token or API secret)
// and the proxy password: from Secret Manager when a secret version is
// configured (preferred), else from the environment. Secrets read from
// Secret Manager stay re-readable for the whole run (versions/latest
// follows rotations): cfg keeps their Sources, and the client stays open
// until ctx ends. It returns the Twilio credential as first read.
func openCredentials(ctx context.Context, cfg *Config) (secret.String, error) {
	type want struct {
		name, setting string
		check         func(string) string
		dst           **secret.Source
	}
	var wants []want
	switch {
	case cfg.APIKey != "" && cfg.APISecretSecret != "":
		wants = append(wants, want{cfg.APISecretSecret, "--api-secret-secret", twilioSecretCheck("API secret"), &cfg.twilioSecret})
	case cfg.APIKey == "" && cfg.AuthTokenSecret != "":
		wants = append(wants, want{cfg.AuthTokenSecret, "--auth-token-secret", twilioSecretCheck("auth token"), &cfg.twilioSecret})
	}
	if cfg.ProxyPasswordSecret != "" && cfg.proxyURL != nil {
		wants = append(wants, want{cfg.ProxyPasswordSecret, "--proxy-password-secret", nil, &cfg.proxySecret})
	}
	if len(wants) > 0 {
		sm, err := newSecretClient(ctx, secretManagerOptions(cfg.SecretManagerEndpoint)...)
		if err != nil {
			return secret.String{}, fmt.Errorf("secret manager client: %w", err)
		}
		context.AfterFunc(ctx, func() { sm.Close() })
		for _, w := range wants {
			v, err := readSecret(ctx, sm, w.name, w.setting, w.check)
			if err != nil {
				return secret.String{}, err
			}
			*w.dst = secret.NewSource(v, func(ctx context.Context) (secret.String, error) {
				return readSecret(ctx, sm, w.name, w.setting, w.check)
			}, secretRefreshInterval)
		}
	}
	if p := cfg.twilioPassword(); p != nil {
		return p.Get(), nil
	}
	return cfg.AuthToken, nil
}

// twilioSecretCheck refuses what cannot be a Twilio auth token or API
// secret (twilio-go would refuse it on every request).
func twilioSecretCheck(what string) func(string) string {
	return func(v string) string {
		if !alphanumeric.MatchString(v) {
			return "does not hold a Twilio " + what + " (letters and digits only; the value is not shown)"
		}
		return ""
	}
}

// secretManagerOptions points the client at SECRET_MANAGER_ENDPOINT: a
// private endpoint over TLS with the ambient credentials, or, on a
// loopback address, plaintext without credentials (a test's fake, an
// emulator).
func secretManagerOptions(endpoint string) []option.ClientOption {
	if endpoint == "" {
		return nil
	}
	opts := []option.ClientOption{option.WithEndpoint(endpoint)}
	host, _, err := net.SplitHostPort(endpoint)
	if err != nil {
		host = endpoint
	}
	if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || strings.EqualFold(host, "localhost") {
		opts = append(opts, option.WithoutAuthentication(),
			option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	}
	return opts
}
