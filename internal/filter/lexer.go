package filter

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokenKind classifies a token. Keywords are not a kind of their own: they
// are bare words the parser recognises by position, which keeps the lexer
// free of grammar knowledge.
type tokenKind uint8

const (
	tokEOF     tokenKind = iota
	tokError             // text holds the message; always the last token
	tokWord              // bare identifier or keyword
	tokBracket           // [name]
	tokQuoted            // "text": a column name or, as a value, a string
	tokString            // 'text'
	tokNumber            // text holds the spelling, num the value
	tokOp                // = != <> < <= > >=
	tokLParen
	tokRParen
	tokComma
)

// token is one lexeme. text is decoded: quotes removed and doubled quotes
// collapsed, so the parser never sees escapes.
type token struct {
	kind tokenKind
	text string
	num  float64
	pos  int // 1-based byte offset of the first byte
	end  int // 0-based byte offset just past the last byte
}

// spaces are the bytes that separate tokens. Only ASCII whitespace counts,
// so that Parse's trimming and the lexer agree on what a blank clause is.
const spaces = " \t\n\r\f\v"

// lex splits src into tokens, ending with tokEOF or, at the first lexical
// error, with tokError. Lexing everything up front is cheap (src is at most
// MaxLength bytes) and lets the parser report errors in source order.
func lex(src string) []token {
	var toks []token
	i := 0
	for {
		for i < len(src) && strings.IndexByte(spaces, src[i]) >= 0 {
			i++
		}
		if i == len(src) {
			return append(toks, token{kind: tokEOF, pos: i + 1, end: i})
		}
		t := lexOne(src, i)
		toks = append(toks, t)
		if t.kind == tokError {
			return toks
		}
		i = t.end
	}
}

func lexOne(src string, i int) token {
	switch c := src[i]; {
	case c == '(':
		return token{kind: tokLParen, text: "(", pos: i + 1, end: i + 1}
	case c == ')':
		return token{kind: tokRParen, text: ")", pos: i + 1, end: i + 1}
	case c == ',':
		return token{kind: tokComma, text: ",", pos: i + 1, end: i + 1}
	case c == '\'':
		return lexQuoted(src, i, '\'', tokString)
	case c == '"':
		return lexQuoted(src, i, '"', tokQuoted)
	case c == '[':
		return lexQuoted(src, i, ']', tokBracket)
	case strings.IndexByte("=!<>", c) >= 0:
		return lexOp(src, i)
	case c == '-' || c == '.' || isDigit(c):
		return lexNumber(src, i)
	}
	r, w := utf8.DecodeRuneInString(src[i:])
	if isIdentStart(r) {
		return lexWord(src, i)
	}
	hint := ""
	if strings.ContainsRune("‘’“”", r) {
		hint = ` (typographic quotes; use ' for text and " for names)`
	}
	return errorToken(i, fmt.Sprintf(
		"expected a column name, a value, an operator or a parenthesis, found %q%s", src[i:i+w], hint))
}

func errorToken(i int, msg string) token {
	return token{kind: tokError, text: msg, pos: i + 1, end: i}
}

// lexQuoted reads a literal opened at src[i] and closed by close; a doubled
// close character stands for one. The three quote styles differ only in
// their delimiters, so one routine serves them all.
func lexQuoted(src string, i int, close byte, kind tokenKind) token {
	var b strings.Builder
	start := i + 1
	for j := start; j < len(src); j++ {
		if src[j] != close {
			continue
		}
		b.WriteString(src[start:j])
		if j+1 < len(src) && src[j+1] == close {
			b.WriteByte(close)
			start = j + 2
			j++
			continue
		}
		return token{kind: kind, text: b.String(), pos: i + 1, end: j + 1}
	}
	what := "string"
	if kind == tokBracket {
		what = "column name"
	}
	return errorToken(i, fmt.Sprintf("expected a closing %c to end the %s opened here, found end of input", close, what))
}

func lexOp(src string, i int) token {
	two := ""
	if i+1 < len(src) {
		two = src[i : i+2]
	}
	switch two {
	case "!=", "<>", "<=", ">=":
		return token{kind: tokOp, text: two, pos: i + 1, end: i + 2}
	}
	if src[i] == '!' {
		return errorToken(i, fmt.Sprintf("expected \"!=\", found %q", src[i:min(i+2, len(src))]))
	}
	return token{kind: tokOp, text: src[i : i+1], pos: i + 1, end: i + 1}
}

// lexNumber reads -12, 3.5, .5, 1e3 and the like. A number running straight
// into letters (12abc) is an error rather than two tokens, because the
// resulting "expected AND" message would point at the wrong problem.
func lexNumber(src string, i int) token {
	end, ok := scanNumber(src, i)
	if ok && end < len(src) {
		r, _ := utf8.DecodeRuneInString(src[end:])
		ok = !isIdentPart(r)
	}
	if !ok {
		stop := end
		for stop < len(src) && strings.IndexByte(spaces+"(),'\"=!<>", src[stop]) < 0 {
			stop++
		}
		return errorToken(i, fmt.Sprintf(
			"expected a number such as -12, 3.5 or 1e3, found %q", src[i:max(stop, i+1)]))
	}
	raw := src[i:end]
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return errorToken(i, fmt.Sprintf("expected a number within ±1.8e308, found %s", raw))
	}
	return token{kind: tokNumber, text: raw, num: f, pos: i + 1, end: end}
}

// scanNumber matches -?(digits[.digits*]|.digits)([eE][+-]?digits)? at
// src[i:] and returns where it ends. It is shared by the lexer, the
// canonical printer and the numeric-string checks so all three agree.
func scanNumber(src string, i int) (end int, ok bool) {
	j := i
	if j < len(src) && src[j] == '-' {
		j++
	}
	intEnd := skipDigits(src, j)
	digits := intEnd - j
	j = intEnd
	if j < len(src) && src[j] == '.' {
		fracEnd := skipDigits(src, j+1)
		digits += fracEnd - (j + 1)
		j = fracEnd
	}
	if digits == 0 {
		return j, false
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		expEnd := skipDigits(src, k)
		if expEnd == k {
			return expEnd, false
		}
		j = expEnd
	}
	return j, true
}

func skipDigits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func lexWord(src string, i int) token {
	j := i
	for j < len(src) {
		r, w := utf8.DecodeRuneInString(src[j:])
		if !isIdentPart(r) {
			break
		}
		j += w
	}
	return token{kind: tokWord, text: src[i:j], pos: i + 1, end: j}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

func isIdentPart(r rune) bool { return isIdentStart(r) || unicode.IsDigit(r) || r == '.' }
