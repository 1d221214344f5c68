package filter

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// This file turns literals and row values into comparable Go values. Each
// function reports ok=false when the value cannot have the wanted type;
// Bind turns that into an error for literals, Eval into UNKNOWN for rows.

// parseDecimal accepts an optionally signed decimal number in the grammar's
// number syntax ("-0.00750", "+3", "1e3"). strconv.ParseFloat alone would
// also take "NaN", "Inf" and hex floats, which are not numbers to a user.
func parseDecimal(s string) (float64, bool) {
	body := strings.TrimPrefix(s, "+")
	if end, ok := scanNumber(body, 0); !ok || end != len(body) || body == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(body, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func literalNumber(v Value) (float64, bool) {
	switch v.Kind {
	case KindNumber:
		return v.Num, true
	case KindString:
		return parseDecimal(v.Str)
	}
	return 0, false
}

func literalBool(v Value) (bool, bool) {
	switch v.Kind {
	case KindBool:
		return v.Bool, true
	case KindString:
		return parseBoolText(v.Str)
	}
	return false, false
}

func parseBoolText(s string) (bool, bool) {
	switch {
	case equalFoldASCII(s, "true"):
		return true, true
	case equalFoldASCII(s, "false"):
		return false, true
	}
	return false, false
}

const dateLayout = "2006-01-02"

// parseDate accepts exactly YYYY-MM-DD and returns midnight UTC of that day.
func parseDate(s string) (time.Time, bool) {
	if len(s) != len(dateLayout) {
		return time.Time{}, false
	}
	t, err := time.Parse(dateLayout, s)
	return t, err == nil
}

// parseTimeLiteral accepts a YYYY-MM-DD date (dateOnly, midnight UTC) or an
// RFC 3339 timestamp with any offset.
func parseTimeLiteral(s string) (t time.Time, dateOnly, ok bool) {
	if d, ok := parseDate(s); ok {
		return d, true, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, false, err == nil
}

func literalTime(v Value) (t time.Time, dateOnly, ok bool) {
	if v.Kind != KindString {
		return time.Time{}, false, false
	}
	return parseTimeLiteral(v.Str)
}

func literalDate(v Value) (time.Time, bool) {
	if v.Kind != KindString {
		return time.Time{}, false
	}
	return parseDate(v.Str)
}

// rowText is the text a String column compares: strings as they are, and
// other JSON scalars in their JSON spelling, because Twilio sometimes sends a
// number (error_code) where the schema promises text.
func rowText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return string(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	}
	return "", false
}

// rowNumber accepts JSON numbers and numeric strings: Twilio's v2010 API
// sends num_segments, price and duration as strings ("1", "-0.00750").
func rowNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case json.Number:
		return parseDecimal(string(x))
	case string:
		return parseDecimal(x)
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func rowBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		return parseBoolText(x)
	}
	return false, false
}

// rowTime accepts RFC 3339 strings, a bare YYYY-MM-DD (midnight UTC) for
// leniency, and time.Time for rows built in Go.
func rowTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case string:
		t, _, ok := parseTimeLiteral(x)
		return t, ok
	case time.Time:
		return x, true
	}
	return time.Time{}, false
}

func rowDate(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	return parseDate(s)
}

func isNull(v any) bool { return v == nil }
