// Package filter parses, binds and evaluates a task's filterClause, the
// SQL-like WHERE condition of LIST, UPDATE and DELETE
// (docs/connector-model.md §3).
//
// The pipeline is Parse (text → tree, column names as written), Bind (tree +
// an entity's Schema → tree with canonical column names and types, literals
// checked), then Eval on each row. Conjuncts and DayBounds serve the
// executor's pushdown planner. Everything here is pure and deterministic:
// no I/O, no clock, no globals, and every function is safe for concurrent
// use; trees are immutable once built.
//
// # Grammar
//
//	whole     := expr | bare-sid
//	expr      := or
//	or        := and { OR and }
//	and       := not { AND not }
//	not       := NOT not | primary
//	primary   := '(' expr ')' | predicate
//	predicate := ident cmp value
//	           | ident [NOT] IN '(' value { ',' value } ')'
//	           | ident [NOT] LIKE string
//	           | ident IS [NOT] NULL
//	           | ident [NOT] BETWEEN value AND value
//	cmp       := '=' | '!=' | '<>' | '<' | '<=' | '>' | '>='
//	value     := 'single-quoted' | "double-quoted" | number | TRUE | FALSE | NULL
//	ident     := bare | "double-quoted" | [bracketed]
//
// Keywords (AND OR NOT IN LIKE IS NULL BETWEEN TRUE FALSE) are reserved and
// case-insensitive; a column named like one must be quoted. Precedence is
// NOT over AND over OR; AND and OR chains associate to the left. A quote
// inside a quoted item is doubled, which is the only escape:
//
//	Body = 'it''s'   "say ""hi"""   [odd]]name]
//
// A double-quoted item is a column name where a column is expected and a
// string where a value is. Bare names are a letter or _ followed by
// letters, digits, _ and dots (geo.accuracy). Numbers match
// -?(digits[.[digits]]|.digits)([eE][+-]?digits), e.g. -12, 3.5, 1e3.
// Whitespace is ASCII space, tab, CR, LF, FF and VT.
//
// A clause that is nothing but a Twilio SID (^[A-Z]{2}[0-9a-fA-F]{32}$,
// whitespace around it allowed) means Sid = '<that sid>', as in the
// connector's documented Update examples.
//
// Every Expr's String method renders canonical SQL (upper-case keywords,
// single-quoted strings, "<>" as "!=", minimal parentheses, numbers as
// spelled) that parses back into the same tree apart from positions.
//
// # Types
//
// Bind checks each literal against the column's Type. The rule is that a
// literal must be able to equal some value of that type; strings are
// accepted for every type when their text parses as that type, but numbers
// and booleans are never turned into text:
//
//   - String: a string literal. A number is rejected with a hint to quote
//     it (To = '14155550100'), because "00110" and 110 are different text and
//     guessing would silently change which rows match.
//   - Integer, Number: a number or a numeric string (Price < '-0.5'). The two
//     types behave the same; values compare as float64, so integers beyond
//     2^53 lose precision.
//   - Boolean: TRUE, FALSE, 'true' or 'false'; only =, !=, IN and IS NULL.
//   - DateTime: a 'YYYY-MM-DD' date or an RFC 3339 timestamp.
//   - Date: a 'YYYY-MM-DD' date.
//   - Any: every literal; values compare by the literal's kind (a string
//     literal compares as text, a number numerically, a boolean as a boolean).
//
// NULL fits every type and compares as UNKNOWN, so x = NULL matches nothing;
// write x IS NULL. LIKE needs a String (or Any) column.
//
// # Evaluation
//
// Rows are map[string]any keyed by canonical column names, with values as
// encoding/json decodes them (string, float64, json.Number, bool, nil,
// []any, map[string]any). A missing key is NULL. Logic is SQL's three-valued
// logic: a comparison involving NULL, or a row value that cannot be read as
// the column's type (a non-numeric string in an Integer column, an array
// anywhere), is UNKNOWN; NOT UNKNOWN is UNKNOWN; FALSE AND UNKNOWN is FALSE,
// TRUE OR UNKNOWN is TRUE. Eval returns true only for TRUE, so a row is
// never matched by accident: NOT (Price > 1) does not match a row without a
// price. IS [NOT] NULL is never UNKNOWN.
//
// Per column type:
//
//   - String: byte-wise, case-sensitive comparison. A JSON number or boolean
//     in a String column compares in its JSON spelling (Twilio sends
//     error_code as a number).
//   - Integer, Number: numeric; row values may be numbers or numeric strings
//     such as Twilio's "num_segments": "1" and "price": "-0.00750".
//   - Boolean: row values true/false or the strings "true"/"false".
//   - DateTime: row values are RFC 3339 (a bare date counts as midnight
//     UTC). A timestamp literal compares instants. A date-only literal d
//     denotes the whole UTC day [d, d+1): = means within that day, != outside
//     it, < before d, <= before d+1, > at or after d+1, >= at or after d, and
//     BETWEEN with date-only bounds includes both whole days.
//   - Date: YYYY-MM-DD row values compare as dates.
//
// x IN (a, b) is x = a OR x = b, so NOT IN with a NULL row value (or a NULL
// in the list and no match) is UNKNOWN. x BETWEEN a AND b is x >= a AND
// x <= b.
//
// # LIKE
//
// % matches any run of characters, including none; _ matches exactly one
// character (a Unicode code point, not a byte). Matching is case-sensitive
// and covers the whole value. There is no escape character yet, so a
// pattern cannot match a literal % or _ only; add ESCAPE when someone needs
// it. Matching takes at most len(value)·len(pattern) steps.
//
// # Errors and limits
//
// Parse returns ErrEmpty for a blank clause and *SyntaxError otherwise;
// Bind returns *BindError. Both render as "filterClause: …", say what was
// expected and what was found, and give positions as 1:<byte offset>,
// treating the clause as one line. All of them mean INVALID_ARGUMENT to the
// caller. Clauses longer than MaxLength bytes, or nesting parentheses and
// NOTs deeper than MaxDepth, are rejected before they can cost real memory
// or stack.
package filter
