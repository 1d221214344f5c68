package example_test

import (
	"testing"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/entities/example"
)

func TestFromPattern(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, want string
		ok            bool
	}{
		{"^AC[0-9a-fA-F]{32}$", "AC0123456789abcdef0123456789abcdef", true},
		{"^(SM|MM)[0-9a-fA-F]{32}$", "SM0123456789abcdef0123456789abcdef", true},
		{"^[A-Z]{2}$", "AB", true},
		{"^x+y?$", "x", true},
		{"(", "", false},
		{`\bword\b`, "word", true},
	}
	for _, c := range cases {
		got, ok := example.FromPattern(c.pattern)
		if got != c.want || ok != c.ok {
			t.Errorf("FromPattern(%q) = %q, %v; want %q, %v", c.pattern, got, ok, c.want, c.ok)
		}
	}
}

func TestValue(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		p    entities.Param
		want any
	}{
		{"To", entities.Param{Type: entities.TString, Format: "phone-number"}, "+15005550006"},
		{"StatusCallback", entities.Param{Type: entities.TString, Format: "uri"}, "https://example.com/x"},
		{"Status", entities.Param{Type: entities.TString, Enum: []string{"canceled", "other"}}, "canceled"},
		{"Ttl", entities.Param{Type: entities.TInteger}, 1},
		{"SendAt", entities.Param{Type: entities.TDateTime}, "2024-01-02T15:04:05Z"},
		{"CountryCode", entities.Param{Type: entities.TString}, "US"},
	}
	for _, c := range cases {
		if got := example.Value(c.name, c.p, ""); got != c.want {
			t.Errorf("Value(%s) = %v, want %v", c.name, got, c.want)
		}
	}
	arr := example.Value("Issue", entities.Param{Type: entities.TArray, Items: entities.TString, Enum: []string{"a", "b"}}, "")
	if l, ok := arr.([]any); !ok || len(l) != 1 || l[0] != "a" {
		t.Errorf("array value = %v, want [a]", arr)
	}
	if got := example.Value("QueueSid", entities.Param{Type: entities.TString}, "^QU[0-9a-fA-F]{32}$"); got != "QU0123456789abcdef0123456789abcdef" {
		t.Errorf("Sid from a borrowed pattern = %v", got)
	}
}
