package main

import (
	"context"
	"fmt"

	"github.com/connectorworks/twilio-worker/internal/secret"
)

// authToken returns the Twilio auth token: from Secret Manager when a
// secret version is configured (preferred), else from TWILIO_AUTH_TOKEN.
func authToken(ctx context.Context, cfg *Config) (secret.String, error) {
	if cfg.AuthTokenSecret == "" {
		return cfg.AuthToken, nil
	}
	sm, err := newSecretClient(ctx)
	if err != nil {
		return secret.String{}, fmt.Errorf("secret manager client: %w", err)
	}
	defer sm.Close()
	return readAuthToken(ctx, sm, cfg.AuthTokenSecret)
}
