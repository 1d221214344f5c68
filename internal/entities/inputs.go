package entities

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/connectorworks/twilio-worker/internal/codes"
)

// inputs are an entity's writable parameters in the connector's names,
// with the overlay's limits.
func inputs(entity string, params []Param) []Input {
	out := make([]Input, 0, len(params))
	for _, p := range params {
		p.MaxChars = maxChars[entity+"."+p.Name]
		in := Input{Name: inputName(p.Name), Param: p}
		if in.Name != p.Name {
			in.Aliases = []string{p.Name}
		}
		out = append(out, in)
	}
	return out
}

// form maps connectorInputPayload onto Twilio's form fields and path values,
// checking every column against the definition: unknown or read-only
// columns, missing required values and wrong types are INVALID_ARGUMENT
// errors that name the column and what is allowed.
func (e *Entity) form(op Op, ins []Input, payload map[string]any) (url.Values, map[string]string, error) {
	form, pathVals := url.Values{}, map[string]string{}
	seen := map[string]bool{}
	for _, k := range sortedKeys(payload) {
		in, err := e.findInput(op, ins, k)
		if err != nil {
			return nil, nil, err
		}
		if seen[in.Param.Name] {
			return nil, nil, codes.Errorf(codes.InvalidArgument,
				"connectorInputPayload: %s is given twice (as %q and another alias)", in.Name, k)
		}
		seen[in.Param.Name] = true
		vals, err := encodeValue(in, payload[k])
		if err != nil {
			return nil, nil, err
		}
		if in.InPath {
			pathVals[in.Param.Name] = vals[0]
			continue
		}
		form[in.Param.Name] = vals
	}
	for _, in := range ins {
		if in.Param.Required && !seen[in.Param.Name] {
			return nil, nil, codes.Errorf(codes.InvalidArgument,
				"connectorInputPayload: %s is required for %s %s", in.Name, e.Name, op)
		}
	}
	return form, pathVals, nil
}

func (e *Entity) findInput(op Op, ins []Input, name string) (*Input, error) {
	for i := range ins {
		if strings.EqualFold(ins[i].Name, name) {
			return &ins[i], nil
		}
	}
	for i := range ins {
		if slices.ContainsFunc(ins[i].Aliases, func(a string) bool { return strings.EqualFold(a, name) }) {
			return &ins[i], nil
		}
	}
	names := make([]string, len(ins))
	for i, in := range ins {
		names[i] = in.Name
	}
	sort.Strings(names)
	if _, ok := e.Column(name); ok {
		return nil, codes.Errorf(codes.InvalidArgument, "connectorInputPayload: column %q is read-only for %s %s; writable columns are: %s",
			name, e.Name, op, strings.Join(names, ", "))
	}
	return nil, codes.Errorf(codes.InvalidArgument, "connectorInputPayload: unknown column %q for %s %s; writable columns are: %s",
		name, e.Name, op, strings.Join(names, ", "))
}

// maxArrayItems bounds an array input: Twilio's arrays are short (at most
// 10 MediaUrl), and a huge one would only be refused after a costly request.
const maxArrayItems = 100

// encodeValue checks one payload value against its parameter and renders
// it as form values (arrays as repeated keys).
func encodeValue(in *Input, v any) ([]string, error) {
	p := in.Param
	if p.Type == TArray {
		list, ok := v.([]any)
		if !ok {
			list = []any{v} // a single value is a one-element list
		}
		if len(list) > maxArrayItems {
			return nil, codes.Errorf(codes.InvalidArgument, "connectorInputPayload: %s has %d items; at most %d are "+
				"accepted (Twilio takes far fewer, e.g. 10 MediaUrl)", in.Name, len(list), maxArrayItems)
		}
		out := make([]string, 0, len(list))
		for _, item := range list {
			s, err := scalar(in, p.Items, item)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(in, p.Type, v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func scalar(in *Input, t Type, v any) (string, error) {
	s, err := scalarText(t, v)
	if err != nil {
		return "", codes.Errorf(codes.InvalidArgument, "connectorInputPayload: %s %s", in.Name, err.Error())
	}
	p := in.Param
	if n := utf8.RuneCountInString(s); p.MaxChars > 0 && n > p.MaxChars {
		return "", codes.Errorf(codes.InvalidArgument, "connectorInputPayload: %s is %d characters long; "+
			"Twilio accepts at most %d", in.Name, n, p.MaxChars)
	}
	if len(p.Enum) > 0 && !slices.Contains(p.Enum, s) {
		return "", codes.Errorf(codes.InvalidArgument, "connectorInputPayload: %s is %q; allowed values are: %s",
			in.Name, s, strings.Join(p.Enum, ", "))
	}
	if p.Pattern != "" && !matchPattern(p.Pattern, s) {
		return "", codes.Errorf(codes.InvalidArgument, "connectorInputPayload: %s is %q; it must match %s",
			in.Name, s, p.Pattern)
	}
	return s, nil
}

// scalarText converts a JSON value of the expected type to Twilio's text.
func scalarText(t Type, v any) (string, error) {
	switch t {
	case TInteger:
		if n, ok := v.(json.Number); ok {
			if _, err := strconv.ParseInt(string(n), 10, 64); err == nil {
				return string(n), nil
			}
		}
		return "", fmt.Errorf("must be an integer, got %s", describe(v))
	case TNumber:
		if n, ok := v.(json.Number); ok {
			return string(n), nil
		}
		return "", fmt.Errorf("must be a number, got %s", describe(v))
	case TBoolean:
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), nil
		}
		return "", fmt.Errorf("must be true or false, got %s", describe(v))
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("must be a string, got %s", describe(v))
	}
	return s, checkTextFormat(t, s)
}

func checkTextFormat(t Type, s string) error {
	switch t {
	case TDate:
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return fmt.Errorf("must be a date YYYY-MM-DD, got %q", s)
		}
	case TDateTime:
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return fmt.Errorf("must be an RFC 3339 timestamp such as 2024-01-02T15:04:05Z, got %q", s)
		}
	}
	return nil
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		return "the number " + string(x)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

var patterns sync.Map // pattern string → *regexp.Regexp

// matchPattern matches s against a spec pattern, compiling each once.
func matchPattern(pattern, s string) bool {
	re, ok := patterns.Load(pattern)
	if !ok {
		compiled, err := regexp.Compile(pattern)
		if err != nil {
			return true // a pattern Go cannot compile is Twilio's to enforce
		}
		re, _ = patterns.LoadOrStore(pattern, compiled)
	}
	return re.(*regexp.Regexp).MatchString(s)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
