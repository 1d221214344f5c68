package entities

import (
	"context"
	"net/http"
	"net/url"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/handler"
)

func (x *Executor) get(ctx context.Context, e *Entity, t *handler.Task) (handler.Output, error) {
	if err := checkKey(e, t.EntityID); err != nil {
		return handler.Output{}, err
	}
	row, err := x.fetch(ctx, e, t.EntityID)
	if err != nil {
		return handler.Output{}, err
	}
	return handler.Output{Payload: row}, nil
}

// fetch reads one row by key.
func (x *Executor) fetch(ctx context.Context, e *Entity, id string) (map[string]any, error) {
	body, err := x.call(ctx, http.MethodGet, e.Host, x.path(e.InstancePath, instanceValues(e, id)), nil, nil)
	if err != nil {
		return nil, err
	}
	return e.Row(body), nil
}

func (x *Executor) create(ctx context.Context, e *Entity, t *handler.Task) (handler.Output, error) {
	form, pathVals, err := e.form(Create, e.Creates, t.Payload)
	if err != nil {
		return handler.Output{}, err
	}
	tmpl := e.ListPath
	if e.CreateOnInstance {
		tmpl = e.InstancePath
		if id := pathVals[e.KeyParam]; id == "" {
			return handler.Output{}, codes.Errorf(codes.InvalidArgument,
				"connectorInputPayload: %s is required for %s CREATE", e.Key, e.Name)
		}
	}
	body, err := x.call(ctx, http.MethodPost, e.Host, x.path(tmpl, pathVals), nil, form)
	if err != nil {
		return handler.Output{}, err
	}
	return handler.Output{Payload: e.keyOf(e.Row(body))}, nil
}

func (x *Executor) update(ctx context.Context, e *Entity, t *handler.Task) (handler.Output, error) {
	form, _, err := e.form(Update, e.Updates, t.Payload)
	if err != nil {
		return handler.Output{}, err
	}
	if t.EntityID == "" {
		return x.bulk(ctx, e, t, func(ctx context.Context, id string) error {
			_, err := x.updateOne(ctx, e, id, form)
			return err
		})
	}
	if err := x.checkIDMatches(ctx, e, t); err != nil {
		return handler.Output{}, err
	}
	row, err := x.updateOne(ctx, e, t.EntityID, form)
	if err != nil || e.UpdateAnswersEmpty {
		return handler.Output{Payload: map[string]any{}}, err
	}
	return handler.Output{Payload: e.keyOf(row)}, nil
}

func (x *Executor) updateOne(ctx context.Context, e *Entity, id string, form url.Values) (map[string]any, error) {
	body, err := x.call(ctx, http.MethodPost, e.Host, x.path(e.InstancePath, instanceValues(e, id)), nil, form)
	if err != nil {
		return nil, err
	}
	return e.Row(body), nil
}

func (x *Executor) delete(ctx context.Context, e *Entity, t *handler.Task) (handler.Output, error) {
	if t.EntityID == "" {
		return x.bulk(ctx, e, t, func(ctx context.Context, id string) error {
			return x.deleteOne(ctx, e, id)
		})
	}
	if err := x.checkIDMatches(ctx, e, t); err != nil {
		return handler.Output{}, err
	}
	if err := x.deleteOne(ctx, e, t.EntityID); err != nil {
		return handler.Output{}, err
	}
	return handler.Output{Payload: map[string]any{}}, nil
}

func (x *Executor) deleteOne(ctx context.Context, e *Entity, id string) error {
	_, err := x.call(ctx, http.MethodDelete, e.Host, x.path(e.InstancePath, instanceValues(e, id)), nil, nil)
	return err
}

// checkIDMatches validates the entityId and, when a filterClause is given
// too, acts only if the row matches it (connector-model.md §3.5).
func (x *Executor) checkIDMatches(ctx context.Context, e *Entity, t *handler.Task) error {
	if err := checkKey(e, t.EntityID); err != nil {
		return err
	}
	if t.FilterClause == "" {
		return nil
	}
	q, err := e.query(t.FilterClause)
	if err != nil {
		return err
	}
	row, err := x.fetch(ctx, e, t.EntityID)
	if err != nil {
		return err
	}
	if !q.match(row) {
		return codes.Errorf(codes.NotFound, "%s %s does not match the filterClause; nothing was changed", e.Name, t.EntityID)
	}
	return nil
}
