package filter

import (
	"fmt"
	"strings"
)

// Bind resolves every column of e against s and checks every literal against
// the column's type. It returns a new tree in which each predicate carries
// the canonical column name and its Type; e itself is not modified.
//
// The first problem found, in source order, is returned as a *BindError: an
// unknown column (the message lists the schema's columns), a literal the
// column's type cannot hold, LIKE on a column that is not a String, or an
// ordering (<, <=, >, >=, BETWEEN) on a Boolean. The rules are in the package
// documentation under "Types".
func Bind(e Expr, s Schema) (Expr, error) {
	switch n := e.(type) {
	case *And:
		l, r, err := bindPair(n.Left, n.Right, s)
		if err != nil {
			return nil, err
		}
		return &And{Left: l, Right: r}, nil
	case *Or:
		l, r, err := bindPair(n.Left, n.Right, s)
		if err != nil {
			return nil, err
		}
		return &Or{Left: l, Right: r}, nil
	case *Not:
		x, err := Bind(n.X, s)
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	case *IsNull:
		col, typ, err := resolve(s, n.Column, n.Pos)
		if err != nil {
			return nil, err
		}
		return &IsNull{Column: col, Negate: n.Negate, Pos: n.Pos, Type: typ}, nil
	}
	return bindPredicate(e, s)
}

func bindPair(left, right Expr, s Schema) (Expr, Expr, error) {
	l, err := Bind(left, s)
	if err != nil {
		return nil, nil, err
	}
	r, err := Bind(right, s)
	return l, r, err
}

func bindPredicate(e Expr, s Schema) (Expr, error) {
	switch n := e.(type) {
	case *Compare:
		return bindCompare(n, s)
	case *In:
		return bindIn(n, s)
	case *Like:
		return bindLike(n, s)
	case *Between:
		return bindBetween(n, s)
	}
	return nil, fmt.Errorf("filter: Bind: unsupported expression %T", e)
}

func bindCompare(n *Compare, s Schema) (Expr, error) {
	col, typ, err := resolve(s, n.Column, n.Pos)
	if err != nil {
		return nil, err
	}
	switch n.Op {
	case OpEq, OpNe:
	case OpLt, OpLe, OpGt, OpGe:
		err = checkOrdered(col, typ, n.Value, n.Pos)
	default:
		err = &BindError{Pos: n.Pos, Column: col, Msg: fmt.Sprintf(
			"column %s at 1:%d: expected one of =, !=, <, <=, >, >=, found operator %q", col, n.Pos, n.Op)}
	}
	if err == nil {
		err = checkValue(col, typ, n.Value, n.Pos)
	}
	if err != nil {
		return nil, err
	}
	return &Compare{Column: col, Op: n.Op, Value: n.Value, Pos: n.Pos, Type: typ}, nil
}

func bindIn(n *In, s Schema) (Expr, error) {
	col, typ, err := resolve(s, n.Column, n.Pos)
	if err != nil {
		return nil, err
	}
	for _, v := range n.Values {
		if err := checkValue(col, typ, v, n.Pos); err != nil {
			return nil, err
		}
	}
	vals := append([]Value(nil), n.Values...)
	return &In{Column: col, Values: vals, Negate: n.Negate, Pos: n.Pos, Type: typ}, nil
}

func bindLike(n *Like, s Schema) (Expr, error) {
	col, typ, err := resolve(s, n.Column, n.Pos)
	if err != nil {
		return nil, err
	}
	if typ != TypeString && typ != TypeAny {
		return nil, &BindError{Pos: n.Pos, Column: col, Msg: fmt.Sprintf(
			"column %s at 1:%d is %s, and LIKE needs a String column; compare it instead, e.g. %s",
			col, n.Pos, typ.withArticle(), example(col, typ))}
	}
	return &Like{Column: col, Pattern: n.Pattern, Negate: n.Negate, Pos: n.Pos, Type: typ}, nil
}

func bindBetween(n *Between, s Schema) (Expr, error) {
	col, typ, err := resolve(s, n.Column, n.Pos)
	if err != nil {
		return nil, err
	}
	for _, v := range []Value{n.Low, n.High} {
		if err := checkOrdered(col, typ, v, n.Pos); err != nil {
			return nil, err
		}
		if err := checkValue(col, typ, v, n.Pos); err != nil {
			return nil, err
		}
	}
	return &Between{Column: col, Low: n.Low, High: n.High, Negate: n.Negate, Pos: n.Pos, Type: typ}, nil
}

// resolve finds a column, first through Lookup and then through a
// case-insensitive match on Names, so binding is case-insensitive even when
// the schema's Lookup is not.
func resolve(s Schema, name string, pos int) (string, Type, error) {
	if c, t, ok := s.Lookup(name); ok {
		return c, t, nil
	}
	names := s.Names()
	for _, n := range names {
		if !strings.EqualFold(n, name) {
			continue
		}
		if c, t, ok := s.Lookup(n); ok {
			return c, t, nil
		}
	}
	return "", TypeAny, unknownColumn(s, names, name, pos)
}

func unknownColumn(s Schema, names []string, name string, pos int) error {
	whose := "columns are: "
	if n, ok := s.(interface{ EntityName() string }); ok && n.EntityName() != "" {
		whose = n.EntityName() + " columns are: "
	}
	msg := fmt.Sprintf("unknown column %q at 1:%d; %s%s", shorten(name), pos, whose, strings.Join(names, ", "))
	if near := nearest(name, names); near != "" {
		msg += "; did you mean " + near + "?"
	}
	return &BindError{Pos: pos, Column: name, Msg: msg}
}
