package example

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// preferred are the characters a generated string picks first from a
// character class, so that a hex class reads 0123456789abcdef rather than
// mixing cases.
const preferred = "0123456789abcdefghijklmnopqrstuvwxyz"

// FromPattern returns a short string that matches pattern: the first
// alternative of every choice, the minimum of every repetition, and
// successive characters of a repeated class (so ^AC[0-9a-fA-F]{32}$ gives AC
// followed by 0123456789abcdef twice). ok is false when pattern does not
// compile or uses a construct the walk does not handle.
func FromPattern(pattern string) (s string, ok bool) {
	parsed, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	var g generator
	if !g.emit(parsed.Simplify()) {
		return "", false
	}
	s = g.b.String()
	re, err := regexp.Compile(pattern)
	return s, err == nil && re.MatchString(s)
}

// generator writes the string; n counts class characters emitted so far,
// which makes repeated classes cycle instead of repeating one character.
type generator struct {
	b strings.Builder
	n int
}

func (g *generator) emit(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		g.b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		g.b.WriteRune(classRune(re.Rune, g.n))
		g.n++
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		g.b.WriteByte('x')
	case syntax.OpAlternate:
		return g.emit(re.Sub[0])
	case syntax.OpCapture, syntax.OpPlus:
		return g.emit(re.Sub[0])
	case syntax.OpRepeat:
		for range re.Min {
			if !g.emit(re.Sub[0]) {
				return false
			}
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !g.emit(sub) {
				return false
			}
		}
	case syntax.OpStar, syntax.OpQuest, syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		// Zero occurrences, or an assertion that consumes nothing.
	default:
		return false
	}
	return true
}

// classRune picks the n-th preferred character the class contains, or
// when it contains none of them the n-th of its first few characters.
func classRune(ranges []rune, n int) rune {
	var in []rune
	for _, r := range preferred {
		if inClass(ranges, r) {
			in = append(in, r)
		}
	}
	for i := 0; len(in) == 0 && i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1] && r < ranges[i]+16; r++ {
			in = append(in, r)
		}
	}
	if len(in) == 0 {
		return 'x' // an empty class; the final match check reports it
	}
	return in[n%len(in)]
}

func inClass(ranges []rune, r rune) bool {
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i] <= r && r <= ranges[i+1] {
			return true
		}
	}
	return false
}
