package entities

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/twilio/twilio-go/client"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// DefaultMaxBulkRows bounds how many rows one UPDATE or DELETE by
// filterClause may touch; beyond it the task fails before writing anything.
const DefaultMaxBulkRows = 1000

// Executor runs tasks against Twilio. It implements the handler package's
// Ops interface; the assertion lives in executor_test.go, since importing
// handler here would link its task store (go-redis) and logger (zap) into
// everything that uses the catalogue. Its fields are set once; it is safe
// for concurrent use.
type Executor struct {
	Catalogue  *Catalogue
	AccountSID string
	// Handler returns a twilio-go request handler whose HTTP requests carry
	// ctx (twilio-go has no context of its own), through the shared
	// transport stack where the rate limiter lives.
	Handler     func(ctx context.Context) *client.RequestHandler
	MaxBulkRows int
}

// Canonical returns the catalogue name of an entity.
func (x *Executor) Canonical(name string) (string, bool) {
	if e, ok := x.Catalogue.Lookup(name); ok {
		return e.Name, true
	}
	return name, false
}

// Do runs one decoded task.
func (x *Executor) Do(ctx context.Context, t *task.Task) (task.Output, error) {
	if t.Operation == "ACTION" {
		return x.action(ctx, t)
	}
	e, ok := x.Catalogue.Lookup(t.Entity)
	if !ok {
		return task.Output{}, codes.Errorf(codes.NotFound, "unknown entity %.64q; the entities are: %s",
			t.Entity, strings.Join(x.Catalogue.Names(), ", "))
	}
	op := Op(t.Operation)
	if !e.Supports(op) {
		return task.Output{}, codes.Errorf(codes.Unimplemented, "%s does not support %s; it supports %s",
			e.Name, op, joinOps(e.Ops()))
	}
	out, err := x.run(ctx, e, op, t)
	return out, retiredError(e, err)
}

func (x *Executor) run(ctx context.Context, e *Entity, op Op, t *task.Task) (task.Output, error) {
	switch op {
	case List:
		return x.list(ctx, e, t)
	case Get:
		return x.get(ctx, e, t)
	case Create:
		return x.create(ctx, e, t)
	case Update:
		return x.update(ctx, e, t)
	case Delete:
		return x.delete(ctx, e, t)
	}
	return task.Output{}, codes.Errorf(codes.InvalidArgument, "unknown operation %q", op)
}

func joinOps(ops []Op) string {
	s := make([]string, len(ops))
	for i, op := range ops {
		s[i] = string(op)
	}
	return strings.Join(s, ", ")
}

// retiredError explains Twilio's 404 on an entity whose endpoints Twilio
// retired. A 404 cannot tell "no such row" from "endpoint switched off", so
// the code stays NOT_FOUND (the row's absence, which simulators and older
// accounts report) and the message names both readings and the successor.
func retiredError(e *Entity, err error) error {
	var tre *client.TwilioRestError
	if err == nil || e.Retired == "" || !errors.As(err, &tre) || tre.Status != 404 {
		return err
	}
	return &codes.Error{Code: codes.NotFound, Err: err,
		Message: fmt.Sprintf("%s: Twilio answered %d (code %d: %s). Either the row does not exist, or this is "+
			"the live Twilio API, where the endpoint is gone: %s", e.Name, tre.Status, tre.Code, tre.Message, e.Retired),
		TwilioCode: tre.Code, HTTPStatus: tre.Status, MoreInfo: tre.MoreInfo}
}
