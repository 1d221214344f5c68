package filter_test

import (
	"testing"

	"github.com/connectorworks/twilio-worker/internal/filter"
)

// TestThreeValuedLogic checks SQL's truth tables with U = (n = 1) on a NULL
// n, T = (t = 1) and F = (f = 1). Eval's answer is whether the whole clause
// is TRUE, so an UNKNOWN result shows up as false, and the NOT of an UNKNOWN
// result as false too.
func TestThreeValuedLogic(t *testing.T) {
	t.Parallel()
	row := map[string]any{"n": nil, "t": 1.0, "f": 0.0}
	tests := []struct {
		in   string
		want bool
	}{
		{`n = 1`, false},
		{`NOT n = 1`, false},
		{`NOT NOT n = 1`, false},
		{`n != 1`, false},
		{`n = 1 AND t = 1`, false},
		{`NOT (n = 1 AND t = 1)`, false}, // U AND T = U
		{`n = 1 AND f = 1`, false},
		{`NOT (n = 1 AND f = 1)`, true}, // U AND F = F
		{`n = 1 OR t = 1`, true},        // U OR T = T
		{`NOT (n = 1 OR t = 1)`, false},
		{`n = 1 OR f = 1`, false},
		{`NOT (n = 1 OR f = 1)`, false}, // U OR F = U
		{`f = 1 OR NOT n = 1`, false},
		{`missing = 1`, false},
		{`NOT missing = 1`, false},
		{`n IS NULL`, true},
		{`missing IS NULL`, true},
		{`n IS NOT NULL`, false},
		{`NOT n IS NULL`, false},
		{`t IS NOT NULL`, true},
		{`n = NULL`, false},
		{`NOT n = NULL`, false},
		{`t = NULL`, false},
		{`NOT t != NULL`, false},
		{`t IN (2, NULL)`, false},
		{`t NOT IN (2, NULL)`, false}, // no match and a NULL: UNKNOWN
		{`t IN (1, NULL)`, true},
		{`t NOT IN (1, NULL)`, false},
		{`t NOT IN (2, 3)`, true},
		{`n IN (1)`, false},
		{`n NOT IN (2)`, false},
		{`n BETWEEN 0 AND 2`, false},
		{`n NOT BETWEEN 0 AND 2`, false},
		{`t BETWEEN NULL AND 2`, false},     // U AND T = U
		{`t NOT BETWEEN NULL AND 2`, false}, //
		{`t NOT BETWEEN NULL AND 0`, true},  // U AND F = F, negated
		{`n LIKE '%'`, false},
		{`n NOT LIKE '%'`, false},
		{`t LIKE '1'`, true}, // an unbound column compares a JSON number as its text
	}
	for _, tc := range tests {
		if got := filter.Eval(mustParse(t, tc.in), row); got != tc.want {
			t.Errorf("Eval(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestEvalUnbound covers trees that skipped Bind: every column is TypeAny,
// so values compare by the literal's kind.
func TestEvalUnbound(t *testing.T) {
	t.Parallel()
	row := map[string]any{"s": "10", "b": "TRUE", "x": []any{"a"}}
	tests := []struct {
		in   string
		want bool
	}{
		{`s = 10`, true},      // numeric literal: "10" read as a number
		{`s > 9`, true},       //
		{`s > '9'`, false},    // string literal: "10" < "9" as text
		{`s = '10'`, true},    //
		{`b = TRUE`, true},    // "TRUE" read as a boolean
		{`b = 'true'`, false}, // but as text it is "TRUE"
		{`x = 'a'`, false},
		{`x IS NOT NULL`, true},
		{`S = 10`, false}, // rows are keyed by canonical names; Bind resolves case
	}
	for _, tc := range tests {
		if got := filter.Eval(mustParse(t, tc.in), row); got != tc.want {
			t.Errorf("Eval(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
