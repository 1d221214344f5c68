package filter

import (
	"fmt"
	"time"
)

// DayBounds returns the UTC day that a date or timestamp literal falls in,
// as [from, toExclusive), for pushing date conditions down to Twilio, whose
// date filters work in whole UTC days (docs/connector-model.md §3.4). dateOnly
// reports whether v was a bare YYYY-MM-DD, in which case the literal denotes
// exactly that day; for an RFC 3339 timestamp the day is the one containing
// the instant once converted to UTC, and the caller must still apply the
// exact predicate to the rows that come back.
//
// DayBounds fails for anything that is not a string holding a YYYY-MM-DD date
// or an RFC 3339 timestamp.
func DayBounds(v Value) (from, toExclusive time.Time, dateOnly bool, err error) {
	t, dateOnly, ok := literalTime(v)
	if !ok {
		return time.Time{}, time.Time{}, false, fmt.Errorf(
			"filterClause: expected a date such as '2024-01-31' or a timestamp such as '2024-01-31T15:04:05Z', found %s",
			shorten(v.String()))
	}
	from = startOfDay(t)
	return from, from.AddDate(0, 0, 1), dateOnly, nil
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// compareTime orders a row instant against a time literal. A date-only
// literal stands for its whole UTC day [d, d+1), so the row's day is
// compared instead of its instant: = means within the day, < before it,
// <= before its end, > after its end, >= from its start.
func compareTime(row time.Time, lit time.Time, dateOnly bool) int {
	if dateOnly {
		return startOfDay(row).Compare(lit)
	}
	return row.Compare(lit)
}
