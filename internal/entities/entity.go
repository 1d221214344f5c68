package entities

import (
	"sort"
	"strings"
)

// Op is a connector operation on an entity.
type Op string

// The entity operations of the contract.
const (
	List   Op = "LIST"
	Get    Op = "GET"
	Create Op = "CREATE"
	Update Op = "UPDATE"
	Delete Op = "DELETE"
)

// AllOps lists the entity operations in the contract's order.
var AllOps = []Op{List, Get, Create, Update, Delete}

// Column is one column of an entity's rows, in the connector's naming.
type Column struct {
	Name   string // connector name, e.g. "Sender"
	Field  string // Twilio JSON path, e.g. "from" or "capabilities.sms"
	Type   Type   // what rows carry: Twilio's JSON type (string for "0.0075")
	Format string
	Enum   []string
	Key    bool
	Parent bool // names the parent row in the path (Media's MessageSid)
	// CompareAs, when set, is the type filters and sorting treat the
	// values as instead of Type: Twilio sends many numbers as JSON strings
	// (Price "0.0075", NumSegments "10"), which rows keep as they are but
	// which must compare as numbers ("10" after "9"). Use ValueType.
	CompareAs Type
	Filter    *ListFilter // server-side list filter; nil when Twilio cannot filter on it
}

// ValueType is the type filters and sorting compare the column's values
// as: CompareAs when set, else Type.
func (c *Column) ValueType() Type {
	if c.CompareAs != "" {
		return c.CompareAs
	}
	return c.Type
}

// ListFilter is a Twilio list query parameter that filters on a column.
// Range filters also have the inclusive day bounds Param+"<" and Param+">".
type ListFilter struct {
	Param   string
	Range   bool
	Enum    []string // the values Twilio accepts, when it restricts them
	Pattern string   // the pattern Twilio requires (Sids), when it has one
}

// Input is a writable parameter of a create or update, as it appears in
// connectorInputPayload. Param carries Twilio's form name and constraints.
type Input struct {
	Name    string   // connector name, e.g. "Sender"
	Aliases []string // other accepted names, e.g. Twilio's "From"
	Param   Param
	InPath  bool // fills a path placeholder (Feedback's call Sid) instead of a form field
}

// Entity is one catalogue entry: Twilio's facts plus the connector's names.
// Entities are immutable after the catalogue is built; safe for concurrent use.
type Entity struct {
	Name         string
	Kind         string // "table" or "view"
	Host         string
	ListPath     string
	InstancePath string
	ListKey      string
	Paging       string   // list envelope: "uri", "meta", "single" or "" (see Spec)
	Paged        bool     // the list takes PageSize, Page and PageToken
	Key          string   // key column name ("Sid"); "" when rows have no key
	Parents      []string // path placeholders naming parent rows, in path order
	KeyParam     string   // path placeholder of the key ("Sid", "CallSid")
	KeyPattern   string
	Columns      []Column
	Creates      []Input
	Updates      []Input
	// CreateOnInstance: Twilio creates by POSTing to the instance path
	// (call Feedback), so the key comes from the payload.
	CreateOnInstance bool
	// UpdateAnswersEmpty: the documented connector output of an update by
	// entityId is {} (Messages, the managed connector's documented example;
	// docs/connector-model.md §2).
	UpdateAnswersEmpty bool
	// Retired, when set, explains that Twilio switched the endpoints off
	// and what to use instead; it is added to the message of a Twilio 404.
	Retired        string
	ops            map[Op]bool
	byName         map[string]*Column // lower-case column name → column
	byField        map[string]*Column // Twilio field ("date_sent", "capabilities.sms") → column
	flattened      map[string]bool    // Twilio fields whose object is flattened into columns
	keyFields      []string           // Twilio fields of the key's columns (see keyFieldsOf)
	parentPatterns map[string]string
}

// Supports reports whether the entity has the operation.
func (e *Entity) Supports(op Op) bool { return e.ops[op] }

// Ops lists the entity's operations in the contract's order.
func (e *Entity) Ops() []Op {
	var out []Op
	for _, op := range AllOps {
		if e.ops[op] {
			out = append(out, op)
		}
	}
	return out
}

// Column finds a column by name, case-insensitively.
func (e *Entity) Column(name string) (*Column, bool) {
	c, ok := e.byName[strings.ToLower(name)]
	return c, ok
}

// ColumnNames lists the column names in catalogue order.
func (e *Entity) ColumnNames() []string {
	out := make([]string, len(e.Columns))
	for i, c := range e.Columns {
		out[i] = c.Name
	}
	return out
}

// Catalogue is the set of entities, looked up case-insensitively.
type Catalogue struct {
	byName      map[string]*Entity
	names       []string
	actions     map[string]*Action
	actionNames []string
}

// Lookup finds an entity by name or alias, case-insensitively.
func (c *Catalogue) Lookup(name string) (*Entity, bool) {
	e, ok := c.byName[strings.ToLower(strings.TrimSpace(name))]
	return e, ok
}

// Names lists the canonical entity names, sorted.
func (c *Catalogue) Names() []string { return c.names }

// NewCatalogue builds the catalogue from the generated specs and the overlay.
func NewCatalogue() *Catalogue {
	c := &Catalogue{byName: map[string]*Entity{}}
	for i := range specs {
		e := build(&specs[i])
		c.byName[strings.ToLower(e.Name)] = e
		c.names = append(c.names, e.Name)
		for _, a := range overlays[e.Name].aliases {
			c.byName[strings.ToLower(a)] = e
		}
	}
	sort.Strings(c.names)
	buildActions(c)
	return c
}
