package filter

import (
	"fmt"
	"strings"
)

// Parse parses a filterClause into an expression tree. Column names are kept
// as written; call Bind to resolve them against an entity's schema.
//
// A clause that is only a Twilio SID (two capital letters and 32 hex digits,
// surrounding whitespace allowed) means Sid = '<that sid>'. An empty or
// whitespace-only clause returns ErrEmpty; a clause longer than MaxLength or
// nested deeper than MaxDepth, or one that breaks the grammar, returns a
// *SyntaxError.
func Parse(src string) (Expr, error) {
	if len(src) > MaxLength {
		return nil, &SyntaxError{Msg: fmt.Sprintf(
			"expected at most %d bytes, found %d; split the work into smaller filters", MaxLength, len(src))}
	}
	body := strings.Trim(src, spaces)
	if body == "" {
		return nil, ErrEmpty
	}
	if isSID(body) {
		pos := len(src) - len(strings.TrimLeft(src, spaces)) + 1
		return &Compare{Column: "Sid", Op: OpEq, Value: StringValue(body), Pos: pos}, nil
	}
	p := &parser{src: src, toks: lex(src)}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, p.unexpected(t, "AND, OR or end of input")
	}
	return e, nil
}

// isSID reports whether s matches ^[A-Z]{2}[0-9a-fA-F]{32}$.
func isSID(s string) bool {
	if len(s) != 34 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return false
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

// parser is a recursive-descent parser over a pre-lexed token slice. One
// method per grammar rule; each returns the first error it meets.
type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

// next consumes the current token. EOF and error tokens are never consumed,
// so every later peek sees them again and reports them.
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF && t.kind != tokError {
		p.i++
	}
	return t
}

func (p *parser) atKeyword(kw string) bool {
	t := p.peek()
	return t.kind == tokWord && equalFoldASCII(t.text, kw)
}

// unexpected builds the "expected …, found …" error for t. A lexical error
// token carries its own, more precise, message.
func (p *parser) unexpected(t token, want string) error {
	if t.kind == tokError {
		return &SyntaxError{Pos: t.pos, Msg: t.text}
	}
	return &SyntaxError{Pos: t.pos, Msg: fmt.Sprintf("expected %s, found %s", want, p.describe(t))}
}

// describe quotes a token's source text, shortened so a long string literal
// does not swamp the message.
func (p *parser) describe(t token) string {
	if t.kind == tokEOF {
		return "end of input"
	}
	return fmt.Sprintf("%q", shorten(p.src[t.pos-1:t.end]))
}

// enter counts one level of nesting (a parenthesis or a NOT) and fails past
// MaxDepth, before the recursion could grow without bound.
func (p *parser) enter(t token) error {
	p.depth++
	if p.depth > MaxDepth {
		return &SyntaxError{Pos: t.pos, Msg: fmt.Sprintf(
			"expected at most %d nested parentheses and NOTs, found more; simplify the filter", MaxDepth)}
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) parseOr() (Expr, error) {
	left, err := p.parseAnd()
	for err == nil && p.atKeyword("OR") {
		p.next()
		var right Expr
		if right, err = p.parseAnd(); err == nil {
			left = &Or{Left: left, Right: right}
		}
	}
	return left, err
}

func (p *parser) parseAnd() (Expr, error) {
	left, err := p.parseNot()
	for err == nil && p.atKeyword("AND") {
		p.next()
		var right Expr
		if right, err = p.parseNot(); err == nil {
			left = &And{Left: left, Right: right}
		}
	}
	return left, err
}

func (p *parser) parseNot() (Expr, error) {
	if !p.atKeyword("NOT") {
		return p.parsePrimary()
	}
	if err := p.enter(p.next()); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	return &Not{X: x}, nil
}

func (p *parser) parsePrimary() (Expr, error) {
	if p.peek().kind != tokLParen {
		return p.parsePredicate()
	}
	if err := p.enter(p.next()); err != nil {
		return nil, err
	}
	defer p.leave()
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokRParen {
		return nil, p.unexpected(t, `AND, OR or ")"`)
	}
	p.next()
	return e, nil
}
