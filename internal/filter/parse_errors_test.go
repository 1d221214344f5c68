package filter_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/filter"
)

// invalidClauses are inputs Parse must reject, with the 1-based byte position
// of the error and a part of the message. The fuzz target seeds from it.
var invalidClauses = []struct {
	in   string
	pos  int
	want string
}{
	{`Status = `, 10, `expected a value (string, number, TRUE, FALSE or NULL), found end of input`},
	{`Status = )`, 10, `expected a value (string, number, TRUE, FALSE or NULL), found ")"`},
	{`Status = delivered`, 10, `found "delivered"; put text in single quotes: 'delivered'`},
	{`Status 'x'`, 8, `expected an operator (=, !=, <>, <, <=, >, >=, IN, LIKE, BETWEEN or IS) after the column name, found "'x'"`},
	{`= 'x'`, 1, `expected a column name or "(", found "="`},
	{`a = 'x`, 5, `expected a closing ' to end the string opened here, found end of input`},
	{`a = 1 AND [b`, 11, `expected a closing ] to end the column name opened here`},
	{`a = 1 b = 2`, 7, `expected AND, OR or end of input, found "b"`},
	{`(a = 1`, 7, `expected AND, OR or ")", found end of input`},
	{`a = 1)`, 6, `expected AND, OR or end of input, found ")"`},
	{`a IN ()`, 7, `expected a value (string, number, TRUE, FALSE or NULL), found ")"`},
	{`a IN ('x',)`, 11, `expected a value`},
	{`a IN (1 2)`, 9, `expected "," or ")" in the IN list, found "2"`},
	{`a IN 1`, 6, `expected "(" to start the IN list, found "1"`},
	{`a NOT = 1`, 7, `expected IN, LIKE or BETWEEN after NOT, found "="`},
	{`a LIKE 5`, 8, `expected a quoted pattern after LIKE, such as 'SM%', found "5"`},
	{`a IS 1`, 6, `expected NULL or NOT NULL after IS, found "1"`},
	{`a IS NOT`, 9, `expected NULL or NOT NULL after IS, found end of input`},
	{`a BETWEEN 1 OR 2`, 13, `expected AND between the two BETWEEN bounds, found "OR"`},
	{`a BETWEEN 1 AND`, 16, `expected a value`},
	{`a ! 1`, 3, `expected "!=", found "! "`},
	{`a == 1`, 4, `expected a value (string, number, TRUE, FALSE or NULL), found "="`},
	{`a = 12abc`, 5, `expected a number such as -12, 3.5 or 1e3, found "12abc"`},
	{`a = 1.2.3`, 5, `found "1.2.3"`},
	{`a = 1e`, 5, `found "1e"`},
	{`a = -`, 5, `expected a number such as -12, 3.5 or 1e3, found "-"`},
	{`a = 1e999`, 5, `expected a number within ±1.8e308, found 1e999`},
	{`AND = 1`, 1, `expected a column name or "(" (quote a column named like a keyword: "AND"), found "AND"`},
	{`"" = 1`, 1, `expected a column name, found an empty quoted name`},
	{`[] = 1`, 1, `empty quoted name`},
	{`a = 1 AND`, 10, `expected a column name or "(", found end of input`},
	{`NOT`, 4, `found end of input`},
	{`Status = ‘sent’`, 10, `found "‘" (typographic quotes; use ' for text and " for names)`},
	{`a # 1`, 3, `expected a column name, a value, an operator or a parenthesis, found "#"`},
	{`a = 'x' AND b = [y]`, 17, `expected a value (string, number, TRUE, FALSE or NULL), found "[y]"`},
	{`a = 'x' 'y'`, 9, `expected AND, OR or end of input, found "'y'"`},
	{`a = 'short' 'this literal is much longer than forty bytes, so it is cut'`, 13,
		`found "'this literal is much longer than forty …"`},
	{`a = 1 'an unterminated literal`, 7, `expected a closing ' to end the string opened here`},
	{`sm3ad97d41e786c02bca47c8ce1745053b`, 35, `expected an operator`},
	{`SM3ad97d41e786c02bca47c8ce1745053`, 34, `expected an operator`},
	{`SM3ad97d41e786c02bca47c8ce1745053b AND a = 1`, 36, `expected an operator (=, !=, <>, <, <=, >, >=, IN, LIKE, BETWEEN or IS) after the column name, found "AND"`},
	{`ä = 'x' AND ö`, 16, `found end of input`},
	{"a = 1 AND \xff", 11, `found "\xff"`},
	{`a = TRUE AND b = FALSE AND c = NULL AND d = IN`, 45, `found "IN"`},
	{strings.Repeat("(", filter.MaxDepth+1) + "a = 1" + strings.Repeat(")", filter.MaxDepth+1), filter.MaxDepth + 1,
		`expected at most 100 nested parentheses and NOTs, found more`},
	{strings.Repeat("NOT ", filter.MaxDepth+1) + "a = 1", 4*filter.MaxDepth + 1, `nested parentheses and NOTs`},
	{`a = '` + strings.Repeat("x", filter.MaxLength) + `'`, 0, `expected at most 65536 bytes, found 65542`},
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range invalidClauses {
		name := tc.in
		if len(name) > 60 {
			name = name[:60]
		}
		_, err := filter.Parse(tc.in)
		var se *filter.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error = %v, want *SyntaxError", name, err)
			continue
		}
		if se.Pos != tc.pos {
			t.Errorf("Parse(%q) Pos = %d, want %d (%v)", name, se.Pos, tc.pos, err)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error = %q, want it to contain %q", name, err, tc.want)
		}
	}
}

// TestSyntaxErrorText pins the complete message format for one case.
func TestSyntaxErrorText(t *testing.T) {
	t.Parallel()
	_, err := filter.Parse(`Price > 1 AND )`)
	want := `filterClause: at 1:15: expected a column name or "(", found ")"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	_, err = filter.Parse(`NumSegments IN (1, )`)
	want = `filterClause: at 1:20: expected a value (string, number, TRUE, FALSE or NULL), found ")"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	_, err = filter.Parse(strings.Repeat(" ", filter.MaxLength+1))
	want = `filterClause: expected at most 65536 bytes, found 65537; split the work into smaller filters`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}
