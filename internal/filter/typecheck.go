package filter

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// checkValue reports a literal that no row value of the column's type could
// ever equal. NULL fits every type (it compares as UNKNOWN, as in SQL), and
// TypeAny takes every literal.
func checkValue(col string, typ Type, v Value, pos int) error {
	if v.Kind == KindNull || fits(typ, v) {
		return nil
	}
	var why, fix string
	switch typ {
	case TypeString:
		why, fix = "is not quoted text", "put the value in single quotes, e.g. "+
			column(col)+" = "+StringValue(v.String()).String()
	case TypeInteger, TypeNumber:
		why, fix = "is not a number", "write a number or a numeric string, e.g. "+example(col, typ)
	case TypeBoolean:
		why, fix = "is not a boolean", "write TRUE, FALSE, 'true' or 'false', e.g. "+example(col, typ)
	case TypeDateTime:
		why, fix = "is not a date or an RFC 3339 timestamp", "write e.g. "+example(col, typ)+
			" or "+column(col)+" < '2024-01-31T15:04:05Z'"
	case TypeDate:
		why, fix = "is not a date", "write YYYY-MM-DD, e.g. "+example(col, typ)
	}
	return &BindError{Pos: pos, Column: col, Msg: fmt.Sprintf("column %s at 1:%d is %s and %s %s; %s",
		col, pos, typ.withArticle(), shorten(v.String()), why, fix)}
}

func fits(typ Type, v Value) bool {
	switch typ {
	case TypeString:
		return v.Kind == KindString
	case TypeInteger, TypeNumber:
		_, ok := literalNumber(v)
		return ok
	case TypeBoolean:
		_, ok := literalBool(v)
		return ok
	case TypeDateTime:
		_, _, ok := literalTime(v)
		return ok
	case TypeDate:
		_, ok := literalDate(v)
		return ok
	}
	return true
}

// checkOrdered rejects <, <=, >, >= and BETWEEN on booleans: SQL would order
// FALSE before TRUE, but such a filter is almost certainly a mistake.
func checkOrdered(col string, typ Type, v Value, pos int) error {
	if effectiveType(typ, v) != TypeBoolean {
		return nil
	}
	return &BindError{Pos: pos, Column: col, Msg: fmt.Sprintf(
		"column %s at 1:%d is compared as a Boolean, which supports only =, !=, IN and IS NULL; write e.g. %s",
		col, pos, example(col, TypeBoolean))}
}

// example is a predicate that binds for a column of type typ, for messages.
func example(col string, typ Type) string {
	c := column(col)
	switch typ {
	case TypeInteger:
		return c + " = 3"
	case TypeNumber:
		return c + " < '-0.5'"
	case TypeBoolean:
		return c + " = TRUE"
	case TypeDateTime:
		return c + " >= '2024-01-31'"
	case TypeDate:
		return c + " = '2024-01-31'"
	}
	return c + " = 'text'"
}

// nearest returns the name closest to name by edit distance, if it is close
// enough to be a plausible typo (at most 2 edits, and fewer edits than the
// name has characters), for a "did you mean" hint.
func nearest(name string, names []string) string {
	const maxCompared = 64 // keep the quadratic distance cheap on hostile input
	if len(name) > maxCompared {
		return ""
	}
	best, bestDist := "", 3
	lower := strings.ToLower(name)
	for _, n := range names {
		if len(n) > maxCompared {
			continue
		}
		d := editDistance(lower, strings.ToLower(n))
		if d < bestDist && d < utf8.RuneCountInString(name) {
			best, bestDist = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
