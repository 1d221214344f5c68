package entities

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// MaxSortRows bounds a sorted LIST: Twilio cannot sort, so the worker reads
// every matching row (all pages) and sorts them itself. Beyond this many
// matches the task fails with a message asking for a narrower filter.
const MaxSortRows = 10000

// sortSpec is one parsed listEntitiesSortByColumns entry.
type sortSpec struct {
	col  *Column
	desc bool
}

func (e *Entity) parseSort(by []string) (sortSpec, error) {
	fields := strings.Fields(by[0])
	var s sortSpec
	if len(fields) == 2 && strings.EqualFold(fields[1], "DESC") {
		s.desc = true
	} else if len(fields) == 2 && strings.EqualFold(fields[1], "ASC") {
	} else if len(fields) != 1 {
		return s, codes.Errorf(codes.InvalidArgument, "listEntitiesSortByColumns: %.80q is not a column name "+
			"optionally followed by DESC (or ASC)", by[0])
	}
	name := strings.Trim(fields[0], `"[]`)
	c, ok := e.Column(name)
	if !ok {
		return s, codes.Errorf(codes.InvalidArgument, "listEntitiesSortByColumns: unknown column %.80q; %s columns are: %s",
			name, e.Name, strings.Join(e.ColumnNames(), ", "))
	}
	s.col = c
	return s, nil
}

// sorted answers a sorted LIST: every match is read, sorted by the column
// (NULLs last, ties broken by the key so pages are stable), then paged by
// offset. Each page reads the matches again; the answer is consistent
// across pages as long as the rows do not change in between.
func (x *Executor) sorted(ctx context.Context, e *Entity, t *task.Task, q *query, size int) (task.Output, error) {
	s, err := e.parseSort(t.SortBy)
	if err != nil {
		return task.Output{}, err
	}
	pos, err := decodeToken(t.PageToken, e, t, size)
	if err != nil {
		return task.Output{}, err
	}
	rows, _, err := x.listRows(ctx, e, q, position{}, MaxSortRows+1)
	if err != nil {
		return task.Output{}, err
	}
	if len(rows) > MaxSortRows {
		return task.Output{}, codes.Errorf(codes.InvalidArgument, "listEntitiesSortByColumns needs every matching "+
			"row, and more than %d %s rows match: narrow the filterClause, or list without sorting", MaxSortRows, e.Name)
	}
	slices.SortStableFunc(rows, func(a, b any) int { return e.compareRows(s, a.(map[string]any), b.(map[string]any)) })
	start := min(pos.Offset, len(rows))
	end := min(start+size, len(rows))
	out := task.Output{Payload: rows[start:end]}
	if end < len(rows) {
		out.NextPageToken = encodeToken(&position{Offset: end}, e, t, size)
	}
	return out, nil
}

func (e *Entity) compareRows(s sortSpec, a, b map[string]any) int {
	t := s.col.ValueType()
	va, vb := sortValue(t, a[s.col.Name]), sortValue(t, b[s.col.Name])
	var c int
	switch {
	case va == nil && vb == nil:
	case va == nil:
		return 1 // NULLs last, whichever the direction
	case vb == nil:
		return -1
	default:
		c = compareValues(va, vb)
		if s.desc {
			c = -c
		}
	}
	if c == 0 && e.Key != "" {
		c = cmp.Compare(fmt.Sprint(a[e.Key]), fmt.Sprint(b[e.Key]))
	}
	return c
}

// sortValue converts a row value to something ordered by the column type:
// float64 for numbers (Twilio sends many as strings), time for timestamps,
// string otherwise; nil for NULL or a value that does not fit the type.
func sortValue(t Type, v any) any {
	if v == nil {
		return nil
	}
	switch t {
	case TInteger, TNumber:
		var text string
		switch x := v.(type) {
		case json.Number:
			text = string(x)
		case string:
			text = x
		case float64:
			return x
		}
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			return f
		}
		return nil
	case TDateTime:
		if ts, err := time.Parse(time.RFC3339, fmt.Sprint(v)); err == nil {
			return ts
		}
		return nil
	case TBoolean:
		if b, ok := v.(bool); ok {
			return map[bool]string{false: "0", true: "1"}[b]
		}
	}
	return fmt.Sprint(v)
}

func compareValues(a, b any) int {
	switch x := a.(type) {
	case float64:
		return cmp.Compare(x, b.(float64))
	case time.Time:
		return x.Compare(b.(time.Time))
	}
	return cmp.Compare(a.(string), b.(string))
}
