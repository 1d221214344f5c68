package entities

import (
	"context"
	"net/http"
	"net/url"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

func (x *Executor) get(ctx context.Context, e *Entity, t *task.Task) (task.Output, error) {
	addr, err := e.idAddress(t.EntityID, nil)
	if err != nil {
		return task.Output{}, err
	}
	row, err := x.fetch(ctx, e, addr)
	if err != nil {
		return task.Output{}, err
	}
	return task.Output{Payload: row}, nil
}

// fetch reads one row.
func (x *Executor) fetch(ctx context.Context, e *Entity, addr address) (map[string]any, error) {
	body, err := x.call(ctx, http.MethodGet, e.Host, x.path(e.InstancePath, addr), nil, nil)
	if err != nil {
		return nil, err
	}
	return e.withParents(e.Row(body), addr), nil
}

func (x *Executor) create(ctx context.Context, e *Entity, t *task.Task) (task.Output, error) {
	form, pathVals, err := e.form(Create, e.Creates, t.Payload)
	if err != nil {
		return task.Output{}, err
	}
	addr := address(pathVals)
	if err := e.checkAddress(addr); err != nil {
		return task.Output{}, err
	}
	tmpl := e.ListPath
	if e.CreateOnInstance {
		tmpl = e.InstancePath
		if err := e.checkKeyValue(addr[e.KeyParam]); err != nil {
			return task.Output{}, err
		}
	}
	row, err := x.createRow(ctx, e, x.path(tmpl, addr), form)
	if err != nil {
		return task.Output{}, err
	}
	return task.Output{Payload: e.keyOf(e.withParents(row, addr))}, nil
}

// createRow sends a create to path and maps what its answer needs: only
// the key's columns when the entity has a key (a create answers the key,
// and decoding the rest of the row was most of a create's CPU), else the
// whole row.
func (x *Executor) createRow(ctx context.Context, e *Entity, path string, form url.Values) (map[string]any, error) {
	if e.keyFields == nil {
		body, err := x.call(ctx, http.MethodPost, e.Host, path, nil, form)
		return e.Row(body), err
	}
	resp, err := x.send(ctx, http.MethodPost, e.Host, path, nil, form)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return e.readKey(resp, http.MethodPost, path)
}

func (x *Executor) update(ctx context.Context, e *Entity, t *task.Task) (task.Output, error) {
	form, _, err := e.form(Update, e.Updates, t.Payload)
	if err != nil {
		return task.Output{}, err
	}
	if t.EntityID == "" {
		return x.bulk(ctx, e, t, func(ctx context.Context, addr address) error {
			_, err := x.updateOne(ctx, e, addr, form)
			return err
		})
	}
	addr, err := x.checkIDMatches(ctx, e, t)
	if err != nil {
		return task.Output{}, err
	}
	row, err := x.updateOne(ctx, e, addr, form)
	if err != nil || e.UpdateAnswersEmpty {
		return task.Output{Payload: map[string]any{}}, err
	}
	return task.Output{Payload: e.keyOf(row)}, nil
}

func (x *Executor) updateOne(ctx context.Context, e *Entity, addr address, form url.Values) (map[string]any, error) {
	body, err := x.call(ctx, http.MethodPost, e.Host, x.path(e.InstancePath, addr), nil, form)
	if err != nil {
		return nil, err
	}
	return e.withParents(e.Row(body), addr), nil
}

func (x *Executor) delete(ctx context.Context, e *Entity, t *task.Task) (task.Output, error) {
	if t.EntityID == "" {
		return x.bulk(ctx, e, t, func(ctx context.Context, addr address) error {
			return x.deleteOne(ctx, e, addr)
		})
	}
	addr, err := x.checkIDMatches(ctx, e, t)
	if err != nil {
		return task.Output{}, err
	}
	if err := x.deleteOne(ctx, e, addr); err != nil {
		return task.Output{}, err
	}
	return task.Output{Payload: map[string]any{}}, nil
}

func (x *Executor) deleteOne(ctx context.Context, e *Entity, addr address) error {
	_, err := x.call(ctx, http.MethodDelete, e.Host, x.path(e.InstancePath, addr), nil, nil)
	return err
}

// checkIDMatches resolves the entityId and, when a filterClause is given
// too, acts only if the row matches it (docs/connector-model.md §3.5).
// task.Decode refuses entityId and filterClause together, so only tasks
// built in code reach that check.
func (x *Executor) checkIDMatches(ctx context.Context, e *Entity, t *task.Task) (address, error) {
	var q *query
	if t.FilterClause != "" {
		var err error
		if q, err = e.query(t.FilterClause); err != nil {
			return nil, err
		}
	}
	addr, err := e.idAddress(t.EntityID, q)
	if err != nil || q == nil {
		return addr, err
	}
	row, err := x.fetch(ctx, e, addr)
	if err != nil {
		return nil, err
	}
	if !q.match(row) {
		return nil, codes.Errorf(codes.NotFound, "%s %s does not match the filterClause; nothing was changed", e.Name, t.EntityID)
	}
	return addr, nil
}
