package filter

import (
	"cmp"
	"strings"
)

// truth is a SQL truth value. UNKNOWN is what any comparison with NULL
// yields; it behaves like FALSE at the top but not under NOT.
type truth uint8

const (
	unknown truth = iota
	isFalse
	isTrue
)

func truthOf(b bool) truth {
	if b {
		return isTrue
	}
	return isFalse
}

func not3(t truth) truth {
	switch t {
	case isTrue:
		return isFalse
	case isFalse:
		return isTrue
	}
	return unknown
}

// Eval reports whether row satisfies e, that is whether e evaluates to TRUE
// under SQL's three-valued logic; FALSE and UNKNOWN both give false. row is
// keyed by canonical column names, so e should come from Bind. Eval never
// fails: a value it cannot compare makes its predicate UNKNOWN. It does not
// modify e or row and is safe for concurrent use.
func Eval(e Expr, row map[string]any) bool { return eval(e, row) == isTrue }

func eval(e Expr, row map[string]any) truth {
	switch n := e.(type) {
	case *And:
		l := eval(n.Left, row)
		if l == isFalse {
			return isFalse
		}
		if r := eval(n.Right, row); r != isTrue {
			return r
		}
		return l
	case *Or:
		l := eval(n.Left, row)
		if l == isTrue {
			return isTrue
		}
		if r := eval(n.Right, row); r != isFalse {
			return r
		}
		return l
	case *Not:
		return not3(eval(n.X, row))
	case *IsNull:
		return truthOf(isNull(row[n.Column]) != n.Negate)
	}
	return evalPredicate(e, row)
}

func evalPredicate(e Expr, row map[string]any) truth {
	switch n := e.(type) {
	case *Compare:
		return compare(n.Type, n.Op, row[n.Column], n.Value)
	case *In:
		return negateIf(n.Negate, evalIn(n, row[n.Column]))
	case *Like:
		return negateIf(n.Negate, evalLike(row[n.Column], n.Pattern))
	case *Between:
		v := row[n.Column]
		t := and3(compare(n.Type, OpGe, v, n.Low), compare(n.Type, OpLe, v, n.High))
		return negateIf(n.Negate, t)
	}
	return unknown
}

func and3(a, b truth) truth {
	switch {
	case a == isFalse || b == isFalse:
		return isFalse
	case a == isTrue && b == isTrue:
		return isTrue
	}
	return unknown
}

func negateIf(negate bool, t truth) truth {
	if negate {
		return not3(t)
	}
	return t
}

// evalIn is SQL's x IN (a, b): TRUE on any match, else UNKNOWN if any
// comparison was UNKNOWN (a NULL row value or a NULL in the list), else FALSE.
func evalIn(n *In, v any) truth {
	result := isFalse
	for _, lit := range n.Values {
		switch compare(n.Type, OpEq, v, lit) {
		case isTrue:
			return isTrue
		case unknown:
			result = unknown
		}
	}
	return result
}

func evalLike(v any, pattern string) truth {
	s, ok := rowText(v)
	if !ok {
		return unknown
	}
	return truthOf(likeMatch(s, pattern))
}

// compare applies op to a row value and a literal.
func compare(typ Type, op Op, v any, lit Value) truth {
	c, ok := order(typ, v, lit)
	if !ok {
		return unknown
	}
	switch op {
	case OpEq:
		return truthOf(c == 0)
	case OpNe:
		return truthOf(c != 0)
	case OpLt:
		return truthOf(c < 0)
	case OpLe:
		return truthOf(c <= 0)
	case OpGt:
		return truthOf(c > 0)
	case OpGe:
		return truthOf(c >= 0)
	}
	return unknown
}

// order returns the sign of (row value − literal) under the column's type,
// or ok=false when either side is NULL or cannot be read as that type.
func order(typ Type, v any, lit Value) (c int, ok bool) {
	if lit.Kind == KindNull || isNull(v) {
		return 0, false
	}
	switch effectiveType(typ, lit) {
	case TypeString:
		s, ok := rowText(v)
		return strings.Compare(s, lit.Str), ok && lit.Kind == KindString
	case TypeInteger, TypeNumber:
		x, ok1 := rowNumber(v)
		y, ok2 := literalNumber(lit)
		return cmp.Compare(x, y), ok1 && ok2
	case TypeBoolean:
		x, ok1 := rowBool(v)
		y, ok2 := literalBool(lit)
		return compareBool(x, y), ok1 && ok2
	case TypeDateTime:
		t, ok1 := rowTime(v)
		l, dateOnly, ok2 := literalTime(lit)
		return compareTime(t, l, dateOnly), ok1 && ok2
	case TypeDate:
		t, ok1 := rowDate(v)
		l, ok2 := literalDate(lit)
		return t.Compare(l), ok1 && ok2
	}
	return 0, false
}

// effectiveType is the column's type, or for an unbound or TypeAny column
// the type the literal implies.
func effectiveType(typ Type, lit Value) Type {
	if typ > TypeAny && typ <= TypeDate {
		return typ
	}
	switch lit.Kind {
	case KindString:
		return TypeString
	case KindNumber:
		return TypeNumber
	case KindBool:
		return TypeBoolean
	}
	return TypeAny
}

func compareBool(x, y bool) int {
	switch {
	case x == y:
		return 0
	case y:
		return -1
	}
	return 1
}
