package entities

import (
	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/filter"
)

// schema presents an entity's columns to the filter binder.
type schema struct{ e *Entity }

var _ filter.Schema = schema{}

func (s schema) Lookup(name string) (string, filter.Type, bool) {
	c, ok := s.e.Column(name)
	if !ok {
		return "", filter.TypeAny, false
	}
	return c.Name, filterType(c.ValueType()), true
}

func (s schema) Names() []string { return s.e.ColumnNames() }

// EntityName lets bind errors say whose columns they list.
func (s schema) EntityName() string { return s.e.Name }

func filterType(t Type) filter.Type {
	switch t {
	case TString:
		return filter.TypeString
	case TInteger:
		return filter.TypeInteger
	case TNumber:
		return filter.TypeNumber
	case TBoolean:
		return filter.TypeBoolean
	case TDateTime:
		return filter.TypeDateTime
	case TDate:
		return filter.TypeDate
	}
	return filter.TypeAny
}

// invalid wraps a filter parse or bind error as INVALID_ARGUMENT; the
// filter package's messages already say where and what was expected.
func invalid(err error) error {
	return &codes.Error{Code: codes.InvalidArgument, Message: err.Error(), Err: err}
}
