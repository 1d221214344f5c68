package filter_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectorworks/twilio-worker/internal/filter"
)

// evalRows are Messages-like rows as the executor hands them over: decoded
// JSON, numbers sometimes as strings (Twilio's num_segments and price),
// nulls, a missing key or two, and values of the wrong shape.
const evalRows = `[
 {"id":1,"Sid":"SM3ad97d41e786c02bca47c8ce1745053b","Sender":"+14155550100","To":"+15005550006",
  "Body":"Hello wörld","Status":"delivered","NumSegments":"1","Price":"-0.00750",
  "DateSent":"2024-01-31T23:59:59Z","Beta":false,"StartDate":"2024-01-31"},
 {"id":2,"Sid":"SM02","Sender":"+14155550101","To":"+15005550006","Body":"Ünïcode 日本語","Status":"failed",
  "NumSegments":"3","Price":"-0.02250","DateSent":"2024-02-01T00:00:00Z","Beta":"true","StartDate":"2024-02-01",
  "Extra":30007},
 {"id":3,"Sid":"SM03","Sender":"+14155550100","To":"+447700900000","Body":null,"Status":"queued",
  "NumSegments":2,"Price":null,"DateSent":null,"Beta":true,"StartDate":null,"Extra":"abc"},
 {"id":4,"Sid":"SM04","Sender":"+14155550102","Body":"100% sure_","Status":"Delivered","NumSegments":10,
  "Price":-0.5,"DateSent":"2024-01-31T00:00:00+01:00","Beta":"FALSE","Extra":[1]},
 {"id":5,"Sid":"SM05","Sender":"","Body":"","Status":"sent","NumSegments":"n/a","Price":"-0.0075",
  "DateSent":"not a date","Beta":"maybe","StartDate":"2024-13-01","Extra":{"k":1}}
]`

// evalCases lists, for each clause, the ids of the rows it matches, worked
// out by hand from evalRows (the comments give the reasoning where it is not
// obvious).
var evalCases = []struct {
	in   string
	want []int
}{
	{`Status = 'delivered'`, []int{1}}, // case-sensitive: not row 4's "Delivered"
	{`Status != 'delivered'`, []int{2, 3, 4, 5}},
	{`Status > 'f'`, []int{2, 3, 5}}, // byte order: "Delivered" < "f" < "failed"
	{`Sender = ''`, []int{5}},
	{`from = '+14155550101'`, []int{2}},
	{`SM3ad97d41e786c02bca47c8ce1745053b`, []int{1}},
	{`NumSegments > 1`, []int{2, 3, 4}}, // row 5's "n/a" is UNKNOWN
	{`NumSegments >= '2' AND NumSegments < 10`, []int{2, 3}},
	{`NOT NumSegments > 1`, []int{1}}, // NOT UNKNOWN stays UNKNOWN for row 5
	{`NumSegments BETWEEN 2 AND 3`, []int{2, 3}},
	{`NumSegments NOT BETWEEN 2 AND 3`, []int{1, 4}},
	{`Price < -0.01`, []int{2, 4}},
	{`Price = '-0.0075'`, []int{1, 5}}, // "-0.00750" is the same number
	{`Price IS NULL`, []int{3}},
	{`Price > -1 OR Price IS NULL`, []int{1, 2, 3, 4, 5}},
	{`Body IS NOT NULL`, []int{1, 2, 4, 5}}, // "" is not NULL
	{`Body LIKE '%ö%'`, []int{1}},
	{`Body LIKE 'Ünïcode ___'`, []int{2}}, // three characters, nine bytes
	{`Body LIKE 'Ünïcode __'`, nil},
	{`Body LIKE '100% sure_'`, []int{4}},
	{`Body LIKE ''`, []int{5}},
	{`Body NOT LIKE 'H%'`, []int{2, 4, 5}}, // row 3's NULL body is UNKNOWN
	{`Sender LIKE '+1415555010_'`, []int{1, 2, 3, 4}},
	{`Beta = TRUE`, []int{2, 3}},     // "true" counts; "maybe" is UNKNOWN
	{`Beta != 'true'`, []int{1, 4}},  // "FALSE" counts
	{`Beta IN (FALSE)`, []int{1, 4}}, //
	{`Beta IS NULL`, nil},            //
	{`StartDate = '2024-01-31'`, []int{1}},
	{`StartDate > '2024-01-31'`, []int{2}}, // "2024-13-01" is not a date
	{`Sender IN ('+14155550100', '+14155550102')`, []int{1, 3, 4}},
	{`Sender NOT IN ('+14155550100')`, []int{2, 4, 5}},
	{`Sender NOT IN ('+14155550100', NULL)`, nil}, // no match and a NULL: UNKNOWN
	{`To IN ('+15005550006') OR Body IS NULL`, []int{1, 2, 3}},
	{`DateSent = '2024-01-31'`, []int{1}}, // row 4 is 2024-01-30T23:00Z
	{`DateSent < '2024-01-31'`, []int{4}},
	{`DateSent <= '2024-01-31'`, []int{1, 4}},
	{`DateSent > '2024-01-31'`, []int{2}},
	{`DateSent >= '2024-01-31'`, []int{1, 2}},
	{`DateSent != '2024-01-31'`, []int{2, 4}},
	{`DateSent BETWEEN '2024-01-30' AND '2024-01-31'`, []int{1, 4}},
	{`DateSent > '2024-01-31T23:59:59Z'`, []int{2}},
	{`DateSent >= '2024-01-31T23:59:59Z'`, []int{1, 2}},
	{`DateSent = '2024-01-30T23:00:00Z'`, []int{4}},
	{`Extra = 30007`, []int{2}},
	{`Extra = '30007'`, []int{2}}, // Any with a string literal compares text
	{`Extra = 'abc'`, []int{3}},
	{`Extra = 1`, nil}, // [1] is an array, not 1
	{`Extra IS NOT NULL`, []int{2, 3, 4, 5}},
	{`Sid = 'SM03' AND (Status = 'queued' OR NumSegments > 100)`, []int{3}},
	{`Status = 'delivered' OR Status = 'failed' AND NumSegments = 3`, []int{1, 2}},
	{`(Status = 'delivered' OR Status = 'failed') AND NumSegments = 3`, []int{2}},
	{`NOT Status = 'delivered' AND NumSegments = 3`, []int{2}},
	{`NOT (Status = 'delivered' AND NumSegments = 3)`, []int{1, 2, 3, 4, 5}},
}

func decodeRows(t *testing.T, useNumber bool) []map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(evalRows))
	if useNumber {
		dec.UseNumber()
	}
	var rows []map[string]any
	if err := dec.Decode(&rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestEval runs every case against the rows decoded both as float64 and as
// json.Number, since the executor may use either.
func TestEval(t *testing.T) {
	t.Parallel()
	for _, useNumber := range []bool{false, true} {
		rows := decodeRows(t, useNumber)
		for _, tc := range evalCases {
			e := mustBind(t, tc.in)
			var got []int
			for i, row := range rows {
				if filter.Eval(e, row) {
					got = append(got, i+1)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("UseNumber=%v %q matched rows (-want +got):\n%s", useNumber, tc.in, diff)
			}
		}
	}
}

func TestConjuncts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{`a = 1`, []string{`a = 1`}},
		{`a = 1 AND (b = 2 AND c = 3) AND (d = 4 OR e = 5) AND NOT f = 6`,
			[]string{`a = 1`, `b = 2`, `c = 3`, `d = 4 OR e = 5`, `NOT f = 6`}},
		{`a = 1 OR b = 2 AND c = 3`, []string{`a = 1 OR b = 2 AND c = 3`}},
		{`NOT (a = 1 AND b = 2)`, []string{`NOT (a = 1 AND b = 2)`}},
		{`SM3ad97d41e786c02bca47c8ce1745053b`, []string{`Sid = 'SM3ad97d41e786c02bca47c8ce1745053b'`}},
	}
	for _, tc := range tests {
		var got []string
		for _, c := range filter.Conjuncts(mustParse(t, tc.in)) {
			got = append(got, c.String())
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Conjuncts(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}
