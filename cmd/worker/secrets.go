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

// readSecret fetches a secret from a Secret Manager version, checks the
// payload's CRC32C and, when check is set, its form (check returns what
// is wrong, "" when nothing). The payload never appears in an error;
// setting names the setting in configuration errors.
func readSecret(ctx context.Context, sm secretAccessor, name, setting string, check func(string) string) (secret.String, error) {
	resp, err := sm.AccessSecretVersion(ctx, &secretmanagerpb.AccessSecretVersionRequest{Name: name})
	if err != nil {
		return secret.String{}, fmt.Errorf("%s: reading secret %s: %w", setting, name, err)
	}
	data := resp.GetPayload().GetData()
	if sum := resp.GetPayload().DataCrc32C; sum != nil &&
		int64(crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))) != *sum {
		return secret.String{}, fmt.Errorf("%s: reading secret %s: payload checksum mismatch", setting, name)
	}
	value := strings.TrimSpace(string(data))
	if value == "" {
		return secret.String{}, configErr("%s: secret %s is empty", setting, name)
	}
	if check != nil {
		if p := check(value); p != "" {
			return secret.String{}, configErr("%s: secret %s %s", setting, name, p)
		}
	}
	return secret.New(value), nil
}
