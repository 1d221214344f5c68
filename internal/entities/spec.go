package entities

// Type is a column's or parameter's connector data type.
type Type string

// The connector data types. Twilio's RFC 2822 and ISO timestamps are both
// DateTime (rows carry RFC 3339 UTC); format "date" stays a YYYY-MM-DD Date.
// TAny is a row field Twilio's specification declares without a type
// (a call event's request): rows carry whatever JSON Twilio sends, an
// object in practice.
const (
	TString   Type = "string"
	TInteger  Type = "integer"
	TNumber   Type = "number"
	TBoolean  Type = "boolean"
	TDateTime Type = "datetime"
	TDate     Type = "date"
	TArray    Type = "array"
	TObject   Type = "object"
	TAny      Type = "any"
)

// Field is one property of a Twilio JSON row as the official specification
// declares it. Path is the JSON name, dotted for nested object properties
// ("capabilities.sms"), which the row mapper flattens.
type Field struct {
	Path    string
	Type    Type
	Format  string
	Enum    []string
	Pattern string
}

// Param is one request parameter as the specification declares it: a form
// field of a create or update, a list query filter, or a path placeholder.
// Items is the element type of an array parameter.
type Param struct {
	Name     string
	Type     Type
	Items    Type
	Format   string
	Enum     []string
	Pattern  string
	Required bool
	// MaxChars is the most characters (Unicode code points) a string may
	// have, 0 for no limit. Twilio's specification states none: the
	// overlay sets Twilio's documented limits (maxChars).
	MaxChars int
}

// Spec is the generated, spec-derived description of one entity: Twilio's
// facts only. The hand-written overlay turns it into an Entity with the
// connector's names and decisions.
type Spec struct {
	Name         string
	SpecFile     string
	Host         string
	ListPath     string
	InstancePath string
	ListKey      string
	// Paging is the list envelope: "uri" (v2010: next_page_uri), "meta"
	// (v1 APIs: meta.next_page_url), "single" (the list path answers one
	// object, e.g. Balance), "" (no list).
	Paging string

	ListGet, ListPost                         bool
	Paged                                     bool // the list takes PageSize, Page and PageToken
	InstanceGet, InstancePost, InstanceDelete bool

	Fields     []Field
	PathParams []Param
	ListQuery  []Param
	GetQuery   []Param
	Create     []Param
	Update     []Param
}
