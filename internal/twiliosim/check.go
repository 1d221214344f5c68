package twiliosim

import (
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// checkPath answers 404 for a placeholder that breaks its pattern, as Twilio
// does for a malformed SID.
func (c *call) checkPath() *apiError {
	for _, p := range c.res.spec.PathParams {
		if v, ok := c.params[p.Name]; ok && !c.res.matches(p.Pattern, v) {
			return notFound(c.path)
		}
	}
	return nil
}

// checkInput validates the query and the form against what the operation
// declares, then the hook's own rules.
func (c *call) checkInput() *apiError {
	if err := c.checkValues("query parameter", c.query, c.op.query); err != nil {
		return err
	}
	if err := c.checkValues("form parameter", c.form, c.op.form); err != nil {
		return err
	}
	for _, p := range c.op.form {
		if p.Required && c.form[p.Name] == nil {
			if code, ok := c.res.hooks.requiredCodes[p.Name]; ok {
				return badRequest(code, "A '%s' parameter is required.", p.Name)
			}
			return invalid("Missing required parameter %s in the post body", p.Name)
		}
	}
	if h := c.res.hooks.check; h != nil {
		return h(c)
	}
	return nil
}

// checkValues refuses names the operation does not declare (in sorted
// order, so the message is stable) and values of the wrong shape.
func (c *call) checkValues(what string, values url.Values, declared []entities.Param) *apiError {
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		i := slices.IndexFunc(declared, func(p entities.Param) bool { return p.Name == name })
		if i < 0 {
			return invalid("Unknown %s '%s' for %s %s; %s", what, name, c.res.spec.Name, c.op.name, declaredList(declared))
		}
		if err := c.res.checkParam(declared[i], values[name]); err != nil {
			return err
		}
	}
	return nil
}

func declaredList(declared []entities.Param) string {
	if len(declared) == 0 {
		return "it declares none"
	}
	names := make([]string, len(declared))
	for i, p := range declared {
		names[i] = p.Name
	}
	return "declared: " + strings.Join(names, ", ")
}

// checkParam checks one parameter's values: only arrays repeat, and every
// value has the declared type, enum and pattern.
func (r *resource) checkParam(p entities.Param, values []string) *apiError {
	typ := p.Type
	if typ == entities.TArray {
		typ = p.Items
	} else if len(values) > 1 {
		return invalid("Parameter %s was given %d times; only array parameters repeat", p.Name, len(values))
	}
	for _, v := range values {
		if !validType(typ, v) {
			return invalid("Parameter %s must be a %s, got %q", p.Name, typeWord(typ), v)
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, v) {
			return invalid("Parameter %s must be one of %s, got %q", p.Name, strings.Join(p.Enum, ", "), v)
		}
		if !r.matches(p.Pattern, v) {
			return invalid("Parameter %s must match %s, got %q", p.Name, p.Pattern, v)
		}
	}
	return nil
}

func validType(typ entities.Type, v string) bool {
	var err error
	switch typ {
	case entities.TInteger:
		_, err = strconv.ParseInt(v, 10, 64)
	case entities.TNumber:
		_, err = strconv.ParseFloat(v, 64)
	case entities.TBoolean:
		_, err = parseBool(v)
	case entities.TDate:
		_, err = time.Parse(time.DateOnly, v)
	case entities.TDateTime:
		_, err = parseDay(v)
	}
	return err == nil
}

func typeWord(typ entities.Type) string {
	switch typ {
	case entities.TDate:
		return "date (YYYY-MM-DD)"
	case entities.TDateTime:
		return "date (YYYY-MM-DD) or RFC 3339 timestamp"
	case entities.TBoolean:
		return "boolean (true or false)"
	}
	return string(typ)
}

// parseBool accepts true and false in any case, as Twilio does.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, strconv.ErrSyntax
}
