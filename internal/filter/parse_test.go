package filter_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectorworks/twilio-worker/internal/filter"
)

// validClauses pairs inputs with their canonical rendering. The fuzz target
// seeds from this table too.
var validClauses = []struct{ in, want string }{
	{`Status = 'delivered'`, `Status = 'delivered'`},
	{`status='delivered'`, `status = 'delivered'`},
	{`Sender <> '+14155550100'`, `Sender != '+14155550100'`},
	{`NumSegments>=2`, `NumSegments >= 2`},
	{`Price < -0.5`, `Price < -0.5`},
	{`a=-1`, `a = -1`},
	{`x = 1e3`, `x = 1e3`},
	{`x = 1E+3`, `x = 1E+3`},
	{`x = 00110`, `x = 00110`},
	{`x = .5`, `x = .5`},
	{`x = 1.`, `x = 1.`},
	{`a = 'it''s'`, `a = 'it''s'`},
	{`a = ''`, `a = ''`},
	{`a = "double"`, `a = 'double'`},
	{`a = "say ""hi"" it's"`, `a = 'say "hi" it''s'`},
	{`"geo.accuracy" IN ("RANGE_INTERPOLATED","ROOFTOP")`, `geo.accuracy IN ('RANGE_INTERPOLATED', 'ROOFTOP')`},
	{`[Date Sent] > '2024-01-01'`, `"Date Sent" > '2024-01-01'`},
	{`"Status" = 'x'`, `Status = 'x'`},
	{`"and" = 1`, `"and" = 1`},
	{`[a]]b] = 1`, `"a]b" = 1`},
	{`"a""b" = 1`, `"a""b" = 1`},
	{`"1st" = 1`, `"1st" = 1`},
	{`a.b_c = 1 AND _x = 2`, `a.b_c = 1 AND _x = 2`},
	{`Ünïcode = 'ü'`, `Ünïcode = 'ü'`},
	{`a in (1)`, `a IN (1)`},
	{`a NOT IN (1,2 , 3)`, `a NOT IN (1, 2, 3)`},
	{`a IN (NULL, 'x', 2, TRUE)`, `a IN (NULL, 'x', 2, TRUE)`},
	{`Body LIKE '%hi%'`, `Body LIKE '%hi%'`},
	{`Body not like "x_"`, `Body NOT LIKE 'x_'`},
	{`a is null`, `a IS NULL`},
	{`a Is Not Null`, `a IS NOT NULL`},
	{`a BETWEEN 1 AND 2`, `a BETWEEN 1 AND 2`},
	{`a not between '2024-01-01' and '2024-01-31'`, `a NOT BETWEEN '2024-01-01' AND '2024-01-31'`},
	{`a = true OR a = false OR a = null`, `a = TRUE OR a = FALSE OR a = NULL`},
	{`a = 1 OR b = 2 AND c = 3`, `a = 1 OR b = 2 AND c = 3`},
	{`(a = 1 OR b = 2) AND c = 3`, `(a = 1 OR b = 2) AND c = 3`},
	{`NOT a = 1 AND b = 2`, `NOT a = 1 AND b = 2`},
	{`NOT (a = 1 AND b = 2)`, `NOT (a = 1 AND b = 2)`},
	{`a = 1 AND (b = 2 AND c = 3)`, `a = 1 AND (b = 2 AND c = 3)`},
	{`a = 1 OR (b = 2 OR c = 3)`, `a = 1 OR (b = 2 OR c = 3)`},
	{`a = 1 AND (b = 2 OR c = 3)`, `a = 1 AND (b = 2 OR c = 3)`},
	{`((a = 1))`, `a = 1`},
	{`NOT NOT a = 1`, `NOT NOT a = 1`},
	{`NOT a NOT IN (1)`, `NOT a NOT IN (1)`},
	{`a = 1 and b = 2 Or c = 3`, `a = 1 AND b = 2 OR c = 3`},
	{"a = 1\n\tAND b = 2\r\n", `a = 1 AND b = 2`},
	{`SM3ad97d41e786c02bca47c8ce1745053b`, `Sid = 'SM3ad97d41e786c02bca47c8ce1745053b'`},
	{" PN4047AC009A15885690A50A1D388B8411\n", `Sid = 'PN4047AC009A15885690A50A1D388B8411'`},
	{`Sid = 'SM3ad97d41e786c02bca47c8ce1745053b'`, `Sid = 'SM3ad97d41e786c02bca47c8ce1745053b'`},
	{`DateSent >= '2024-01-31' AND DateSent < '2024-02-01T00:00:00Z'`, `DateSent >= '2024-01-31' AND DateSent < '2024-02-01T00:00:00Z'`},
	{strings.Repeat("(", filter.MaxDepth) + "a = 1" + strings.Repeat(")", filter.MaxDepth), `a = 1`},
	{strings.Repeat("NOT ", filter.MaxDepth) + "a = 1", strings.Repeat("NOT ", filter.MaxDepth) + "a = 1"},
}

func TestParseCanonical(t *testing.T) {
	t.Parallel()
	for _, tc := range validClauses {
		e, err := filter.Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := e.String(); got != tc.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range validClauses {
		checkRoundTrip(t, tc.in, mustParse(t, tc.in))
	}
}

// TestParseTree pins the tree shapes that precedence and the bare-SID rule
// produce, beyond what the rendering shows.
func TestParseTree(t *testing.T) {
	t.Parallel()
	num := filter.NumberValue
	cmpEq := func(col string, n float64) *filter.Compare {
		return &filter.Compare{Column: col, Op: filter.OpEq, Value: num(n)}
	}
	a, b, c := cmpEq("a", 1), cmpEq("b", 2), cmpEq("c", 3)
	tests := []struct {
		in   string
		want filter.Expr
	}{
		{`a = 1 OR b = 2 AND c = 3`, &filter.Or{Left: a, Right: &filter.And{Left: b, Right: c}}},
		{`a = 1 AND b = 2 OR c = 3`, &filter.Or{Left: &filter.And{Left: a, Right: b}, Right: c}},
		{`NOT a = 1 AND b = 2`, &filter.And{Left: &filter.Not{X: a}, Right: b}},
		{`NOT (a = 1 OR b = 2)`, &filter.Not{X: &filter.Or{Left: a, Right: b}}},
		{`a = 1 AND b = 2 AND c = 3`, &filter.And{Left: &filter.And{Left: a, Right: b}, Right: c}},
		{`a <> 1`, &filter.Compare{Column: "a", Op: filter.OpNe, Value: num(1)}},
		{`a BETWEEN 1 AND 2 AND c = 3`, &filter.And{
			Left:  &filter.Between{Column: "a", Low: num(1), High: num(2)},
			Right: c,
		}},
		{`SM3ad97d41e786c02bca47c8ce1745053b`, &filter.Compare{
			Column: "Sid", Op: filter.OpEq, Value: filter.StringValue("SM3ad97d41e786c02bca47c8ce1745053b"),
		}},
		{`x = 007`, &filter.Compare{Column: "x", Op: filter.OpEq,
			Value: filter.Value{Kind: filter.KindNumber, Num: 7, Raw: "007"}}},
		{`x IN (NULL, "q", false)`, &filter.In{Column: "x",
			Values: []filter.Value{filter.NullValue(), filter.StringValue("q"), filter.BoolValue(false)}}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, mustParse(t, tc.in), ignorePos); diff != "" {
			t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestParsePositions(t *testing.T) {
	t.Parallel()
	e := mustParse(t, `a = 1 AND  bb IS NULL OR ö LIKE 'x'`)
	got := []int{}
	for _, n := range []filter.Expr{e.(*filter.Or).Left.(*filter.And).Left, e.(*filter.Or).Left.(*filter.And).Right, e.(*filter.Or).Right} {
		switch n := n.(type) {
		case *filter.Compare:
			got = append(got, n.Pos)
		case *filter.IsNull:
			got = append(got, n.Pos)
		case *filter.Like:
			got = append(got, n.Pos)
		}
	}
	if diff := cmp.Diff([]int{1, 12, 26}, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
	sid := mustParse(t, "  SM3ad97d41e786c02bca47c8ce1745053b").(*filter.Compare)
	if sid.Pos != 3 {
		t.Errorf("bare SID Pos = %d, want 3", sid.Pos)
	}
}

func TestParseEmpty(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "   ", " \t\r\n\f\v"} {
		_, err := filter.Parse(in)
		if !errors.Is(err, filter.ErrEmpty) {
			t.Errorf("Parse(%q) error = %v, want ErrEmpty", in, err)
		}
	}
	if got, want := filter.ErrEmpty.Error(), "filterClause is empty"; got != want {
		t.Errorf("ErrEmpty = %q, want %q", got, want)
	}
}
