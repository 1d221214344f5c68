package main

import (
	"context"
	"fmt"
	"hash/crc32"
	"strings"

	secretmanager "cloud.google.com/go/secretmanager/apiv1"
	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"github.com/googleapis/gax-go/v2"
	"google.golang.org/api/option"

	"github.com/connectorworks/twilio-worker/internal/secret"
)

// secretAccessor is the one Secret Manager call the worker needs; tests
// pass a fake.
type secretAccessor interface {
	AccessSecretVersion(ctx context.Context, req *secretmanagerpb.AccessSecretVersionRequest, opts ...gax.CallOption) (*secretmanagerpb.AccessSecretVersionResponse, error)
}

var _ secretAccessor = (*secretmanager.Client)(nil)

// newSecretClient dials Secret Manager with the ambient credentials.
func newSecretClient(ctx context.Context, opts ...option.ClientOption) (*secretmanager.Client, error) {
	return secretmanager.NewClient(ctx, opts...)
}

// readAuthToken fetches the auth token from a Secret Manager version and
// checks the payload's CRC32C. The payload never appears in an error.
func readAuthToken(ctx context.Context, sm secretAccessor, name string) (secret.String, error) {
	resp, err := sm.AccessSecretVersion(ctx, &secretmanagerpb.AccessSecretVersionRequest{Name: name})
	if err != nil {
		return secret.String{}, fmt.Errorf("reading secret %s: %w", name, err)
	}
	data := resp.GetPayload().GetData()
	if sum := resp.GetPayload().DataCrc32C; sum != nil &&
		int64(crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))) != *sum {
		return secret.String{}, fmt.Errorf("reading secret %s: payload checksum mismatch", name)
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return secret.String{}, configErr("--auth-token-secret: secret %s is empty", name)
	}
	if !alphanumeric.MatchString(token) {
		return secret.String{}, configErr("--auth-token-secret: secret %s does not hold a Twilio auth token "+
			"(letters and digits only; the value is not shown)", name)
	}
	return secret.New(token), nil
}
