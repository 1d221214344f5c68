package entities

import (
	"context"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/handler"
)

// action runs an ACTION task. The connector model's actions (SendMessage,
// AddOutgoingCallerIds) arrive with the full catalogue.
func (x *Executor) action(ctx context.Context, t *handler.Task) (handler.Output, error) {
	return handler.Output{}, codes.Errorf(codes.NotFound, "unknown action %.64q; this version has no actions yet", t.Action)
}
