package example

import (
	"strings"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// Sample values for Twilio's formats. +15005550006 is Twilio's magic test
// number that always succeeds as a sender with test credentials.
const (
	phoneNumber = "+15005550006"
	uri         = "https://example.com/x"
	dateTime    = "2024-01-02T15:04:05Z"
	date        = "2024-01-02"
	countryCode = "US"
	twiml       = "<Response><Say>Hello</Say></Response>"
	text        = "example"
	body        = "Hello from twilio-worker"
)

// Value returns a plausible payload value for a parameter: a value of its
// type that satisfies its enum, pattern and format. An array parameter
// gets a one-element array. pattern replaces the parameter's own pattern
// when the parameter has none (a Sid whose pattern only another part of
// the specification states); pass "" when there is none.
func Value(name string, p entities.Param, pattern string) any {
	if p.Type == entities.TArray {
		item := p
		item.Type = p.Items
		return []any{scalar(name, item, pattern)}
	}
	return scalar(name, p, pattern)
}

func scalar(name string, p entities.Param, pattern string) any {
	switch p.Type {
	case entities.TInteger:
		return 1
	case entities.TNumber:
		return 0.5
	case entities.TBoolean:
		return true
	case entities.TDateTime:
		return dateTime
	case entities.TDate:
		return date
	}
	if len(p.Enum) > 0 {
		return p.Enum[0]
	}
	if p.Pattern != "" {
		pattern = p.Pattern
	}
	if pattern != "" {
		if s, ok := FromPattern(pattern); ok {
			return s
		}
	}
	return textFor(name, p.Format)
}

// textFor picks a string by format, then by name.
func textFor(name, format string) string {
	switch format {
	case "phone-number", "endpoint":
		return phoneNumber
	case "uri":
		return uri
	case "iso-country-code":
		return countryCode
	case "twiml":
		return twiml
	case "date-time":
		return dateTime
	case "date":
		return date
	case "http-method":
		return "POST"
	}
	switch {
	case name == "Body":
		return body
	case name == "CountryCode" || name == "IsoCountry":
		return countryCode
	case name == "AreaCode":
		return "415"
	case strings.HasSuffix(name, "Url"):
		return uri
	}
	return text
}
