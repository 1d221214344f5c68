package entityschema

import (
	"strings"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// rowSchema documents the rows GET and LIST answer. It is not a payload
// schema: nothing validates against it, every column may be null or
// absent, and fields Twilio adds later are kept under their PascalCase
// names, so other properties are allowed.
func rowSchema(e *entities.Entity) object {
	props := object{}
	for _, c := range e.Columns {
		props[c.Name] = columnSchema(c)
	}
	return object{
		"title":       e.Name + " row",
		"description": "A row as GET and LIST answer it, in the connector's column names (documentation only).",
		"type":        "object",
		"properties":  props,
	}
}

func columnSchema(c entities.Column) object {
	t, format := rowType(c)
	s := object{"description": columnNote(c)}
	if t != "" { // no "type": any JSON value
		s["type"] = []any{t, "null"}
	}
	if format != "" {
		s["format"] = format
	}
	if len(c.Enum) > 0 {
		enum := make([]any, 0, len(c.Enum)+1)
		for _, v := range c.Enum {
			enum = append(enum, v)
		}
		s["enum"] = append(enum, nil)
	}
	return s
}

// rowType is a column's JSON type and format, "" for any JSON value.
// Timestamps are RFC 3339 in rows whatever Twilio sent; Twilio's "uri"
// fields are relative paths.
func rowType(c entities.Column) (string, string) {
	switch c.Type {
	case entities.TAny:
		return "", ""
	case entities.TDateTime:
		return "string", "date-time"
	case entities.TDate:
		return "string", "date"
	case entities.TInteger, entities.TNumber, entities.TBoolean, entities.TArray, entities.TObject:
		return string(c.Type), ""
	}
	if c.Format == "uri" {
		return "string", "uri-reference"
	}
	return "string", c.Format
}

func columnNote(c entities.Column) string {
	var notes []string
	if c.Field != "" {
		notes = append(notes, "Twilio field "+c.Field+".")
	}
	if c.Key {
		notes = append(notes, "The row's key.")
	}
	if c.CompareAs != "" {
		notes = append(notes, "A number in a string, as Twilio sends it; filters and sorting compare it as a number.")
	}
	if c.Type == entities.TAny {
		notes = append(notes, "Any JSON value: Twilio's specification gives no type (an object in practice).")
	}
	if c.Parent {
		notes = append(notes, "Names the parent row in Twilio's path; LIST's filterClause must give it ("+c.Name+" = '…').")
	}
	if f := c.Filter; f != nil {
		how := "="
		if f.Range {
			how = "whole-day bounds for =, <, <=, >, >=, BETWEEN"
		}
		notes = append(notes, "Pushed down to Twilio's list filter "+f.Param+" ("+how+").")
	}
	return strings.Join(notes, " ")
}
