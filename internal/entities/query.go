package entities

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/connectorworks/twilio-worker/internal/filter"
)

// query is a bound filterClause with its pushdown plan: the conjuncts
// Twilio can answer become list parameters, and the whole expression is
// still evaluated on every row that comes back (docs/architecture.md,
// decision 3), so pushdown changes how many rows Twilio sends, never the
// answer.
type query struct {
	expr    filter.Expr       // bound expression; nil matches every row
	params  url.Values        // pushed-down list filters
	key     string            // Sid = '…': fetch that one row instead of listing
	parents map[string]string // MessageSid = '…': the parent rows named
	empty   bool              // contradictory pushdown: no row can match
	exact   bool              // the pushdown alone answers the expression
}

func (q *query) match(row map[string]any) bool {
	return q == nil || q.expr == nil || filter.Eval(q.expr, row)
}

// query parses and binds a filterClause against the entity's columns and
// plans its pushdown. A blank clause matches every row.
func (e *Entity) query(clause string) (*query, error) {
	q := &query{params: url.Values{}, parents: map[string]string{}, exact: true}
	if strings.TrimSpace(clause) == "" {
		return q, nil
	}
	expr, err := filter.Parse(clause)
	if err != nil {
		return nil, invalid(err)
	}
	if expr, err = filter.Bind(expr, schema{e}); err != nil {
		return nil, invalid(err)
	}
	q.expr = expr
	for _, c := range filter.Conjuncts(expr) {
		if !q.push(e, c) {
			q.exact = false
		}
	}
	return q, nil
}

// push plans one top-level conjunct; it reports whether the pushdown
// answers the conjunct exactly.
func (q *query) push(e *Entity, c filter.Expr) bool {
	switch p := c.(type) {
	case *filter.Compare:
		return q.pushCompare(e, p.Column, string(p.Op), p.Value)
	case *filter.In:
		if len(p.Values) == 1 && !p.Negate {
			return q.pushCompare(e, p.Column, "=", p.Values[0])
		}
	case *filter.Between:
		if !p.Negate {
			q.pushCompare(e, p.Column, ">=", p.Low)
			q.pushCompare(e, p.Column, "<=", p.High)
		}
	}
	return false
}

func (q *query) pushCompare(e *Entity, column, op string, v filter.Value) bool {
	col, ok := e.Column(column)
	if !ok || v.Kind == filter.KindNull {
		return false
	}
	if col.Key && op == "=" {
		q.setKey(literalText(v))
		return false // the fetched row is still checked against the rest
	}
	if col.Parent && op == "=" {
		if old, ok := q.parents[col.Name]; ok && old != literalText(v) {
			q.empty = true
		}
		q.parents[col.Name] = literalText(v)
		return false
	}
	if col.Filter == nil {
		return false
	}
	if col.Filter.Range {
		q.pushDay(col.Filter.Param, op, v)
		return false // day bounds are wider than the predicate on purpose
	}
	text := literalText(v)
	if op != "=" || !col.Filter.accepts(text) {
		return false // Twilio would refuse the value; the rows decide
	}
	q.setEq(col.Filter.Param, text)
	return true
}

// accepts reports whether Twilio's list parameter takes the value: a value
// outside its enum or pattern is never sent, so a pushdown cannot turn a
// filter that matches nothing into a Twilio error.
func (f *ListFilter) accepts(v string) bool {
	if len(f.Enum) > 0 && !slices.Contains(f.Enum, v) {
		return false
	}
	return f.Pattern == "" || matchPattern(f.Pattern, v)
}

func (q *query) setKey(id string) {
	if q.key != "" && q.key != id {
		q.empty = true
	}
	q.key = id
}

func (q *query) setEq(param, value string) {
	if old, ok := q.params[param]; ok && old[0] != value {
		q.empty = true
	}
	q.params.Set(param, value)
}

// pushDay turns a comparison on a date-filterable column into Twilio's
// inclusive whole-day (UTC) bounds: a lower bound pushes Param> = its day,
// an upper bound Param< = two days on, safe whichever way Twilio reads the
// boundary (docs/connector-model.md §3.4). Days are sent as midnight UTC in
// RFC 3339, the format the specification declares (format: date-time) and
// twilio-go itself sends; Twilio filters by the day.
func (q *query) pushDay(param, op string, v filter.Value) {
	t, ok := literalTime(v)
	if !ok {
		return
	}
	midnight := time.Date(t.UTC().Year(), t.UTC().Month(), t.UTC().Day(), 0, 0, 0, 0, time.UTC)
	day := midnight.Format(time.RFC3339)
	next := midnight.AddDate(0, 0, 2).Format(time.RFC3339) // covers date-only literals ending at d+1
	switch op {
	case "=":
		q.setEq(param, day)
	case ">", ">=":
		if old := q.params.Get(param + ">"); old == "" || day > old {
			q.params.Set(param+">", day)
		}
	case "<", "<=":
		if old := q.params.Get(param + "<"); old == "" || next < old {
			q.params.Set(param+"<", next)
		}
	}
}

func literalTime(v filter.Value) (time.Time, bool) {
	if v.Kind != filter.KindString {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, v.Str); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func literalText(v filter.Value) string {
	switch v.Kind {
	case filter.KindString:
		return v.Str
	case filter.KindBool:
		if v.Bool {
			return "true"
		}
		return "false"
	}
	return v.Raw
}
