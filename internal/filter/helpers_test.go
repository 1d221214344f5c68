package filter_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/connectorworks/twilio-worker/internal/filter"
)

// ignorePos compares trees without source positions, which legitimately
// change when a clause is re-rendered.
var ignorePos = cmp.Options{
	cmpopts.IgnoreFields(filter.Compare{}, "Pos"),
	cmpopts.IgnoreFields(filter.In{}, "Pos"),
	cmpopts.IgnoreFields(filter.Like{}, "Pos"),
	cmpopts.IgnoreFields(filter.IsNull{}, "Pos"),
	cmpopts.IgnoreFields(filter.Between{}, "Pos"),
}

// messages is a Messages-like schema with one column of every type.
type messages struct{ filter.Columns }

func (messages) EntityName() string { return "Messages" }

// Lookup also resolves From to Sender, so tests can check that Bind
// rewrites a name to the canonical one a Schema returns. (The worker's
// entity schemas accept only column names: docs/connector-model.md §1.4.)
func (m messages) Lookup(name string) (string, filter.Type, bool) {
	if strings.EqualFold(name, "From") {
		name = "Sender"
	}
	return m.Columns.Lookup(name)
}

var _ filter.Schema = messages{}

var messagesSchema = messages{filter.Columns{
	{Name: "Sid", Type: filter.TypeString},
	{Name: "Sender", Type: filter.TypeString},
	{Name: "To", Type: filter.TypeString},
	{Name: "Body", Type: filter.TypeString},
	{Name: "Status", Type: filter.TypeString},
	{Name: "NumSegments", Type: filter.TypeInteger},
	{Name: "Price", Type: filter.TypeNumber},
	{Name: "DateSent", Type: filter.TypeDateTime},
	{Name: "StartDate", Type: filter.TypeDate},
	{Name: "Beta", Type: filter.TypeBoolean},
	{Name: "Extra", Type: filter.TypeAny},
	{Name: "geo.accuracy", Type: filter.TypeString},
}}

func mustParse(t testing.TB, src string) filter.Expr {
	t.Helper()
	e, err := filter.Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return e
}

func mustBind(t testing.TB, src string) filter.Expr {
	t.Helper()
	e, err := filter.Bind(mustParse(t, src), messagesSchema)
	if err != nil {
		t.Fatalf("Bind(%q): %v", src, err)
	}
	return e
}

// checkRoundTrip asserts that rendering e and parsing the text again gives
// the same tree, and that the rendering is a fixed point.
func checkRoundTrip(t testing.TB, src string, e filter.Expr) {
	t.Helper()
	text := e.String()
	again, err := filter.Parse(text)
	if err != nil {
		t.Fatalf("Parse(%q) = %q, which does not parse: %v", src, text, err)
	}
	if diff := cmp.Diff(e, again, ignorePos); diff != "" {
		t.Fatalf("Parse(%q) and Parse(%q) differ (-first +second):\n%s", src, text, diff)
	}
	if text2 := again.String(); text2 != text {
		t.Fatalf("rendering is not stable: %q then %q", text, text2)
	}
}
