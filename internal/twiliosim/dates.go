package twiliosim

import (
	"errors"
	"time"
)

// rfc2822 is how Twilio writes timestamps: "Mon, 16 Aug 2010 03:45:01 +0000".
const rfc2822 = time.RFC1123Z

// formatTime renders t as Twilio does, in UTC.
func formatTime(t time.Time) string { return t.UTC().Format(rfc2822) }

// timestampLayouts are the forms a fixture or a form value may use for a
// timestamp: Twilio's RFC 2822 (with a one- or two-digit day) or RFC 3339.
var timestampLayouts = []string{rfc2822, "Mon, 2 Jan 2006 15:04:05 -0700", time.RFC3339}

// parseTimestamp reads a timestamp in any of timestampLayouts.
func parseTimestamp(v string) (time.Time, error) {
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not an RFC 2822 or RFC 3339 timestamp")
}

// parseDay returns the calendar day (YYYY-MM-DD) a date filter names. Twilio
// documents YYYY-MM-DD; twilio-go sends RFC 3339, whose day is taken as
// written, because a caller who passes local midnight means that day.
func parseDay(v string) (string, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t.Format(time.DateOnly), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return "", err
	}
	return t.Format(time.DateOnly), nil
}

// dayOf is the UTC calendar day of a stored timestamp or date, or "" when
// the value is neither (null, say).
func dayOf(v any) string {
	s, ok := v.(string)
	if !ok {
		return ""
	}
	if t, err := parseTimestamp(s); err == nil {
		return t.UTC().Format(time.DateOnly)
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Format(time.DateOnly)
	}
	return ""
}
