package filter_test

import (
	"strings"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/filter"
)

func TestValueString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    filter.Value
		want string
	}{
		{filter.StringValue("it's"), `'it''s'`},
		{filter.NumberValue(1e21), `1e+21`},
		{filter.NumberValue(-0.5), `-0.5`},
		{filter.Value{Kind: filter.KindNumber, Num: 2.5}, `2.5`}, // no Raw: rendered from Num
		{filter.Value{Kind: filter.KindNumber, Num: 2, Raw: "two"}, `2`},
		{filter.BoolValue(true), `TRUE`},
		{filter.BoolValue(false), `FALSE`},
		{filter.NullValue(), `NULL`},
		{filter.Value{}, `NULL`}, // the zero Value is NULL
	}
	for _, tc := range tests {
		if got := tc.v.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.v, got, tc.want)
		}
	}
	kinds := []string{}
	for _, k := range []filter.ValueKind{filter.KindNull, filter.KindString, filter.KindNumber, filter.KindBool} {
		kinds = append(kinds, k.String())
	}
	if got, want := strings.Join(kinds, ","), "NULL,string,number,boolean"; got != want {
		t.Errorf("kinds = %q, want %q", got, want)
	}
	types := []string{}
	for typ := filter.TypeAny; typ <= filter.TypeDate+1; typ++ {
		types = append(types, typ.String())
	}
	if got, want := strings.Join(types, ","), "Any,String,Integer,Number,Boolean,DateTime,Date,Type(?)"; got != want {
		t.Errorf("types = %q, want %q", got, want)
	}
}

// TestEvalGoValues covers rows built in Go rather than decoded from JSON.
func TestEvalGoValues(t *testing.T) {
	t.Parallel()
	row := map[string]any{
		"NumSegments": 3, "Price": int64(-2), "DateSent": time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC),
		"Status": 7, "Body": int64(8), "StartDate": 20240131,
	}
	tests := []struct {
		in   string
		want bool
	}{
		{`NumSegments = 3`, true},
		{`Price < -1`, true},
		{`DateSent = '2024-01-31'`, true},
		{`DateSent > '2024-01-31T11:00:00Z'`, true},
		{`Status = '7'`, true},
		{`Body = '8'`, true},
		{`StartDate = '2024-01-31'`, false}, // a number is not a date
		{`Beta = TRUE`, false},
	}
	for _, tc := range tests {
		if got := filter.Eval(mustBind(t, tc.in), row); got != tc.want {
			t.Errorf("Eval(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestBindRejectsUnknownOperator(t *testing.T) {
	t.Parallel()
	e := &filter.Compare{Column: "Price", Op: "~", Value: filter.NumberValue(1), Pos: 1}
	_, err := filter.Bind(e, messagesSchema)
	want := `filterClause: column Price at 1:1: expected one of =, !=, <, <=, >, >=, found operator "~"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	if filter.Eval(e, map[string]any{"Price": 1.0}) {
		t.Error("Eval with an unknown operator = true, want false")
	}
}
