package filter

import "fmt"

// keywords are reserved: a column with one of these names must be quoted.
var keywords = [...]string{"AND", "OR", "NOT", "IN", "LIKE", "IS", "NULL", "BETWEEN", "TRUE", "FALSE"}

func isKeyword(s string) bool {
	for _, kw := range keywords {
		if equalFoldASCII(s, kw) {
			return true
		}
	}
	return false
}

// equalFoldASCII compares case-insensitively in ASCII only. Unicode folding
// would make the Kelvin sign spell "LIKE", and keywords are ASCII anyway.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

const wantOperator = "an operator (=, !=, <>, <, <=, >, >=, IN, LIKE, BETWEEN or IS)"

func (p *parser) parsePredicate() (Expr, error) {
	col, pos, err := p.parseColumn()
	if err != nil {
		return nil, err
	}
	switch {
	case p.peek().kind == tokOp:
		return p.parseCompare(col, pos)
	case p.atKeyword("IS"):
		return p.parseIsNull(col, pos)
	}
	negate := p.atKeyword("NOT")
	if negate {
		p.next()
	}
	switch {
	case p.atKeyword("IN"):
		return p.parseIn(col, pos, negate)
	case p.atKeyword("LIKE"):
		return p.parseLike(col, pos, negate)
	case p.atKeyword("BETWEEN"):
		return p.parseBetween(col, pos, negate)
	case negate:
		return nil, p.unexpected(p.peek(), "IN, LIKE or BETWEEN after NOT")
	}
	return nil, p.unexpected(p.peek(), wantOperator+" after the column name")
}

func (p *parser) parseColumn() (name string, pos int, err error) {
	t := p.peek()
	switch {
	case t.kind == tokWord && !isKeyword(t.text),
		(t.kind == tokQuoted || t.kind == tokBracket) && t.text != "":
		p.next()
		return t.text, t.pos, nil
	case t.kind == tokQuoted || t.kind == tokBracket:
		return "", 0, &SyntaxError{Pos: t.pos, Msg: "expected a column name, found an empty quoted name"}
	}
	want := `a column name or "("`
	if t.kind == tokWord {
		want = `a column name or "(" (quote a column named like a keyword: "` + t.text + `")`
	}
	return "", 0, p.unexpected(t, want)
}

func (p *parser) parseCompare(col string, pos int) (Expr, error) {
	op := Op(p.next().text)
	if op == "<>" {
		op = OpNe
	}
	v, err := p.parseValue()
	if err != nil {
		return nil, err
	}
	return &Compare{Column: col, Op: op, Value: v, Pos: pos}, nil
}

func (p *parser) parseIsNull(col string, pos int) (Expr, error) {
	p.next() // IS
	negate := p.atKeyword("NOT")
	if negate {
		p.next()
	}
	if !p.atKeyword("NULL") {
		return nil, p.unexpected(p.peek(), "NULL or NOT NULL after IS")
	}
	p.next()
	return &IsNull{Column: col, Negate: negate, Pos: pos}, nil
}

func (p *parser) parseIn(col string, pos int, negate bool) (Expr, error) {
	p.next() // IN
	if t := p.peek(); t.kind != tokLParen {
		return nil, p.unexpected(t, `"(" to start the IN list`)
	}
	p.next()
	var vals []Value
	for {
		v, err := p.parseValue()
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		t := p.next()
		if t.kind == tokRParen {
			return &In{Column: col, Values: vals, Negate: negate, Pos: pos}, nil
		}
		if t.kind != tokComma {
			return nil, p.unexpected(t, `"," or ")" in the IN list`)
		}
	}
}

func (p *parser) parseLike(col string, pos int, negate bool) (Expr, error) {
	p.next() // LIKE
	t := p.peek()
	if t.kind != tokString && t.kind != tokQuoted {
		return nil, p.unexpected(t, "a quoted pattern after LIKE, such as 'SM%'")
	}
	p.next()
	return &Like{Column: col, Pattern: t.text, Negate: negate, Pos: pos}, nil
}

func (p *parser) parseBetween(col string, pos int, negate bool) (Expr, error) {
	p.next() // BETWEEN
	low, err := p.parseValue()
	if err != nil {
		return nil, err
	}
	if !p.atKeyword("AND") {
		return nil, p.unexpected(p.peek(), "AND between the two BETWEEN bounds")
	}
	p.next()
	high, err := p.parseValue()
	if err != nil {
		return nil, err
	}
	return &Between{Column: col, Low: low, High: high, Negate: negate, Pos: pos}, nil
}

const wantValue = "a value (string, number, TRUE, FALSE or NULL)"

func (p *parser) parseValue() (Value, error) {
	t := p.peek()
	switch t.kind {
	case tokString, tokQuoted:
		p.next()
		return StringValue(t.text), nil
	case tokNumber:
		p.next()
		return Value{Kind: KindNumber, Num: t.num, Raw: t.text}, nil
	case tokWord:
		switch {
		case equalFoldASCII(t.text, "TRUE"), equalFoldASCII(t.text, "FALSE"):
			p.next()
			return BoolValue(equalFoldASCII(t.text, "TRUE")), nil
		case equalFoldASCII(t.text, "NULL"):
			p.next()
			return NullValue(), nil
		case !isKeyword(t.text):
			return Value{}, &SyntaxError{Pos: t.pos, Msg: fmt.Sprintf(
				"expected %s, found %s; put text in single quotes: '%s'", wantValue, p.describe(t), t.text)}
		}
	}
	return Value{}, p.unexpected(t, wantValue)
}
