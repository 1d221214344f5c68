package entities_test

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/entities/gen/generate"
	"github.com/connectorworks/twilio-worker/internal/oaispec"
)

func specDir(t testing.TB) string {
	t.Helper()
	dir, err := oaispec.Dir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestGeneratedCatalogueIsCurrent regenerates the catalogue from the spec
// and fails on any drift, so catalogue_gen.go is never hand-edited.
func TestGeneratedCatalogueIsCurrent(t *testing.T) {
	want, err := generate.Source(specDir(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("catalogue_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("catalogue_gen.go does not match the specs it records (or the generator changed): run `go generate ./internal/entities`")
	}
}

func TestDocumentedEntitiesAndOperations(t *testing.T) {
	cat := entities.NewCatalogue()
	want := map[string][]entities.Op{
		"Messages":             {entities.List, entities.Get, entities.Create, entities.Update, entities.Delete},
		"Calls":                {entities.List, entities.Get, entities.Create, entities.Update, entities.Delete},
		"Recordings":           {entities.List, entities.Get, entities.Delete},
		"Feedback":             {entities.Get, entities.Create, entities.Update},
		"FeedbackSummary":      {entities.Get, entities.Create, entities.Delete},
		"IncomingPhoneNumbers": {entities.List, entities.Get, entities.Create, entities.Update, entities.Delete},
		"OutgoingCallerIds":    {entities.List, entities.Get, entities.Update, entities.Delete},
	}
	for name, ops := range want {
		e, ok := cat.Lookup(name)
		if !ok {
			t.Errorf("%s missing from the catalogue", name)
			continue
		}
		if got := e.Ops(); !slices.Equal(got, ops) {
			t.Errorf("%s ops = %v, want %v", name, got, ops)
		}
	}
	if e, ok := cat.Lookup("messages"); !ok || e.Name != "Messages" {
		t.Errorf("lookup is not case-insensitive")
	}
}

func TestConnectorColumnNames(t *testing.T) {
	cat := entities.NewCatalogue()
	cases := []struct{ entity, column, field string }{
		{"Messages", "Sender", "from"},
		{"Messages", "DateSent", "date_sent"},
		{"Messages", "NumSegments", "num_segments"},
		{"IncomingPhoneNumbers", "Name", "friendly_name"},
		{"IncomingPhoneNumbers", "CapabilitiesSms", "capabilities.sms"},
		{"OutgoingCallerIds", "Name", "friendly_name"},
		{"Feedback", "Sid", "sid"},
		{"Calls", "Sender", "from"},
	}
	for _, c := range cases {
		e, _ := cat.Lookup(c.entity)
		col, ok := e.Column(c.column)
		if !ok || col.Field != c.field {
			t.Errorf("%s.%s: got %+v, want field %s", c.entity, c.column, col, c.field)
		}
	}
	msgs, _ := cat.Lookup("Messages")
	if _, ok := msgs.Column("SubresourceUris"); ok {
		t.Error("SubresourceUris should be dropped")
	}
	if msgs.Columns[0].Name != "Sid" || !msgs.Columns[0].Key {
		t.Errorf("key column first: got %+v", msgs.Columns[0])
	}
}

func TestRowMapping(t *testing.T) {
	cat := entities.NewCatalogue()
	pn, _ := cat.Lookup("IncomingPhoneNumbers")
	row := pn.Row(map[string]any{
		"sid": "PN4047ac009a15885690a50a1d388b8411", "friendly_name": "x",
		"capabilities":     map[string]any{"SMS": true, "voice": false},
		"date_created":     "Mon, 16 Aug 2010 03:45:01 +0000",
		"subresource_uris": map[string]any{"a": "b"},
		"brand_new_field":  "kept",
	})
	want := map[string]any{
		"Sid": "PN4047ac009a15885690a50a1d388b8411", "Name": "x", "CapabilitiesSms": true,
		"CapabilitiesVoice": false, "DateCreated": "2010-08-16T03:45:01Z", "BrandNewField": "kept",
	}
	for k, v := range want {
		if row[k] != v {
			t.Errorf("row[%s] = %v, want %v", k, row[k], v)
		}
	}
	if _, ok := row["SubresourceUris"]; ok || len(row) != len(want) {
		t.Errorf("row has unexpected columns: %v", row)
	}
}
