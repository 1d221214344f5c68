package sendmark_test

import (
	"context"
	"errors"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/sendmark"
)

func TestBefore(t *testing.T) {
	if err := sendmark.Before(context.Background()); err != nil {
		t.Errorf("Before without a Func = %v, want nil", err)
	}
	calls := 0
	refuse := errors.New("refused")
	ctx := sendmark.With(context.Background(), func(context.Context) error { calls++; return refuse })
	if err := sendmark.Before(ctx); !errors.Is(err, refuse) || calls != 1 {
		t.Errorf("Before = %v after %d calls, want the Func's error after 1", err, calls)
	}
}
