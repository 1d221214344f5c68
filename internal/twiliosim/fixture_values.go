package twiliosim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// fixtureValue checks one fixture value against its field and returns it
// normalised: json.Number becomes int64 or float64, timestamps (RFC 2822 or
// RFC 3339) are rewritten in the field's format. null is always accepted;
// defaults fill the fields that cannot be null. A field the spec leaves
// untyped (a call event's request) takes any JSON value, kept as given.
func (st *rowStore) fixtureValue(f entities.Field, v any) (any, error) {
	if v == nil || f.Type == entities.TAny {
		return v, nil
	}
	v = coerce(f.Type, v)
	switch f.Type {
	case entities.TInteger:
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				return i, nil
			}
		}
		return nil, fmt.Errorf("want an integer, got %s", jsonKind(v))
	case entities.TNumber:
		if n, ok := v.(json.Number); ok {
			return n.Float64()
		}
		return nil, fmt.Errorf("want a number, got %s", jsonKind(v))
	case entities.TBoolean:
		if _, ok := v.(bool); !ok {
			return nil, fmt.Errorf("want true or false, got %s", jsonKind(v))
		}
		return v, nil
	case entities.TArray:
		if _, ok := v.([]any); !ok {
			return nil, fmt.Errorf("want an array, got %s", jsonKind(v))
		}
		return v, nil
	case entities.TObject:
		if _, ok := v.(map[string]any); !ok {
			return nil, fmt.Errorf("want an object, got %s", jsonKind(v))
		}
		return v, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("want a string, got %s", jsonKind(v))
	}
	return st.fixtureString(f, s)
}

// fixtureString checks a string field: its timestamp or date form, its enum
// and its pattern.
func (st *rowStore) fixtureString(f entities.Field, s string) (any, error) {
	switch f.Type {
	case entities.TDateTime:
		t, err := parseTimestamp(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an RFC 2822 (Mon, 16 Aug 2010 03:45:01 +0000) or RFC 3339 timestamp", s)
		}
		return formatAs(f, t), nil
	case entities.TDate:
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, fmt.Errorf("%q is not a YYYY-MM-DD date", s)
		}
	}
	if len(f.Enum) > 0 && !slices.Contains(f.Enum, s) {
		return nil, fmt.Errorf("%q is not one of %s", s, strings.Join(f.Enum, ", "))
	}
	if !st.matches(f.Pattern, s) {
		return nil, fmt.Errorf("%q does not match %s", s, f.Pattern)
	}
	return s, nil
}

// jsonKind names a decoded JSON value's kind for error messages.
func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("string %q", x)
	case json.Number:
		return "number " + x.String()
	case bool:
		return fmt.Sprint(x)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// coerce converts a scalar written in the other JSON type when its text is
// unambiguous, so hand-written fixtures need not know that Twilio sends
// num_segments as a string and channels as a number.
func coerce(t entities.Type, v any) any {
	switch x := v.(type) {
	case json.Number:
		if t == entities.TString {
			return string(x)
		}
	case bool:
		if t == entities.TString {
			return strconv.FormatBool(x)
		}
	case string:
		switch t {
		case entities.TInteger, entities.TNumber:
			if _, err := strconv.ParseFloat(x, 64); err == nil {
				return json.Number(x)
			}
		case entities.TBoolean:
			if b, err := strconv.ParseBool(x); err == nil {
				return b
			}
		}
	}
	return v
}
