package twiliosim

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// render is the row as a response shows it: every top-level field of the
// entity's schema (null when unknown; fields of sibling entities and hidden
// parent fields left out), account_sid from the request's account, uri as
// the row's path under that account and, in the v1 APIs, url as the row's
// absolute URL. The fields are rendered as the answer is encoded, in the
// order encoding/json would write a map's: no map to build and sort, and
// nothing kept, for every row of a page. Stored rows never change, so
// rendering late shows the same row.
func (c *call) render(row map[string]any) *rendered { return &rendered{c: c, row: row} }

// rendered is a row as render shows it, written by appendJSON.
type rendered struct {
	c   *call
	row map[string]any
}

func (r *rendered) appendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	var err error
	for i, name := range r.c.res.top {
		field := r.c.res.topField[i]
		if field != nil && (name == "uri" || name == "url" && r.c.res.v1) {
			b = r.c.appendURI(appendKey(b, i, name), name == "url", r.row)
			continue
		}
		if b, err = appendJSON(appendKey(b, i, name), r.c.renderField(name, field, r.row)); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// renderField is one top-level field other than uri and url; field is
// nil when the resource has no field of that name (only nested ones).
func (c *call) renderField(name string, field *entities.Field, row map[string]any) any {
	switch {
	case field == nil:
		return deepCopy(row[name]) // asType leaves values of no type as they are
	case name == "account_sid" && c.account != "":
		return c.account
	}
	return asType(field.Type, deepCopy(row[name]))
}

// asType converts a scalar to the JSON type the rendering entity's schema
// gives it, where siblings sharing a store disagree: a recording's price is
// a string in Recordings and a number in CallRecordings.
func asType(t entities.Type, v any) any {
	switch x := v.(type) {
	case string:
		if t == entities.TNumber {
			if f, err := strconv.ParseFloat(x, 64); err == nil {
				return f
			}
		}
	case int64:
		if t == entities.TString {
			return strconv.FormatInt(x, 10)
		}
	case float64:
		if t == entities.TString {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
	}
	return v
}

// appendURI appends, as a JSON string, the row's uri: the resource's uri
// template filled with the account from the request, the key and the
// parents from the row (the request's values when the row has none); for
// url, after the scheme and host. It is written in place, not built as a
// string per row.
func (c *call) appendURI(b []byte, absolute bool, row map[string]any) []byte {
	start := len(b)
	b = append(b, '"')
	if absolute {
		b = append(b, c.base...)
	}
	b = appendExpand(b, c.res.uriPath, func(name string) string { return c.uriValue(name, row) })
	if !plainASCII(b[start+1:]) { // rare: encoding/json escapes it
		s := string(b[start+1:])
		b, _ = appendStd(b[:start], s)
		return b
	}
	return append(b, '"')
}

// uriValue is the value of a placeholder of the row's uri.
func (c *call) uriValue(name string, row map[string]any) string {
	var v any
	switch name {
	case "AccountSid":
		return c.account
	case c.res.uriKey:
		v = row[c.res.store.keyField]
	default:
		v = row[c.res.parentField(name)]
	}
	switch x := v.(type) {
	case nil:
		return c.params[name]
	case string:
		return x // what fmt.Sprint gives, without its cost
	}
	return fmt.Sprint(v)
}

// parentField is the row field of parent placeholder name, its snake_case
// when the resource's own paths do not have it (a sibling's uri template).
func (r *resource) parentField(name string) string {
	if f, ok := r.parents[name]; ok {
		return f
	}
	return snake(name)
}

// baseURL is the scheme and host the request came to, for the absolute URLs
// of the v1 APIs.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
