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
	"github.com/connectorworks/twilio-worker/internal/task"
)

// bulkConcurrency bounds the writes of one bulk task in flight; the rate
// limiter under the HTTP client still paces every request.
const bulkConcurrency = 4

// bulk runs apply on every row the filterClause matches (all pages) and
// answers the array of affected keys. It lists first and writes after, so
// the writes cannot change which rows are listed, and it refuses before
// writing anything when more rows match than MaxBulkRows.
func (x *Executor) bulk(ctx context.Context, e *Entity, t *task.Task, apply func(context.Context, address) error) (task.Output, error) {
	if strings.TrimSpace(t.FilterClause) == "" {
		return task.Output{}, codes.Errorf(codes.InvalidArgument,
			"%s by filterClause needs a non-empty filterClause (an empty clause never means every row); or give entityId", t.Operation)
	}
	rows, err := x.matching(ctx, e, t.FilterClause)
	if err != nil {
		return task.Output{}, err
	}
	done := make([]bool, len(rows))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(bulkConcurrency)
	var mu sync.Mutex
	for i, row := range rows {
		g.Go(func() error {
			// A row deleted since the listing (or by an earlier delivery of
			// this task) counts as deleted, but not as updated.
			if err := apply(gctx, e.rowAddress(row)); err != nil && !(t.Operation == string(Delete) && isNotFound(err)) {
				return &codes.Context{Msg: fmt.Sprintf("on %s %v", e.Key, row[e.Key]), Err: err}
			}
			mu.Lock()
			done[i] = true
			mu.Unlock()
			return nil
		})
	}
	keys := make([]any, 0, len(rows))
	werr := g.Wait()
	for i, row := range rows {
		if done[i] {
			keys = append(keys, e.keyOf(row))
		}
	}
	if werr != nil {
		return task.Output{}, &codes.Context{Err: werr, Msg: fmt.Sprintf(
			"%s by filterClause stopped: %d of %d matching rows were done before the failure (%s %s)",
			t.Operation, len(keys), len(rows), e.Key, keyList(keys, e.Key))}
	}
	return task.Output{Payload: keys}, nil
}

// matching lists every row matching the clause, all pages, refusing
// before any write when more than MaxBulkRows match.
func (x *Executor) matching(ctx context.Context, e *Entity, clause string) ([]map[string]any, error) {
	q, err := e.query(clause)
	if err != nil {
		return nil, err
	}
	if !e.Supports(List) && (q.key == "" || !e.Supports(Get)) {
		if !e.Supports(Get) {
			return nil, codes.Errorf(codes.InvalidArgument, "%s can neither be listed nor read in Twilio, so it "+
				"cannot be found by filterClause: give entityId (%s)", e.Name, e.IDForm())
		}
		return nil, codes.Errorf(codes.InvalidArgument, "%s has no list endpoint in Twilio, so its filterClause must "+
			"name the row: %s = '…' (or give entityId)", e.Name, e.Key)
	}
	limit := x.maxBulk()
	found, _, err := x.listRows(ctx, e, q, position{Size: twilioMaxPage}, limit+1)
	if err != nil {
		return nil, err
	}
	if len(found) > limit {
		return nil, codes.Errorf(codes.InvalidArgument, "filterClause matches more than %d %s rows; "+
			"nothing was changed: narrow the filter or split the task", limit, e.Name)
	}
	rows := make([]map[string]any, len(found))
	for i, r := range found {
		rows[i] = r.(map[string]any)
	}
	return rows, nil
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
