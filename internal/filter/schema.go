package filter

import "strings"

// Type is a column's type as far as filtering is concerned. It decides which
// literals Bind accepts and how Eval compares row values.
type Type int

// The column types. The zero Type is TypeAny, which is what predicates carry
// before Bind: an unbound tree compares by the literal's kind.
const (
	TypeAny      Type = iota // compare by the literal's kind
	TypeString               // text, byte order, case-sensitive
	TypeInteger              // numbers or numeric strings in rows
	TypeNumber               // same as TypeInteger; kept apart for the schema's sake
	TypeBoolean              // true/false or "true"/"false" in rows
	TypeDateTime             // RFC 3339 timestamps in rows
	TypeDate                 // YYYY-MM-DD in rows
)

var typeNames = [...]string{"Any", "String", "Integer", "Number", "Boolean", "DateTime", "Date"}

// String returns the type's name as used in error messages, e.g. "DateTime".
func (t Type) String() string {
	if t < 0 || int(t) >= len(typeNames) {
		return "Type(?)"
	}
	return typeNames[t]
}

// withArticle returns "a String", "an Integer" and so on.
func (t Type) withArticle() string {
	if t == TypeInteger || t == TypeAny {
		return "an " + t.String()
	}
	return "a " + t.String()
}

// Schema is what Bind needs to know about an entity's columns.
//
// Lookup resolves a column name as the user wrote it (ideally
// case-insensitively, and including aliases such as From for Sender) to the
// canonical name that keys rows, and its type. Names lists the canonical
// names in the order error messages should show them; Bind also retries
// Lookup with a Names entry that matches case-insensitively, so a
// case-sensitive Lookup still gives case-insensitive binding.
//
// If the Schema also has a method EntityName() string, the unknown-column
// message names the entity ("Messages columns are: …").
type Schema interface {
	Lookup(name string) (canonical string, typ Type, ok bool)
	Names() []string
}

// Column is one entry of Columns.
type Column struct {
	Name string
	Type Type
}

// Columns is a Schema over a fixed list of columns, matched
// case-insensitively. It has no aliases; an entity with aliases implements
// Schema itself. The zero value is an empty schema.
type Columns []Column

var _ Schema = Columns(nil)

// Lookup returns the column whose name equals name case-insensitively.
func (c Columns) Lookup(name string) (string, Type, bool) {
	for _, col := range c {
		if strings.EqualFold(col.Name, name) {
			return col.Name, col.Type, true
		}
	}
	return "", TypeAny, false
}

// Names returns the column names in order.
func (c Columns) Names() []string {
	names := make([]string, len(c))
	for i, col := range c {
		names[i] = col.Name
	}
	return names
}
