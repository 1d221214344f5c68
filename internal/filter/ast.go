package filter

import (
	"strings"
	"unicode/utf8"
)

// Expr is a node of a parsed filterClause. Parse and Bind return pointers to
// the node types below (*And, *Or, *Not, *Compare, *In, *Like, *IsNull,
// *Between); trees are never modified after they are built, so they are safe
// to share between goroutines.
//
// String renders canonical SQL: keywords upper-case, single-quoted strings,
// one space around operators, parentheses only where precedence needs them.
// Parse(e.String()) yields a tree equal to e except for the Pos fields, as
// long as the rendering fits in MaxLength: it can be up to about twice as
// long as the input, since it adds spaces and doubles quotes.
type Expr interface {
	String() string
}

// And is Left AND Right. A chain a AND b AND c parses left-deep.
type And struct{ Left, Right Expr }

// Or is Left OR Right. A chain a OR b OR c parses left-deep.
type Or struct{ Left, Right Expr }

// Not is NOT X.
type Not struct{ X Expr }

// Op is a comparison operator of a Compare.
type Op string

// The comparison operators. Parse normalises "<>" to OpNe.
const (
	OpEq Op = "="
	OpNe Op = "!="
	OpLt Op = "<"
	OpLe Op = "<="
	OpGt Op = ">"
	OpGe Op = ">="
)

// Compare is Column Op Value.
type Compare struct {
	Column string
	Op     Op
	Value  Value
	Pos    int  // 1-based byte offset of the column name in the source
	Type   Type // the column's type, set by Bind; TypeAny before binding
}

// In is Column [NOT] IN (Values...). Values is never empty. Pos and Type
// are as in Compare.
type In struct {
	Column string
	Values []Value
	Negate bool
	Pos    int
	Type   Type
}

// Like is Column [NOT] LIKE Pattern; see the package doc for the wildcards.
// Pos and Type are as in Compare.
type Like struct {
	Column  string
	Pattern string
	Negate  bool
	Pos     int
	Type    Type
}

// IsNull is Column IS [NOT] NULL. Pos and Type are as in Compare.
type IsNull struct {
	Column string
	Negate bool
	Pos    int
	Type   Type
}

// Between is Column [NOT] BETWEEN Low AND High, both bounds inclusive. Pos
// and Type are as in Compare.
type Between struct {
	Column    string
	Low, High Value
	Negate    bool
	Pos       int
	Type      Type
}

// Conjuncts returns the top-level AND operands of e, flattened and in source
// order: for a AND (b AND c) it returns [a b c]. Anything else (a predicate,
// an OR, a NOT) is a single conjunct, [e]. These are the only parts of a
// clause that may be pushed down to Twilio, because each must hold for every
// matching row.
func Conjuncts(e Expr) []Expr {
	a, ok := e.(*And)
	if !ok {
		return []Expr{e}
	}
	return append(Conjuncts(a.Left), Conjuncts(a.Right)...)
}

// ReadColumns lists the columns e reads, each once, in source order. ok is
// false when e holds a node this function does not know: a caller that
// reads only the listed columns of a row must then read the whole row.
func ReadColumns(e Expr) (cols []string, ok bool) {
	seen := map[string]bool{}
	ok = walkColumns(e, func(c string) {
		if !seen[c] {
			seen[c] = true
			cols = append(cols, c)
		}
	})
	return cols, ok
}

func walkColumns(e Expr, use func(string)) bool {
	switch n := e.(type) {
	case *And:
		return walkColumns(n.Left, use) && walkColumns(n.Right, use)
	case *Or:
		return walkColumns(n.Left, use) && walkColumns(n.Right, use)
	case *Not:
		return walkColumns(n.X, use)
	case *Compare:
		use(n.Column)
	case *In:
		use(n.Column)
	case *Like:
		use(n.Column)
	case *IsNull:
		use(n.Column)
	case *Between:
		use(n.Column)
	default:
		return false
	}
	return true
}

// String renders e as canonical SQL; see Expr.
func (e *And) String() string {
	return group(e.Left, isOr) + " AND " + group(e.Right, isAndOr)
}

// String renders e as canonical SQL; see Expr.
func (e *Or) String() string {
	return e.Left.String() + " OR " + group(e.Right, isOr)
}

// String renders e as canonical SQL; see Expr.
func (e *Not) String() string { return "NOT " + group(e.X, isAndOr) }

// String renders e as canonical SQL; see Expr.
func (e *Compare) String() string {
	return column(e.Column) + " " + string(e.Op) + " " + e.Value.String()
}

// String renders e as canonical SQL; see Expr.
func (e *In) String() string {
	vals := make([]string, len(e.Values))
	for i, v := range e.Values {
		vals[i] = v.String()
	}
	return column(e.Column) + negation(e.Negate) + " IN (" + strings.Join(vals, ", ") + ")"
}

// String renders e as canonical SQL; see Expr.
func (e *Like) String() string {
	return column(e.Column) + negation(e.Negate) + " LIKE " + quote(e.Pattern, '\'')
}

// String renders e as canonical SQL; see Expr.
func (e *IsNull) String() string {
	return column(e.Column) + " IS" + negation(e.Negate) + " NULL"
}

// String renders e as canonical SQL; see Expr.
func (e *Between) String() string {
	return column(e.Column) + negation(e.Negate) + " BETWEEN " + e.Low.String() + " AND " + e.High.String()
}

func negation(negate bool) string {
	if negate {
		return " NOT"
	}
	return ""
}

func isOr(e Expr) bool { _, ok := e.(*Or); return ok }

func isAndOr(e Expr) bool {
	_, ok := e.(*And)
	return ok || isOr(e)
}

// group parenthesises e when needs(e): an operand that binds more loosely
// than its parent, or one on the right of a left-associative chain, so the
// rendered text parses back into the same tree shape.
func group(e Expr, needs func(Expr) bool) string {
	if needs(e) {
		return "(" + e.String() + ")"
	}
	return e.String()
}

// column renders a column name bare when the lexer would read it back as the
// same bare word, and double-quoted otherwise.
func column(name string) string {
	if isBareName(name) {
		return name
	}
	return quote(name, '"')
}

func isBareName(s string) bool {
	if s == "" || isKeyword(s) {
		return false
	}
	for i, r := range s {
		if r == utf8.RuneError || !isIdentPart(r) || (i == 0 && !isIdentStart(r)) {
			return false
		}
	}
	return true
}
