package entities

import (
	"fmt"

	"github.com/connectorworks/twilio-worker/internal/filter"
	"github.com/connectorworks/twilio-worker/internal/rawjson"
)

// splitPage splits a list answer (a JSON object, or nil) into its rows, as
// raw JSON objects, and the envelope members nextPosition reads. Items that
// are not objects are left out, as a decoded page's would be.
func (e *Entity) splitPage(body []byte) (items [][]byte, env map[string]any) {
	env = map[string]any{}
	var list []byte
	rawjson.EachMember(body, func(key, val []byte) {
		k := rawjson.Unquote(key)
		if k == e.ListKey {
			list = val // a repeated member: the last wins, as in a map
		}
		if k == "next_page_uri" || k == "meta" {
			env[k] = rawjson.DecodeValue(val)
		}
	})
	if e.Paging == "single" {
		return [][]byte{body}, env
	}
	rawjson.EachElement(list, func(it []byte) {
		if it[0] == '{' {
			items = append(items, it)
		}
	})
	return items, env
}

// rowReader maps a page's raw rows to connector rows. Most rows of a
// client-side filtered scan are rejected, so the filter is shown a partial
// row: only the members that can become a column it reads are decoded.
// The columns it reads then hold exactly what the whole row would hold, and
// no map entry, string or timestamp is made for the rest.
type rowReader struct {
	e      *Entity
	q      *query
	addr   address
	filter *fieldSet // nil: the filter is shown whole rows
	key    *fieldSet // the key column, to find a resume anchor
	whole  *fieldSet // every member
	// A decoded object (Row's input) and a partial row are looked at and
	// forgotten: their maps are reused.
	scratchObj, scratchRow map[string]any
}

func newRowReader(e *Entity, q *query, addr address) *rowReader {
	r := &rowReader{e: e, q: q, addr: addr, key: newFieldSet(e, []string{e.Key}), whole: allFields(e)}
	if q != nil && q.expr != nil {
		if cols, ok := filter.ReadColumns(q.expr); ok {
			r.filter = newFieldSet(e, cols)
		}
	}
	return r
}

// row maps raw to a connector row, as withParents(Row(decoded raw)) would.
// The decoded object is only Row's input: its map is reused.
func (r *rowReader) row(raw []byte) map[string]any {
	obj := r.scratch(raw, r.whole)
	return r.e.withParents(r.e.Row(obj), r.addr)
}

// partial is row with only the members fs keeps, in a map that the next
// call reuses.
func (r *rowReader) partial(raw []byte, fs *fieldSet) map[string]any {
	obj := r.scratch(raw, fs)
	if r.scratchRow == nil {
		r.scratchRow = map[string]any{}
	}
	clear(r.scratchRow)
	return r.e.withParents(r.e.rowInto(r.scratchRow, obj), r.addr)
}

// scratch decodes the members of raw that fs keeps into the reused map.
func (r *rowReader) scratch(raw []byte, fs *fieldSet) map[string]any {
	if r.scratchObj == nil {
		r.scratchObj = make(map[string]any, len(r.e.Columns)+4) // Twilio's few extra fields, too
	}
	clear(r.scratchObj)
	fs.decode(r.scratchObj, raw)
	return r.scratchObj
}

func (r *rowReader) matches(raw []byte) bool {
	if r.q == nil || r.q.expr == nil {
		return true
	}
	if r.filter == nil {
		return r.q.match(r.row(raw))
	}
	return r.q.match(r.partial(raw, r.filter))
}

// resumeAt is where to start in a fetched page: right after the anchor row
// when the page still holds it, else at the stored offset.
func (r *rowReader) resumeAt(items [][]byte, pos position) int {
	if pos.After != "" {
		for i, it := range items {
			if fmt.Sprint(r.partial(it, r.key)[r.e.Key]) == pos.After {
				return i + 1
			}
		}
	}
	return pos.Offset
}

// fieldSet is the Twilio members that can become one of some columns in
// Row: the member a column is mapped from, one whose PascalCase is the
// column (a field the catalogue does not know), and every flattened object
// (its sub-fields are columns). With all set it is every member. The
// answer is cached per member name, with the name itself, so the rows of a
// page share one string per name.
type fieldSet struct {
	e    *Entity
	all  bool
	cols map[string]bool
	seen map[string]member
}

type member struct {
	name string
	keep bool
}

func newFieldSet(e *Entity, cols []string) *fieldSet {
	fs := &fieldSet{e: e, cols: map[string]bool{}, seen: map[string]member{}}
	for _, c := range cols {
		fs.cols[c] = true
	}
	return fs
}

func allFields(e *Entity) *fieldSet {
	return &fieldSet{e: e, all: true, seen: map[string]member{}}
}

// keeps looks field up without making a string of it: only a name not
// seen before costs an allocation. The cache stops growing at a bound, as
// the names come from Twilio.
func (fs *fieldSet) keeps(field []byte) (string, bool) {
	if m, ok := fs.seen[string(field)]; ok {
		return m.name, m.keep
	}
	m := member{name: string(field)}
	m.keep = fs.all || fs.decide(m.name)
	if len(fs.seen) < maxUnknownNames {
		fs.seen[m.name] = m
	}
	return m.name, m.keep
}

// decide mirrors Row and put: dropped fields never reach a row; a
// flattened object may feed any column; any other member becomes the
// column byField names, else its ColumnName.
func (fs *fieldSet) decide(field string) bool {
	switch {
	case droppedFields[field]:
		return false
	case fs.e.flattens(field):
		return true
	case fs.e.byField[field] != nil:
		return fs.cols[fs.e.byField[field].Name]
	}
	return fs.cols[unknownColumn(field)]
}

// decode decodes the members of raw that fs keeps into obj, as
// json.Decoder with UseNumber would decode them.
func (fs *fieldSet) decode(obj map[string]any, raw []byte) {
	rawjson.EachMember(raw, func(key, val []byte) {
		in := key[1 : len(key)-1]
		if !rawjson.PlainText(in) { // rare: an escaped or invalid name
			in = []byte(rawjson.Unquote(key))
		}
		if name, keep := fs.keeps(in); keep {
			obj[name] = rawjson.DecodeValue(val)
		}
	})
}
