package filter_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectorworks/twilio-worker/internal/filter"
)

// FuzzParse checks that no input panics the parser, binder or evaluator,
// that errors are well-formed, and that every clause that parses survives
// the round trip through String, before and after binding.
//
//	go test -run XXX -fuzz FuzzParse -fuzztime 20s ./internal/filter/
func FuzzParse(f *testing.F) {
	for _, tc := range validClauses {
		f.Add(tc.in)
	}
	for _, tc := range invalidClauses {
		f.Add(tc.in)
	}
	for _, tc := range evalCases {
		f.Add(tc.in)
	}
	for _, tc := range bindErrors {
		f.Add(tc.in)
	}
	rows := []map[string]any{
		{"Body": "x", "NumSegments": "2", "DateSent": "2024-01-31T10:00:00Z", "Beta": true, "a": 1.0},
		{"Body": nil, "Price": []any{1.0}, "Extra": map[string]any{}},
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := filter.Parse(src)
		if err != nil {
			checkParseError(t, src, err)
			return
		}
		if len(e.String()) > filter.MaxLength {
			return // rendering adds spaces and doubles quotes; see Expr
		}
		checkRoundTrip(t, src, e)
		if len(filter.Conjuncts(e)) == 0 {
			t.Fatalf("Conjuncts(Parse(%q)) is empty", src)
		}
		for _, row := range rows {
			filter.Eval(e, row)
		}
		bound, err := filter.Bind(e, messagesSchema)
		var be *filter.BindError
		if err != nil && !errors.As(err, &be) {
			t.Fatalf("Bind(Parse(%q)) error %v is not a *BindError", src, err)
		}
		if err != nil {
			return
		}
		for _, row := range rows {
			filter.Eval(bound, row)
		}
		rebound, err := filter.Bind(mustParse(t, bound.String()), messagesSchema)
		if err != nil {
			t.Fatalf("bound %q renders as %q, which does not bind: %v", src, bound.String(), err)
		}
		if diff := cmp.Diff(bound, rebound, ignorePos); diff != "" {
			t.Fatalf("bound %q does not round-trip (-first +second):\n%s", src, diff)
		}
	})
}

func checkParseError(t *testing.T, src string, err error) {
	t.Helper()
	if errors.Is(err, filter.ErrEmpty) {
		if strings.Trim(src, " \t\n\r\f\v") != "" {
			t.Fatalf("Parse(%q) = ErrEmpty for a non-blank clause", src)
		}
		return
	}
	var se *filter.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("Parse(%q) error %v is not a *SyntaxError", src, err)
	}
	if se.Pos < 0 || se.Pos > len(src)+1 {
		t.Fatalf("Parse(%q) error position %d is outside 0..%d", src, se.Pos, len(src)+1)
	}
	if !strings.HasPrefix(err.Error(), "filterClause: ") || !strings.Contains(se.Msg, "expected") {
		t.Fatalf("Parse(%q) error %q does not say what was expected", src, err)
	}
}
