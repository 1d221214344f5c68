package filter_test

import (
	"slices"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/filter"
)

func TestReadColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{`a = 1`, []string{"a"}},
		{`a = 1 AND b LIKE 'x%' OR NOT c IS NULL`, []string{"a", "b", "c"}},
		{`a IN (1, 2) AND b NOT BETWEEN 1 AND 2 AND a != 3`, []string{"a", "b"}},
		{`NOT (x IS NOT NULL OR y > 2)`, []string{"x", "y"}},
	}
	for _, tt := range tests {
		e, err := filter.Parse(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		got, ok := filter.ReadColumns(e)
		if !ok || !slices.Equal(got, tt.want) {
			t.Errorf("ReadColumns(%s) = %v, %v; want %v, true", tt.in, got, ok, tt.want)
		}
	}
}

// unknownExpr stands for a node type added later: ReadColumns must say it
// cannot list the columns rather than miss one.
type unknownExpr struct{}

func (unknownExpr) String() string { return "?" }

func TestReadColumnsUnknownNode(t *testing.T) {
	t.Parallel()
	e := &filter.And{Left: &filter.IsNull{Column: "a"}, Right: unknownExpr{}}
	if _, ok := filter.ReadColumns(e); ok {
		t.Error("ReadColumns accepted a node it does not know")
	}
}
