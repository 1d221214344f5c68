package entities

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// The lazy page path (readObject, splitPage, rowReader) must give what the
// whole-page decode it replaced gave: the same error or none, the same
// rows, the same next cursor, and the same verdict of every filter. The
// reference below is that old path, kept here as the specification.

type decodedPage struct {
	err  string
	rows []map[string]any
	next *position
}

func eagerPage(e *Entity, body []byte, addr address) decodedPage {
	resp := &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(bytes.NewReader(body))}
	var m map[string]any
	if err := decodeInto(resp, http.MethodGet, "/p", &m); err != nil {
		return decodedPage{err: err.Error()}
	}
	items, _ := m[e.ListKey].([]any)
	if e.Paging == "single" {
		items = []any{m}
	}
	var rows []map[string]any
	for _, it := range items {
		if obj, ok := it.(map[string]any); ok {
			rows = append(rows, e.withParents(e.Row(obj), addr))
		}
	}
	return decodedPage{rows: rows, next: nextPosition(e, m, 50)}
}

func lazyPage(e *Entity, body []byte, addr address) (decodedPage, [][]byte) {
	resp := &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body))}
	raw, err := readObject(resp, http.MethodGet, "/p", new(bytes.Buffer))
	if err != nil {
		return decodedPage{err: err.Error()}, nil
	}
	items, env := e.splitPage(raw)
	rd := newRowReader(e, nil, addr)
	var rows []map[string]any
	for _, it := range items {
		rows = append(rows, rd.row(it))
	}
	return decodedPage{rows: rows, next: nextPosition(e, env, 50)}, items
}

// checkPage compares both paths on body for entity e, and every clause's
// verdict on every row.
func checkPage(t *testing.T, e *Entity, body []byte, clauses []string) {
	t.Helper()
	addr := address{}
	for _, p := range e.Parents {
		addr[p] = "XX" + p
	}
	want := eagerPage(e, body, addr)
	got, items := lazyPage(e, body, addr)
	if collides(e, body) {
		// Two members feed one column: which one wins depends on map order,
		// in the old path as well. Only the error is comparable.
		if got.err != want.err {
			t.Fatalf("%s %q: lazy error %q, eager %q", e.Name, body, got.err, want.err)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s %q:\nlazy  %#v\neager %#v", e.Name, body, got, want)
	}
	for _, c := range clauses {
		q, err := e.query(c)
		if err != nil {
			continue // a clause this entity's columns do not take
		}
		rd := newRowReader(e, q, addr)
		for i, it := range items {
			if got, want := rd.matches(it), q.match(want.rows[i]); got != want {
				t.Fatalf("%s %q row %d, %s: lazy %v, eager %v", e.Name, body, i, c, got, want)
			}
			pos := position{After: fmt.Sprint(want.rows[i][e.Key]), Offset: 99}
			if got, want := rd.resumeAt(items, pos), eagerResumeAt(e, want.rows, pos); got != want {
				t.Fatalf("%s %q: resumeAt after %s = %d, want %d", e.Name, body, pos.After, got, want)
			}
		}
	}
}

func eagerResumeAt(e *Entity, rows []map[string]any, pos position) int {
	for i, row := range rows {
		if pos.After != "" && fmt.Sprint(row[e.Key]) == pos.After {
			return i + 1
		}
	}
	return pos.Offset
}

// collides reports whether two members of a row in body become the same
// column (body and Body; capabilities.SMS and capabilities.sms).
func collides(e *Entity, body []byte) bool {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	_ = dec.Decode(&m)
	items, _ := m[e.ListKey].([]any)
	if e.Paging == "single" {
		items = []any{m}
	}
	name := func(f string) string {
		if c := e.byField[f]; c != nil {
			return c.Name
		}
		return ColumnName(f)
	}
	for _, it := range items {
		obj, _ := it.(map[string]any)
		seen := map[string]bool{}
		use := func(n string) bool { dup := seen[n]; seen[n] = true; return dup }
		for k, v := range obj {
			sub, ok := v.(map[string]any)
			switch {
			case droppedFields[k]:
			case ok && e.flattens(k):
				for sk := range sub {
					if use(name(k + "." + strings.ToLower(sk))) {
						return true
					}
				}
			case use(name(k)):
				return true
			}
		}
	}
	return false
}

// clausesFor reads each column in ways that see its value, its type and
// its NULLs; those that do not bind are skipped by checkPage.
func clausesFor(e *Entity) []string {
	var out []string
	for _, c := range e.Columns {
		n := c.Name
		out = append(out, n+" IS NULL", n+" IS NOT NULL", n+" LIKE '%1%'", "NOT "+n+" LIKE 'x%'",
			n+" = '1'", n+" > 1", n+" = true", n+" >= '2024-03-01'", n+" != 'x' OR "+n+" IS NULL")
	}
	return out
}

// sampleRow is a plausible Twilio object for e: every column's field set
// (nested for flattened ones) to a value of its type.
func sampleRow(e *Entity, i int) map[string]any {
	row := map[string]any{}
	for _, c := range e.Columns {
		var v any
		switch c.Type {
		case TDateTime:
			v = fmt.Sprintf("Mon, 0%d Mar 2024 06:00:00 +0000", 1+i%9)
		case TInteger, TNumber:
			v = json.Number(fmt.Sprint(i*7 - 3))
		case TBoolean:
			v = i%2 == 0
		case TObject, TAny:
			v = map[string]any{"k": []any{1, "x", nil}}
		case TArray:
			v = []any{"a", json.Number("1.5e3")}
		default:
			v = fmt.Sprintf("%s %d", strings.ToLower(c.Name), i)
		}
		if i%5 == 3 {
			v = nil
		}
		parent, sub, nested := strings.Cut(c.Field, ".")
		if !nested {
			row[c.Field] = v
			continue
		}
		m, _ := row[parent].(map[string]any)
		if m == nil {
			m = map[string]any{}
			row[parent] = m
		}
		m[sub] = v
	}
	return row
}

func samplePage(e *Entity) []byte {
	rows := []any{}
	for i := range 6 {
		rows = append(rows, sampleRow(e, i))
	}
	env := map[string]any{e.ListKey: rows, "next_page_uri": "/x?Page=1&PageToken=PA7",
		"meta": map[string]any{"next_page_url": "https://h/x?Page=2&PageToken=PB2", "key": e.ListKey}}
	if e.Paging == "single" {
		env = sampleRow(e, 1)
	}
	b, _ := json.Marshal(env)
	return b
}

func TestLazyPageCatalogue(t *testing.T) {
	t.Parallel()
	cat := NewCatalogue()
	for _, name := range cat.Names() {
		e, _ := cat.Lookup(name)
		checkPage(t, e, samplePage(e), clausesFor(e))
	}
}

// Edge cases, on Messages (dates, numbers kept as text) and
// IncomingPhoneNumbers (the flattened capabilities object).
var edgeBodies = []string{
	``, `   `, `null`, `[]`, `"x"`, `{`, `{"messages":[{"sid":"SM1"}]} trailing`, `{} {}`,
	`{"messages":null}`, `{"messages":{"sid":"SM1"}}`, `{"messages":[1,"x",null,[],{"sid":"SM2"}]}`,
	`{"messages":[{}],"messages":[{"sid":"last"}]}`,
	`{"messages":[{"body":"a","body":"b","num_segments":3,"price":-0.5e-3}]}`,
	`{"messages":[{"b\u006fdy":"escaped key","Body":"pascal","from":"+1","sender":"unknown"}]}`,
	`{"messages":[{"body":"caf\u00e9 \"q\" \\ \n","date_sent":"Tue, 05 Mar 2024 06:00:00 +0100"}]}`,
	"{\"messages\":[{\"to\":\"bad utf8 \xff\xfe\",\"bo\xffdy\":1}]}",
	`{"messages":[{"date_sent":"2024-03-05T06:00:00.5Z","date_created":"not a date","date_updated":5}]}`,
	`{"messages":[{"subresource_uris":{"media":"/m"},"auth_token":"s","new_field":{"a":[1,{"b":null}]}}]}`,
	"{\"messages\" : [ {\"sid\" : \"SM3\" , \"body\" : \"x\" } ] ,\n\t\"next_page_uri\" : \"/m?Page=4&PageToken=PA9\" }",
	`{"messages":[{"sid":"SM4","num_segments":"10"}],"next_page_uri":"::bad"}`,
	`{"incoming_phone_numbers":[{"capabilities":{"SMS":true,"voice":false,"fax":null,"mms":"x"}},` +
		`{"capabilities":null},{"capabilities":[1]},{"capabilities":{}},{"capabilities.sms":true}]}`,
}

func TestLazyPageEdges(t *testing.T) {
	t.Parallel()
	cat := NewCatalogue()
	for _, name := range []string{"Messages", "IncomingPhoneNumbers", "Balance"} {
		e, ok := cat.Lookup(name)
		if !ok {
			t.Fatalf("no entity %s", name)
		}
		for _, b := range edgeBodies {
			checkPage(t, e, []byte(b), clausesFor(e))
		}
	}
}

func FuzzLazyPage(f *testing.F) {
	for _, b := range edgeBodies {
		f.Add(b)
	}
	cat := NewCatalogue()
	f.Add(string(samplePage(mustLookup(cat, "Messages"))))
	entities := []*Entity{mustLookup(cat, "Messages"), mustLookup(cat, "IncomingPhoneNumbers")}
	f.Fuzz(func(t *testing.T, body string) {
		for _, e := range entities {
			checkPage(t, e, []byte(body), clausesFor(e))
		}
	})
}

func mustLookup(c *Catalogue, name string) *Entity {
	e, ok := c.Lookup(name)
	if !ok {
		panic("no entity " + name)
	}
	return e
}
