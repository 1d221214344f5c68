package entities

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/twilio/twilio-go/client"
	"golang.org/x/sync/errgroup"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/handler"
)

// bulkConcurrency bounds the writes of one bulk task in flight; the rate
// limiter under the HTTP client still paces every request.
const bulkConcurrency = 4

// bulk runs apply on every row the filterClause matches (all pages) and
// answers the array of affected keys. It lists first and writes after, so
// the writes cannot change which rows are listed, and it refuses before
// writing anything when more rows match than MaxBulkRows.
func (x *Executor) bulk(ctx context.Context, e *Entity, t *handler.Task, apply func(context.Context, string) error) (handler.Output, error) {
	if strings.TrimSpace(t.FilterClause) == "" {
		return handler.Output{}, codes.Errorf(codes.InvalidArgument,
			"%s by filterClause needs a non-empty filterClause (an empty clause never means every row); or give entityId", t.Operation)
	}
	ids, err := x.matchingKeys(ctx, e, t.FilterClause)
	if err != nil {
		return handler.Output{}, err
	}
	done := make([]bool, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(bulkConcurrency)
	var mu sync.Mutex
	for i, id := range ids {
		g.Go(func() error {
			// A row deleted since the listing (or by an earlier delivery of
			// this task) counts as deleted, but not as updated.
			if err := apply(gctx, id); err != nil && !(t.Operation == string(Delete) && isNotFound(err)) {
				return &codes.Context{Msg: fmt.Sprintf("on %s %s", e.Key, id), Err: err}
			}
			mu.Lock()
			done[i] = true
			mu.Unlock()
			return nil
		})
	}
	keys := make([]any, 0, len(ids))
	werr := g.Wait()
	for i, id := range ids {
		if done[i] {
			keys = append(keys, map[string]any{e.Key: id})
		}
	}
	if werr != nil {
		return handler.Output{}, &codes.Context{Err: werr, Msg: fmt.Sprintf(
			"%s by filterClause stopped: %d of %d matching rows were done before the failure (%s %s)",
			t.Operation, len(keys), len(ids), e.Key, keyList(keys, e.Key))}
	}
	return handler.Output{Payload: keys}, nil
}

// matchingKeys lists every row matching the clause, all pages.
func (x *Executor) matchingKeys(ctx context.Context, e *Entity, clause string) ([]string, error) {
	q, err := e.query(clause)
	if err != nil {
		return nil, err
	}
	var rows []any
	switch {
	case q.empty:
	case q.key != "":
		rows, err = x.byKey(ctx, e, q)
	case !e.Supports(List):
		return nil, codes.Errorf(codes.InvalidArgument, "%s has no list endpoint in Twilio, so its filterClause must "+
			"name the row: %s = '…' (or give entityId)", e.Name, e.Key)
	default:
		limit := x.maxBulk()
		rows, _, err = x.scan(ctx, e, q, position{Size: twilioMaxPage}, limit+1)
		if err == nil && len(rows) > limit {
			return nil, codes.Errorf(codes.InvalidArgument, "filterClause matches more than %d %s rows; "+
				"nothing was changed: narrow the filter or split the task", limit, e.Name)
		}
	}
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		if id, ok := r.(map[string]any)[e.Key].(string); ok {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func (x *Executor) maxBulk() int {
	if x.MaxBulkRows > 0 {
		return x.MaxBulkRows
	}
	return DefaultMaxBulkRows
}

// isNotFound reports Twilio's 404.
func isNotFound(err error) bool {
	var tre *client.TwilioRestError
	return errors.As(err, &tre) && tre.Status == http.StatusNotFound
}

func keyList(keys []any, key string) string {
	if len(keys) == 0 {
		return "none"
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = fmt.Sprint(k.(map[string]any)[key])
	}
	return strings.Join(ids, ", ")
}
