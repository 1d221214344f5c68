package filter_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectorworks/twilio-worker/internal/filter"
)

// dayEdges are instants around 2024-01-31 (UTC), labelled by letter.
var dayEdges = []struct {
	label, value string
}{
	{"a", "2024-01-30T23:59:59.999999999Z"}, // last instant of the 30th
	{"b", "2024-01-31T00:00:00Z"},           // first instant of the 31st
	{"c", "2024-01-31T12:00:00Z"},           //
	{"d", "2024-01-31T23:59:59.999999999Z"}, // last instant of the 31st
	{"e", "2024-02-01T00:00:00Z"},           // first instant of February
	{"f", "2024-01-31T19:00:00-05:00"},      // = 2024-02-01T00:00:00Z
	{"g", "2024-01-31T01:00:00+02:00"},      // = 2024-01-30T23:00:00Z
}

func TestDateTimeDayGranularity(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`DateSent = '2024-01-31'`, "bcd"},
		{`DateSent != '2024-01-31'`, "aefg"},
		{`DateSent < '2024-01-31'`, "ag"},
		{`DateSent <= '2024-01-31'`, "abcdg"},
		{`DateSent > '2024-01-31'`, "ef"},
		{`DateSent >= '2024-01-31'`, "bcdef"},
		{`DateSent BETWEEN '2024-01-31' AND '2024-01-31'`, "bcd"},
		{`DateSent BETWEEN '2024-01-30' AND '2024-01-31'`, "abcdg"},
		{`DateSent NOT BETWEEN '2024-01-31' AND '2024-01-31'`, "aefg"},
		{`DateSent IN ('2024-01-30', '2024-02-01')`, "aefg"},
		{`DateSent BETWEEN '2024-01-31T12:00:00Z' AND '2024-01-31'`, "cd"}, // instant low, whole-day high
		{`DateSent > '2024-01-31T23:59:59.999999999Z'`, "ef"},
		{`DateSent = '2024-02-01T00:00:00Z'`, "ef"},
		{`DateSent = '2024-01-31T20:00:00-04:00'`, "ef"},
		{`DateSent < '2024-01-31T00:00:00Z'`, "ag"},
		{`DateSent < '2024-01-31T00:00:00+00:01'`, "g"}, // 2024-01-30T23:59Z, before a
	}
	for _, tc := range tests {
		e := mustBind(t, tc.in)
		var got strings.Builder
		for _, r := range dayEdges {
			if filter.Eval(e, map[string]any{"DateSent": r.value}) {
				got.WriteString(r.label)
			}
		}
		if got.String() != tc.want {
			t.Errorf("%q matched %q, want %q", tc.in, got.String(), tc.want)
		}
	}
}

func TestDayBounds(t *testing.T) {
	t.Parallel()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		v            filter.Value
		from, to     time.Time
		wantDateOnly bool
	}{
		{filter.StringValue("2024-01-31"), day(2024, 1, 31), day(2024, 2, 1), true},
		{filter.StringValue("2024-02-29"), day(2024, 2, 29), day(2024, 3, 1), true},
		{filter.StringValue("2024-12-31"), day(2024, 12, 31), day(2025, 1, 1), true},
		{filter.StringValue("2024-01-31T19:00:00-05:00"), day(2024, 2, 1), day(2024, 2, 2), false},
		{filter.StringValue("2024-01-31T23:59:59.5Z"), day(2024, 1, 31), day(2024, 2, 1), false},
	}
	for _, tc := range tests {
		from, to, dateOnly, err := filter.DayBounds(tc.v)
		if err != nil {
			t.Errorf("DayBounds(%s): %v", tc.v, err)
			continue
		}
		got := []any{from, to, dateOnly}
		if diff := cmp.Diff([]any{tc.from, tc.to, tc.wantDateOnly}, got); diff != "" {
			t.Errorf("DayBounds(%s) (-want +got):\n%s", tc.v, diff)
		}
		if from.Location() != time.UTC {
			t.Errorf("DayBounds(%s) from is in %v, want UTC", tc.v, from.Location())
		}
	}
}

func TestDayBoundsErrors(t *testing.T) {
	t.Parallel()
	for _, v := range []filter.Value{
		filter.NumberValue(20240131), filter.StringValue("2024-1-31"), filter.StringValue("yesterday"),
		filter.StringValue("2024-01-31T15:04:05"), filter.BoolValue(true), filter.NullValue(),
	} {
		_, _, _, err := filter.DayBounds(v)
		if err == nil || !strings.Contains(err.Error(), "expected a date such as '2024-01-31'") {
			t.Errorf("DayBounds(%s) error = %v, want a date error", v, err)
		}
	}
}

func TestDateColumn(t *testing.T) {
	t.Parallel()
	rows := []string{"2024-01-30", "2024-01-31", "2024-02-01", "2024-01-31T00:00:00Z"}
	tests := []struct{ in, want string }{
		{`StartDate = '2024-01-31'`, "1"},
		{`StartDate >= '2024-01-31'`, "12"},
		{`StartDate < '2024-01-31'`, "0"},
		{`StartDate BETWEEN '2024-01-30' AND '2024-01-31'`, "01"},
	}
	for _, tc := range tests {
		e := mustBind(t, tc.in)
		var got strings.Builder
		for i, v := range rows {
			if filter.Eval(e, map[string]any{"StartDate": v}) {
				got.WriteByte(byte('0' + i))
			}
		}
		if got.String() != tc.want {
			t.Errorf("%q matched rows %q, want %q", tc.in, got.String(), tc.want)
		}
	}
}
