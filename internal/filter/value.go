package filter

import (
	"strconv"
	"strings"
)

// ValueKind says which field of a Value holds the literal.
type ValueKind int

// The literal kinds. The zero ValueKind is KindNull, so the zero Value is the
// NULL literal.
const (
	KindNull ValueKind = iota
	KindString
	KindNumber
	KindBool
)

// String returns the kind's name: "NULL", "string", "number" or "boolean".
func (k ValueKind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindNumber:
		return "number"
	case KindBool:
		return "boolean"
	}
	return "NULL"
}

// Value is a literal from the right-hand side of a predicate.
type Value struct {
	Kind ValueKind
	Str  string  // KindString: the decoded text, quotes removed
	Num  float64 // KindNumber: the parsed value
	Bool bool    // KindBool
	// Raw is the literal as SQL text. For numbers it is the spelling from
	// the source, so 00110 keeps its zeros and 1e3 stays 1e3 when the
	// executor pushes the value down or quotes it in a message; for the other
	// kinds it is the canonical rendering ('it''s', TRUE, NULL), whichever
	// quotes the source used.
	Raw string
}

// StringValue returns the string literal s.
func StringValue(s string) Value {
	return Value{Kind: KindString, Str: s, Raw: quote(s, '\'')}
}

// NumberValue returns the number literal f, spelled the shortest way that
// reads back as f. f must be finite: SQL has no spelling for NaN or ±Inf.
func NumberValue(f float64) Value {
	return Value{Kind: KindNumber, Num: f, Raw: strconv.FormatFloat(f, 'g', -1, 64)}
}

// BoolValue returns TRUE or FALSE.
func BoolValue(b bool) Value {
	if b {
		return Value{Kind: KindBool, Bool: true, Raw: "TRUE"}
	}
	return Value{Kind: KindBool, Raw: "FALSE"}
}

// NullValue returns the NULL literal as Parse produces it.
func NullValue() Value { return Value{Kind: KindNull, Raw: "NULL"} }

// String renders v as a SQL literal that Parse reads back as v. A number is
// rendered from Raw when Raw is a valid number, otherwise from Num.
func (v Value) String() string {
	switch v.Kind {
	case KindString:
		return quote(v.Str, '\'')
	case KindNumber:
		if end, ok := scanNumber(v.Raw, 0); ok && end == len(v.Raw) {
			return v.Raw
		}
		return strconv.FormatFloat(v.Num, 'g', -1, 64)
	case KindBool:
		if v.Bool {
			return "TRUE"
		}
		return "FALSE"
	}
	return "NULL"
}

// quote wraps s in q, doubling any q inside, which is the only escape the
// grammar has.
func quote(s string, q byte) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		if s[i] == q {
			b.WriteByte(q)
		}
		b.WriteByte(s[i])
	}
	b.WriteByte(q)
	return b.String()
}
