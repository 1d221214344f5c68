package filter_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectorworks/twilio-worker/internal/filter"
)

func TestBindResolvesCanonicalNames(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`sender = 'x' AND numsegments > '1'`, `Sender = 'x' AND NumSegments > '1'`},
		{`from = '+1'`, `Sender = '+1'`},
		{`"GEO.ACCURACY" IN ('a') OR NOT [datesent] IS NULL`, `geo.accuracy IN ('a') OR NOT DateSent IS NULL`},
		{`SM3ad97d41e786c02bca47c8ce1745053b`, `Sid = 'SM3ad97d41e786c02bca47c8ce1745053b'`},
	}
	for _, tc := range tests {
		if got := mustBind(t, tc.in).String(); got != tc.want {
			t.Errorf("Bind(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBindSetsTypesAndKeepsInput(t *testing.T) {
	t.Parallel()
	parsed := mustParse(t, `price < '-0.5' AND beta IN (TRUE, 'false')`)
	before := parsed.String()
	bound, err := filter.Bind(parsed, messagesSchema)
	if err != nil {
		t.Fatal(err)
	}
	want := &filter.And{
		Left: &filter.Compare{Column: "Price", Op: filter.OpLt, Value: filter.StringValue("-0.5"), Pos: 1,
			Type: filter.TypeNumber},
		Right: &filter.In{Column: "Beta", Values: []filter.Value{filter.BoolValue(true), filter.StringValue("false")},
			Pos: 20, Type: filter.TypeBoolean},
	}
	if diff := cmp.Diff(want, bound); diff != "" {
		t.Errorf("Bind mismatch (-want +got):\n%s", diff)
	}
	if parsed.String() != before {
		t.Errorf("Bind modified its input: %q became %q", before, parsed.String())
	}
}

// caseSensitive has a Lookup that only knows exact names; Bind must still
// bind case-insensitively through Names.
type caseSensitive struct{}

func (caseSensitive) Lookup(name string) (string, filter.Type, bool) {
	return name, filter.TypeString, name == "Status"
}
func (caseSensitive) Names() []string { return []string{"Status"} }

func TestBindCaseSensitiveSchema(t *testing.T) {
	t.Parallel()
	e, err := filter.Bind(mustParse(t, `STATUS = 'sent'`), caseSensitive{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.String(), `Status = 'sent'`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	_, err = filter.Bind(mustParse(t, `Stat = 'sent'`), caseSensitive{})
	if want := `filterClause: unknown column "Stat" at 1:1; columns are: Status; did you mean Status?`; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

func TestBindAccepts(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`Price < '-0.5'`, `NumSegments = '+3'`, `NumSegments < 2.5`, `NumSegments = 1e0`,
		`Beta = 'false'`, `Beta != FALSE`, `Beta IN (TRUE, 'False')`, `Beta IS NOT NULL`,
		`DateSent = '2024-01-31T10:00:00+02:00'`, `DateSent BETWEEN '2024-01-01' AND '2024-01-31T12:00:00.5Z'`,
		`StartDate BETWEEN '2024-01-01' AND '2024-01-31'`, `Extra = 1`, `Extra LIKE 'x%'`, `Extra = 'x'`,
		`Extra = TRUE`, `Status = NULL`, `NumSegments IN (NULL, 1)`, `DateSent > NULL`, `Beta != NULL`,
		`Status > 'a'`, `Body NOT LIKE '%x'`,
	} {
		if _, err := filter.Bind(mustParse(t, in), messagesSchema); err != nil {
			t.Errorf("Bind(%q): %v", in, err)
		}
	}
}

var bindErrors = []struct {
	in   string
	pos  int
	want string // the whole message after "filterClause: ", or a part of it
}{
	{`Senderr = 'x'`, 1, `unknown column "Senderr" at 1:1; Messages columns are: Sid, Sender, To, Body, Status, ` +
		`NumSegments, Price, DateSent, StartDate, Beta, Extra, geo.accuracy; did you mean Sender?`},
	{`Status = 'x' AND Nope IS NULL`, 18, `unknown column "Nope" at 1:18; Messages columns are: Sid,`},
	{`Status = 'x' OR NOT [Date Sent] = 1`, 21, `unknown column "Date Sent" at 1:21`},
	{`NumSegments = 'abc'`, 1, `column NumSegments at 1:1 is an Integer and 'abc' is not a number; ` +
		`write a number or a numeric string, e.g. NumSegments = 3`},
	{`NumSegments = 'NaN'`, 1, `'NaN' is not a number`},
	{`Price > '0x10'`, 1, `column Price at 1:1 is a Number and '0x10' is not a number; write a number or a numeric string, e.g. Price < '-0.5'`},
	{`Price IN (1, 'x')`, 1, `'x' is not a number`},
	{`Price BETWEEN 1 AND 'Inf'`, 1, `'Inf' is not a number`},
	{`DateSent > 'yesterday'`, 1, `column DateSent at 1:1 is a DateTime and 'yesterday' is not a date or an RFC 3339 ` +
		`timestamp; write e.g. DateSent >= '2024-01-31' or DateSent < '2024-01-31T15:04:05Z'`},
	{`DateSent = 20240131`, 1, `20240131 is not a date or an RFC 3339 timestamp`},
	{`DateSent < '2024-1-31'`, 1, `'2024-1-31' is not a date`},
	{`StartDate = '2024-01-31T00:00:00Z'`, 1, `column StartDate at 1:1 is a Date and '2024-01-31T00:00:00Z' is not a date; ` +
		`write YYYY-MM-DD, e.g. StartDate = '2024-01-31'`},
	{`Status > TRUE`, 1, `column Status at 1:1 is a String and TRUE is not quoted text; ` +
		`put the value in single quotes, e.g. Status = 'TRUE'`},
	{`To = 14155550100`, 1, `column To at 1:1 is a String and 14155550100 is not quoted text; ` +
		`put the value in single quotes, e.g. To = '14155550100'`},
	{`"geo.accuracy" IN ('a', 1)`, 1, `put the value in single quotes, e.g. geo.accuracy = '1'`},
	{`NumSegments LIKE '1%'`, 1, `column NumSegments at 1:1 is an Integer, and LIKE needs a String column; ` +
		`compare it instead, e.g. NumSegments = 3`},
	{`Sid = 'x' AND DateSent NOT LIKE '2024%'`, 15, `column DateSent at 1:15 is a DateTime, and LIKE needs a String column`},
	{`Beta > FALSE`, 1, `column Beta at 1:1 is compared as a Boolean, which supports only =, !=, IN and IS NULL; ` +
		`write e.g. Beta = TRUE`},
	{`Beta BETWEEN FALSE AND TRUE`, 1, `supports only =, !=, IN and IS NULL`},
	{`Beta < NULL`, 1, `column Beta at 1:1 is compared as a Boolean`}, // the operator is wrong whatever the value
	{`Extra >= TRUE`, 1, `column Extra at 1:1 is compared as a Boolean`},
	{`Beta = 1`, 1, `column Beta at 1:1 is a Boolean and 1 is not a boolean; write TRUE, FALSE, 'true' or 'false', ` +
		`e.g. Beta = TRUE`},
	{`Beta = 'yes'`, 1, `'yes' is not a boolean`},
}

func TestBindErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range bindErrors {
		_, err := filter.Bind(mustParse(t, tc.in), messagesSchema)
		var be *filter.BindError
		if !errors.As(err, &be) {
			t.Errorf("Bind(%q) error = %v, want *BindError", tc.in, err)
			continue
		}
		if be.Pos != tc.pos {
			t.Errorf("Bind(%q) Pos = %d, want %d", tc.in, be.Pos, tc.pos)
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "filterClause: ") || !strings.Contains(msg, tc.want) {
			t.Errorf("Bind(%q) error = %q, want it to contain %q", tc.in, msg, tc.want)
		}
	}
}

func TestBindUnknownColumnWithoutHint(t *testing.T) {
	t.Parallel()
	_, err := filter.Bind(mustParse(t, `Nope = 1`), filter.Columns{{Name: "To"}, {Name: "Sid"}})
	want := `filterClause: unknown column "Nope" at 1:1; columns are: To, Sid`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

type alien struct{}

func (alien) String() string { return "alien" }

func TestBindRejectsForeignNodes(t *testing.T) {
	t.Parallel()
	_, err := filter.Bind(&filter.And{Left: mustParse(t, `Sid = 'x'`), Right: alien{}}, messagesSchema)
	if err == nil || !strings.Contains(err.Error(), "unsupported expression filter_test.alien") {
		t.Errorf("error = %v, want unsupported expression", err)
	}
	if filter.Eval(alien{}, map[string]any{}) {
		t.Error("Eval(alien) = true, want false")
	}
}
