package sendmark_test

import (
	"context"
	"errors"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/sendmark"
)

func TestHooks(t *testing.T) {
	bare := context.Background()
	if err := sendmark.Sending(bare); err != nil {
		t.Errorf("Sending without hooks = %v, want nil", err)
	}
	sendmark.Unprocessed(bare) // no hooks: nothing to call, no panic
	sendmark.Unprocessed(sendmark.With(bare, sendmark.Hooks{}))

	sent, unprocessed := 0, 0
	refuse := errors.New("refused")
	ctx := sendmark.With(bare, sendmark.Hooks{
		Sending:     func(context.Context) error { sent++; return refuse },
		Unprocessed: func(context.Context) { unprocessed++ },
	})
	if err := sendmark.Sending(ctx); !errors.Is(err, refuse) || sent != 1 {
		t.Errorf("Sending = %v after %d calls, want the hook's error after 1", err, sent)
	}
	sendmark.Unprocessed(ctx)
	if unprocessed != 1 {
		t.Errorf("Unprocessed hook called %d times, want 1", unprocessed)
	}
}
