package twiliosim

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// apiVersion is the api_version Twilio writes on v2010 rows.
const apiVersion = "2010-04-01"

// newRow builds the row a create (key "") or an upsert (key given) stores:
// the form's values, the parent placeholders, then the defaults.
func (s *Server) newRow(c *call, key string) (map[string]any, *apiError) {
	row := map[string]any{}
	if err := c.applyForm(row); err != nil {
		return nil, err
	}
	c.setParents(row)
	if f := c.res.hooks.callerField; f != "" {
		row[f] = c.account
	}
	if p := c.res.hooks.keyFrom; p != "" && c.form.Get(p) != "" {
		key = c.form.Get(p)
	}
	if key != "" {
		row[c.res.store.keyField] = key
	}
	s.fillDefaults(c.res.store, row, c.account, c.form)
	return row, nil
}

// applyForm stores the declared form parameters that have a field; the
// others (StatusCallback, MediaUrl, ...) are write-only.
func (c *call) applyForm(row map[string]any) *apiError {
	for _, p := range c.op.form {
		values, ok := c.form[p.Name]
		if !ok {
			continue
		}
		name := c.res.fieldFor(p)
		if name == "" {
			continue
		}
		if p.Type == entities.TString && c.res.fields[name].Type == entities.TArray {
			values = strings.Split(values[0], ",") // QualityIssues=low_volume,echo
		}
		v, err := convert(c.res.fields[name], values)
		if err != nil {
			return invalid("Parameter %s: %v", p.Name, err)
		}
		setPath(row, name, v)
	}
	return nil
}

// convert turns form values into the JSON value of a field's type.
func convert(f entities.Field, values []string) (any, error) {
	v := values[0]
	switch f.Type {
	case entities.TArray:
		out := make([]any, len(values))
		for i, x := range values {
			out[i] = x
		}
		return out, nil
	case entities.TInteger:
		return strconv.ParseInt(v, 10, 64)
	case entities.TNumber:
		return strconv.ParseFloat(v, 64)
	case entities.TBoolean:
		return parseBool(v)
	case entities.TDate:
		return parseDay(v)
	case entities.TDateTime:
		t, err := parseTimestamp(v)
		if err != nil {
			return nil, err
		}
		return formatAs(f, t), nil
	}
	return v, nil
}

// formatAs renders a timestamp the way the field's format says: RFC 2822 for
// date-time-rfc-2822 (all of v2010), RFC 3339 otherwise.
func formatAs(f entities.Field, t time.Time) string {
	if f.Format == "date-time-rfc-2822" {
		return formatTime(t)
	}
	return t.UTC().Format(time.RFC3339)
}

// fillDefaults gives a new row what Twilio would: a key with the store's
// SID prefix, the account, timestamps, the API version, the store's
// plausible values, and a valid value for every field the schema does not
// let be null. Everything else stays null. form is nil for fixture rows.
func (s *Server) fillDefaults(st *rowStore, row map[string]any, account string, form url.Values) {
	now := s.now()
	if st.prefix != "" && row[st.keyField] == nil {
		row[st.keyField] = s.ids.sid(st.prefix)
	}
	for name, v := range map[string]any{"account_sid": nilIfEmpty(account), "api_version": apiVersion} {
		if _, ok := st.fields[name]; ok && row[name] == nil && v != nil {
			row[name] = v
		}
	}
	if f, ok := st.fields["date_created"]; ok && row["date_created"] == nil {
		row["date_created"] = formatAs(f, now)
	}
	if f, ok := st.fields["date_updated"]; ok && row["date_updated"] == nil {
		row["date_updated"] = row["date_created"] // a fixture row was last touched when made
		if row["date_updated"] == nil {
			row["date_updated"] = formatAs(f, now)
		}
	}
	if h := st.defaults; h != nil {
		h(row, form, s.ids)
	}
	for _, f := range st.order {
		if needsValue(f) && getPath(row, f.Path) == nil {
			setPath(row, f.Path, f.Enum[0])
		}
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// needsValue reports whether the schema forbids null for f. The catalogue
// does not carry nullability; in Twilio's v2010 spec the non-nullable fields
// are the enum references (status, direction, ...), which the catalogue
// shows as enums without a format, while the nullable inline enums carry one
// (http-method). Hooks choose the plausible value; the first enum value is
// the fallback.
func needsValue(f entities.Field) bool { return len(f.Enum) > 0 && f.Format == "" }

// getPath reads a dotted field ("capabilities.sms") from a row.
func getPath(row map[string]any, path string) any {
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		return row[head]
	}
	sub, ok := row[head].(map[string]any)
	if !ok {
		return nil
	}
	return getPath(sub, rest)
}

// setPath writes a dotted field, creating the parent objects it needs.
func setPath(row map[string]any, path string, v any) {
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		row[head] = v
		return
	}
	sub, ok := row[head].(map[string]any)
	if !ok {
		sub = map[string]any{}
		row[head] = sub
	}
	setPath(sub, rest, v)
}

// setDefault writes v at path unless the row already has a value there.
func setDefault(row map[string]any, path string, v any) {
	if getPath(row, path) == nil {
		setPath(row, path, v)
	}
}
