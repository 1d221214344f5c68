package entityschema

import (
	"maps"
	"sort"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// object is a JSON Schema object; encoding/json writes its keys sorted, which
// keeps the generated files stable.
type object = map[string]any

// payloadSchema is the schema of a connectorInputPayload made of ins, as
// the executor checks it: only these names (or their aliases), each of its
// type, the required ones present, an input and its alias not both.
func payloadSchema(ins []entities.Input) object {
	props, dependent := object{}, object{}
	var required []string
	var allOf []any
	for _, in := range ins {
		s := inputSchema(in)
		props[in.Name] = s
		anyName := []any{object{"required": []string{in.Name}}}
		for _, a := range in.Aliases {
			if _, taken := props[a]; taken {
				continue // never shadow another input's own name
			}
			props[a] = aliasSchema(s, in.Name)
			dependent[a] = object{"not": object{"required": []string{in.Name}}}
			anyName = append(anyName, object{"required": []string{a}})
		}
		switch {
		case !in.Param.Required:
		case len(anyName) == 1:
			required = append(required, in.Name)
		default:
			allOf = append(allOf, object{"anyOf": anyName})
		}
	}
	s := object{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		sort.Strings(required)
		s["required"] = required
	}
	if len(allOf) > 0 {
		s["allOf"] = allOf
	}
	if len(dependent) > 0 {
		s["dependentSchemas"] = dependent
	}
	return s
}

// aliasSchema is an alias's schema: the input's own, said to be an alias.
func aliasSchema(s object, name string) object {
	a := maps.Clone(s)
	a["description"] = "Alias of " + name + " (Twilio's name); give one or the other, not both."
	return a
}

// inputSchema maps one input's type and constraints. An array input also
// takes a single value, which the executor sends as a one-element list.
func inputSchema(in entities.Input) object {
	p := in.Param
	s := scalarSchema(p.Type, p)
	if p.Type == entities.TArray {
		item := scalarSchema(p.Items, p)
		s = object{"anyOf": []any{object{"type": "array", "items": item}, item}}
	}
	switch {
	case in.InPath:
		s["description"] = "Fills Twilio's {" + p.Name + "} path placeholder."
	case p.Name != in.Name:
		s["description"] = "Twilio's form field " + p.Name + "."
	}
	return s
}

// scalarSchema maps a connector type to JSON Schema. Twilio's own format
// names (phone-number, http-method, twiml, ...) are kept as format
// annotations; validators assert only the standard ones (uri, date-time,
// date). Types the executor does not convert are strings, as it sends them.
func scalarSchema(t entities.Type, p entities.Param) object {
	switch t {
	case entities.TInteger, entities.TNumber, entities.TBoolean:
		return object{"type": string(t)}
	case entities.TDateTime:
		return object{"type": "string", "format": "date-time"}
	case entities.TDate:
		return object{"type": "string", "format": "date"}
	}
	s := object{"type": "string"}
	if p.Format != "" {
		s["format"] = p.Format
	}
	if len(p.Enum) > 0 {
		s["enum"] = p.Enum
	}
	if p.Pattern != "" {
		s["pattern"] = p.Pattern
	}
	if p.MaxChars > 0 {
		s["maxLength"] = p.MaxChars // JSON Schema counts characters too
	}
	return s
}
