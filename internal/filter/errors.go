package filter

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Limits that keep a hostile clause from costing more than a bad request.
const (
	// MaxLength is the longest filterClause Parse accepts, in bytes.
	MaxLength = 64 << 10
	// MaxDepth is how deeply parentheses and NOT may nest. The parser
	// recurses once per level, so this bounds its stack.
	MaxDepth = 100
)

// ErrEmpty is returned by Parse for an empty or whitespace-only clause. It is
// a sentinel rather than a *SyntaxError because callers treat it differently:
// LIST reads it as "no filter", UPDATE and DELETE must refuse it.
var ErrEmpty = errors.New("filterClause is empty")

// SyntaxError reports a clause that does not follow the grammar. Msg always
// says what was expected and what was found.
type SyntaxError struct {
	// Pos is the 1-based byte offset of the offending token, or 0 when the
	// error concerns the clause as a whole (for example its length). The
	// clause is treated as a single line: a newline counts as one byte.
	Pos int
	// Msg describes the problem without the "filterClause: at …" prefix.
	Msg string
}

// Error renders the error as "filterClause: at 1:<Pos>: <Msg>".
func (e *SyntaxError) Error() string {
	if e.Pos <= 0 {
		return "filterClause: " + e.Msg
	}
	return fmt.Sprintf("filterClause: at 1:%d: %s", e.Pos, e.Msg)
}

// BindError reports a clause that parses but does not fit the schema: an
// unknown column, a literal that cannot have the column's type, or an
// operator the type does not support.
type BindError struct {
	// Pos is the 1-based byte offset of the predicate's column name.
	Pos int
	// Column is the name as written for an unknown column, otherwise the
	// schema's canonical name.
	Column string
	// Msg is the full explanation, position included, without the
	// "filterClause: " prefix.
	Msg string
}

// Error renders the error as "filterClause: <Msg>".
func (e *BindError) Error() string { return "filterClause: " + e.Msg }

// shorten cuts s to about 40 bytes, on a rune boundary, so that quoting a
// long literal or name does not swamp a message.
func shorten(s string) string {
	const maxShown = 40
	if len(s) <= maxShown {
		return s
	}
	n := maxShown
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
