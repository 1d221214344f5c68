package twiliosim

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// rowStore holds the rows of one fixture key. Specs that serve the same rows
// under the same list key share one rowStore (Recordings, CallRecordings and
// ConferenceRecordings all list `recordings`; IncomingPhoneNumbers and its
// Local, Mobile and TollFree lists all list `incoming_phone_numbers`), so a
// row created through one path is visible through the others.
type rowStore struct {
	key      string                    // fixture and Rows key
	keyField string                    // the field rows are keyed by; "" when rows have no key
	prefix   string                    // SID prefix of generated keys; "" when the key is not a SID
	fields   map[string]entities.Field // the union of the members' fields
	order    []entities.Field          // the same, in first-seen order
	top      []string                  // top-level names of fields, in first-seen order
	home     string                    // an instance template for members that have none
	homeKey  string                    // the placeholder of home that holds the key
	defaults func(row map[string]any, form url.Values, ids *idSource)
	members  []*resource
	table    *table
	re       map[string]*regexp.Regexp // the server's compiled patterns
}

// storeKey is the fixture key of spec's rows: the hook's key, else the list
// key, else the snake_case of the entity name.
func storeKey(spec entities.Spec, h hooks) string {
	switch {
	case h.key != "":
		return h.key
	case spec.ListKey != "":
		return spec.ListKey
	}
	return snake(spec.Name)
}

func newRowStore(key string, re map[string]*regexp.Regexp) *rowStore {
	return &rowStore{key: key, fields: map[string]entities.Field{}, defaults: defaultsFor(key), re: re}
}

// matches reports whether v matches pattern; an empty or unknown pattern
// matches everything.
func (st *rowStore) matches(pattern, v string) bool {
	c := st.re[pattern]
	return c == nil || c.MatchString(v)
}

// add makes res a member: its fields join the union and its instance path
// may become the store's home.
func (st *rowStore) add(res *resource) {
	st.members = append(st.members, res)
	for _, f := range res.spec.Fields {
		if _, ok := st.fields[f.Path]; ok {
			continue
		}
		st.fields[f.Path] = f
		st.order = append(st.order, f)
		top, _, _ := strings.Cut(f.Path, ".")
		if !slices.Contains(st.top, top) {
			st.top = append(st.top, top)
		}
	}
	path := res.spec.InstancePath
	if path != "" && (st.home == "" || len(placeholders(path)) < len(placeholders(st.home))) {
		st.home, st.homeKey = path, res.keyParam
	}
}

// finish settles the key once every member is known: the key field of the
// members' instance paths, else sid when rows have one.
func (st *rowStore) finish() {
	for _, res := range st.members {
		if res.keyParam != "" {
			st.keyField = res.keyField
			break
		}
	}
	if _, ok := st.fields["sid"]; ok && st.keyField == "" {
		st.keyField = "sid"
	}
	if st.keyField != "" {
		st.prefix = sidPrefix(st.fields[st.keyField].Pattern)
	}
	st.table = newTable(st.keyField)
}
