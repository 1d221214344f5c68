package generate

import (
	"fmt"
	"sort"
	"strings"
)

type obj = map[string]any

// doc is one parsed OpenAPI document, kept as generic JSON.
type doc struct {
	file   string
	sha256 string // hex digest of the file's bytes
	root   obj
}

type field struct {
	Path, Type, Format, Pattern string
	Enum                        []string
}

type param struct {
	Name, Type, Items, Format, Pattern string
	Enum                               []string
	Required                           bool
}

type spec struct {
	choice
	ListKey                                   string
	Paging                                    string // "uri" (v2010), "meta" (v1), "single" (one object)
	Paged                                     bool   // the list declares PageSize/Page/PageToken
	ListGet, ListPost                         bool
	InstanceGet, InstancePost, InstanceDelete bool
	Fields                                    []field
	PathParams, ListQuery, GetQuery           []param
	Create, Update                            []param
}

func (d *doc) path(p string) (obj, error) {
	paths, _ := d.root["paths"].(obj)
	v, ok := paths[p].(obj)
	if !ok {
		return nil, fmt.Errorf("path %s not in %s", p, d.file)
	}
	return v, nil
}

// resolve follows a local $ref ("#/components/schemas/x").
func (d *doc) resolve(s obj) obj {
	for i := 0; i < 10; i++ {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		cur := any(d.root)
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := cur.(obj)
			cur = m[part]
		}
		next, ok := cur.(obj)
		if !ok {
			return s
		}
		s = next
	}
	return s
}

func (d *doc) extract(c choice) (*spec, error) {
	sp := &spec{choice: c}
	if sp.Host == "" {
		sp.Host = "api.twilio.com"
	}
	if c.List != "" {
		if err := d.extractList(sp); err != nil {
			return nil, err
		}
	}
	if c.Instance != "" {
		if err := d.extractInstance(sp); err != nil {
			return nil, err
		}
	}
	if len(sp.Fields) == 0 {
		return nil, fmt.Errorf("no response schema found")
	}
	return sp, nil
}

func (d *doc) extractList(sp *spec) error {
	p, err := d.path(sp.List)
	if err != nil {
		return err
	}
	if get, ok := p["get"].(obj); ok {
		sp.ListGet = true
		sp.PathParams = d.params(get, "path")
		for _, q := range d.params(get, "query") {
			if q.Name != "PageSize" && q.Name != "Page" && q.Name != "PageToken" {
				sp.ListQuery = append(sp.ListQuery, q)
			} else {
				sp.Paged = true
			}
		}
		env := d.responseSchema(get)
		sp.Paging = "uri"
		if _, ok := props(env)["meta"]; ok {
			sp.Paging = "meta"
		}
		for k, v := range props(env) {
			if arr, _ := d.resolve(v.(obj))["type"].(string); arr == "array" {
				sp.ListKey = k
				sp.Fields = d.fields(d.resolve(d.resolve(v.(obj))["items"].(obj)), "")
			}
		}
		if sp.ListKey == "" { // the "list" answers one object (Balance)
			sp.Paging = "single"
			sp.Fields = d.fields(env, "")
		}
	}
	if post, ok := p["post"].(obj); ok {
		sp.ListPost = true
		sp.Create = d.formParams(post)
		if len(sp.PathParams) == 0 {
			sp.PathParams = d.params(post, "path")
		}
		if len(sp.Fields) == 0 {
			sp.Fields = d.fields(d.responseSchema(post), "")
		}
	}
	return nil
}

func (d *doc) extractInstance(sp *spec) error {
	p, err := d.path(sp.Instance)
	if err != nil {
		return err
	}
	var pathSrc obj
	if get, ok := p["get"].(obj); ok {
		sp.InstanceGet, pathSrc = true, get
		sp.GetQuery = d.params(get, "query")
		if len(sp.Fields) == 0 {
			sp.Fields = d.fields(d.responseSchema(get), "")
		}
	}
	if post, ok := p["post"].(obj); ok {
		sp.InstancePost = true
		sp.Update = d.formParams(post)
		if pathSrc == nil {
			pathSrc = post
		}
	}
	if del, ok := p["delete"].(obj); ok {
		sp.InstanceDelete = true
		if pathSrc == nil {
			pathSrc = del
		}
	}
	// Instance path parameters are a superset of the list's (they add the key).
	sp.PathParams = d.params(pathSrc, "path")
	return nil
}

func props(s obj) obj {
	p, _ := s["properties"].(obj)
	return p
}

func (d *doc) responseSchema(op obj) obj {
	resp, _ := op["responses"].(obj)
	for _, code := range []string{"200", "201", "202"} {
		r, ok := resp[code].(obj)
		if !ok {
			continue
		}
		content, _ := r["content"].(obj)
		js, _ := content["application/json"].(obj)
		if s, ok := js["schema"].(obj); ok {
			return d.resolve(s)
		}
	}
	return nil
}

// fields lists a response schema's properties, sorted, flattening nested
// objects that declare their own properties (capabilities.sms ...).
func (d *doc) fields(s obj, prefix string) []field {
	var out []field
	for _, name := range sortedKeys(props(s)) {
		ps := d.resolve(props(s)[name].(obj))
		merged := mergeRef(d, props(s)[name].(obj))
		if sub := props(ps); len(sub) > 0 && str(ps, "type") == "object" {
			out = append(out, d.fields(ps, prefix+name+".")...)
			continue
		}
		t, _ := typeOf(merged)
		if untyped(merged) {
			t = "any"
		}
		out = append(out, field{Path: prefix + name, Type: t, Format: str(merged, "format"),
			Pattern: str(merged, "pattern"), Enum: enum(merged)})
	}
	return out
}

// mergeRef combines a property's own keys with its $ref target (the spec
// writes {"type": "string", "$ref": "#/.../enum"}).
func mergeRef(d *doc, s obj) obj {
	r := d.resolve(s)
	out := obj{}
	for k, v := range r {
		out[k] = v
	}
	for k, v := range s {
		if k != "$ref" {
			out[k] = v
		}
	}
	return out
}

func (d *doc) params(op obj, in string) []param {
	var out []param
	list, _ := op["parameters"].([]any)
	for _, x := range list {
		p := d.resolve(x.(obj))
		if str(p, "in") != in {
			continue
		}
		s := mergeRef(d, p["schema"].(obj))
		out = append(out, d.param(str(p, "name"), s, p["required"] == true))
	}
	return out
}

func (d *doc) formParams(op obj) []param {
	rb, _ := op["requestBody"].(obj)
	content, _ := rb["content"].(obj)
	form, _ := content["application/x-www-form-urlencoded"].(obj)
	s, _ := form["schema"].(obj)
	if s == nil {
		return nil
	}
	s = d.resolve(s)
	req := map[string]bool{}
	if r, ok := s["required"].([]any); ok {
		for _, n := range r {
			req[n.(string)] = true
		}
	}
	var out []param
	for _, name := range sortedKeys(props(s)) {
		out = append(out, d.param(name, mergeRef(d, props(s)[name].(obj)), req[name]))
	}
	return out
}

func (d *doc) param(name string, s obj, required bool) param {
	t, items := typeOf(s)
	p := param{Name: name, Type: t, Items: items, Format: str(s, "format"), Pattern: str(s, "pattern"),
		Enum: enum(s), Required: required}
	if t == "array" {
		if it, ok := s["items"].(obj); ok {
			is := mergeRef(d, it)
			p.Items, _ = typeOf(is)
			p.Enum = enum(is)
		}
	}
	return p
}

// untyped reports a row property the spec declares without a type, format
// or enum (a call event's request, a recording's encryption_details): its
// value can be any JSON, an object in practice, so calling it a string
// would describe rows wrongly. Form parameters stay strings: a form
// carries nothing else.
func untyped(s obj) bool {
	_, typed := s["type"]
	return !typed && str(s, "format") == "" && len(enum(s)) == 0
}

// typeOf maps a JSON schema to the connector type.
func typeOf(s obj) (string, string) {
	switch t := str(s, "type"); t {
	case "integer", "number", "boolean", "array", "object":
		return t, ""
	}
	switch str(s, "format") {
	case "date-time", "date-time-rfc-2822":
		return "datetime", ""
	case "date":
		return "date", ""
	}
	return "string", ""
}

func str(s obj, k string) string { v, _ := s[k].(string); return v }

func enum(s obj) []string {
	list, _ := s["enum"].([]any)
	var out []string
	for _, v := range list {
		if sv, ok := v.(string); ok {
			out = append(out, sv)
		}
	}
	return out
}

func sortedKeys(m obj) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
