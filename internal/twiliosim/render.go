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
// absolute URL.
func (c *call) render(row map[string]any) map[string]any {
	out := make(map[string]any, len(c.res.top))
	for _, name := range c.res.top {
		out[name] = asType(c.res.fields[name].Type, deepCopy(row[name]))
	}
	if _, ok := c.res.fields["account_sid"]; ok && c.account != "" {
		out["account_sid"] = c.account
	}
	if _, ok := c.res.fields["uri"]; ok {
		out["uri"] = c.rowURI(row)
	}
	if _, ok := c.res.fields["url"]; ok && c.res.v1 {
		out["url"] = c.base + c.rowURI(row)
	}
	return out
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

// rowURI fills the resource's uri template for row: the account from the
// request, the key and the parents from the row (the request's values when
// the row has none).
func (c *call) rowURI(row map[string]any) string {
	values := map[string]string{"AccountSid": c.account}
	for _, name := range placeholders(c.res.uriPath) {
		var v any
		switch {
		case name == "AccountSid":
			continue
		case name == c.res.uriKey:
			v = row[c.res.store.keyField]
		default:
			v = row[c.res.parentField(name)]
		}
		if v != nil {
			values[name] = fmt.Sprint(v)
		} else {
			values[name] = c.params[name]
		}
	}
	return expand(c.res.uriPath, values)
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
