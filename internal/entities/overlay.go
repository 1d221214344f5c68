package entities

import (
	"slices"
	"strings"
)

// This file is the hand-written overlay: the connector's decisions on top of
// the generated specification facts (docs/architecture.md, decision 2).
// Keep it data.

// fieldRenames are the connector's column names that are not the PascalCase
// of Twilio's field: From is a reserved word (CData names it Sender), and
// FriendlyName is exposed as Name (docs/connector-model.md §1.3).
var fieldRenames = map[string]string{
	"from":          "Sender",
	"friendly_name": "Name",
}

// paramRenames are the same renames for Twilio's form and query parameters.
var paramRenames = map[string]string{
	"From":         "Sender",
	"FriendlyName": "Name",
}

// droppedFields are Twilio fields that are links, not data.
var droppedFields = map[string]bool{
	"subresource_uris": true,
	// An account's auth token is a secret: it never reaches a result.
	"auth_token": true,
}

// numericText are fields Twilio sends as JSON strings holding numbers. Rows
// keep Twilio's strings (and the column's Type stays string, which is what
// describe and the row schemas show), but filters and sorting compare them
// as these types ("10" after "9"): the column's CompareAs.
var numericText = map[string]Type{
	"price": TNumber, "num_segments": TInteger, "num_media": TInteger, "duration": TInteger,
	"queue_time": TInteger, "count": TNumber, "usage": TNumber, "current_value": TNumber,
	"trigger_value": TNumber, "balance": TNumber,
}

// maxChars are Twilio's documented length limits on parameters, by
// Entity.Parameter, in characters (Unicode code points), which its
// specification does not state: checked before any request, for every
// operation and action that sends the parameter.
var maxChars = map[string]int{
	// "The concatenated message body exceeds the 1600 character limit"
	// (error 21617); SendMessage sends the same Body.
	"Messages.Body": 1600,
}

// overlay is the per-entity part of the overlay.
type overlay struct {
	aliases            []string
	keyColumn          string // key column name when not "Sid"
	hide               []Op   // operations Twilio has that the connector does not expose as such
	createOnInstance   bool
	updateAnswersEmpty bool
	retired            string
}

const feedbackRetired = "Twilio switched off the Call Feedback and FeedbackSummary endpoints " +
	"after 2023-12-31; use Voice Insights Call Annotation instead"

var overlays = map[string]overlay{
	"Feedback":        {aliases: []string{"CallFeedback"}, createOnInstance: true, retired: feedbackRetired},
	"FeedbackSummary": {aliases: []string{"CallFeedbackSummary"}, retired: feedbackRetired},
	"Messages":        {aliases: []string{"Message"}, updateAnswersEmpty: true},
	// Twilio's POST OutgoingCallerIds.json starts a validation call rather
	// than creating a row: it is the AddOutgoingCallerIds action.
	"OutgoingCallerIds": {hide: []Op{Create}},
}

// ColumnName is the connector's name for a Twilio JSON path: PascalCase of
// each segment, concatenated (capabilities.sms → CapabilitiesSms), with the
// renames above.
func ColumnName(path string) string {
	if r, ok := fieldRenames[path]; ok {
		return r
	}
	var b strings.Builder
	for _, seg := range strings.Split(path, ".") {
		for _, w := range strings.Split(seg, "_") {
			if w != "" {
				b.WriteString(strings.ToUpper(w[:1]) + w[1:])
			}
		}
	}
	return b.String()
}

// inputName is the connector's name for a Twilio parameter.
func inputName(param string) string {
	if r, ok := paramRenames[param]; ok {
		return r
	}
	return param
}

func build(s *Spec) *Entity {
	ov := overlays[s.Name]
	e := &Entity{
		Name: s.Name, Kind: "table", Host: s.Host, ListPath: s.ListPath, InstancePath: s.InstancePath,
		ListKey: s.ListKey, Paging: s.Paging, Paged: s.Paged, CreateOnInstance: ov.createOnInstance,
		UpdateAnswersEmpty: ov.updateAnswersEmpty, Retired: ov.retired,
		ops: map[Op]bool{},
	}
	e.setKey(s, ov)
	e.setParents(s)
	e.setOps(s, ov)
	e.setColumns(s)
	e.setInputs(s)
	if !e.ops[Create] && !e.ops[Update] && !e.ops[Delete] {
		e.Kind = "view"
	}
	return e
}

// setKey takes the key placeholder (the instance path's last parameter)
// and the key column: the field that placeholder names (Members and
// Participants are keyed by CallSid, AvailablePhoneNumberCountries by
// CountryCode), else Sid; list-only entities without a sid have no key.
func (e *Entity) setKey(s *Spec, ov overlay) {
	if ps := placeholders(s.InstancePath); len(ps) > 0 {
		e.KeyParam = ps[len(ps)-1]
	}
	e.KeyPattern = pathParam(s, e.KeyParam).Pattern
	switch {
	case ov.keyColumn != "":
		e.Key = ov.keyColumn
	case e.KeyParam != "" && e.KeyParam != "Sid" && hasField(s, snake(e.KeyParam)):
		e.Key = ColumnName(snake(e.KeyParam))
	case hasField(s, "sid"):
		e.Key = "Sid"
	}
}

// setParents lists the path placeholders that name a parent row
// (MessageSid for Media, CallSid for CallEvents), in path order.
func (e *Entity) setParents(s *Spec) {
	path := s.InstancePath
	if path == "" {
		path = s.ListPath
	}
	e.parentPatterns = map[string]string{}
	for _, p := range placeholders(path) {
		if p != "AccountSid" && p != e.KeyParam {
			e.Parents = append(e.Parents, p)
			e.parentPatterns[p] = pathParam(s, p).Pattern
		}
	}
}

// placeholders lists a path template's {Name}s in order.
func placeholders(path string) []string {
	var out []string
	for rest := path; ; {
		i := strings.Index(rest, "{")
		j := strings.Index(rest, "}")
		if i < 0 || j < i {
			return out
		}
		out = append(out, rest[i+1:j])
		rest = rest[j+1:]
	}
}

func pathParam(s *Spec, name string) Param {
	for _, p := range s.PathParams {
		if p.Name == name {
			return p
		}
	}
	return Param{Name: name, Type: TString}
}

func hasField(s *Spec, path string) bool {
	for _, f := range s.Fields {
		if f.Path == path {
			return true
		}
	}
	return false
}

func (e *Entity) setOps(s *Spec, ov overlay) {
	e.ops[List] = s.ListGet
	e.ops[Get] = s.InstanceGet
	e.ops[Create] = s.ListPost || (ov.createOnInstance && s.InstancePost)
	e.ops[Update] = s.InstancePost
	e.ops[Delete] = s.InstanceDelete
	for _, op := range ov.hide {
		e.ops[op] = false
	}
}

func (e *Entity) setColumns(s *Spec) {
	filters := listFilters(s)
	for _, f := range s.Fields {
		if droppedFields[strings.Split(f.Path, ".")[0]] {
			continue
		}
		c := Column{Name: ColumnName(f.Path), Field: f.Path, Type: f.Type, Format: f.Format, Enum: f.Enum}
		if t, ok := numericText[f.Path]; ok && f.Type == TString {
			c.CompareAs = t
		}
		c.Key = c.Name == e.Key
		c.Filter = filters[f.Path]
		e.Columns = append(e.Columns, c)
	}
	// A parent the rows do not carry under its own name (Media's
	// MessageSid is parent_sid) becomes a column filled from the path, so
	// filters can name it.
	for _, p := range e.Parents {
		if !slices.ContainsFunc(e.Columns, func(c Column) bool { return c.Name == p }) {
			e.Columns = append(e.Columns, Column{Name: p, Type: TString, Parent: true})
		}
	}
	for i := range e.Columns {
		if slices.Contains(e.Parents, e.Columns[i].Name) {
			e.Columns[i].Parent = true
		}
	}
	// Keep the key first: it is what users look for.
	for i, c := range e.Columns {
		if c.Key && i > 0 {
			copy(e.Columns[1:i+1], e.Columns[:i])
			e.Columns[0] = c
		}
	}
	e.index()
}

// index builds the lookups by column name and by Twilio field, and the set
// of fields whose objects are flattened into columns, so that mapping a
// row costs one map lookup per field rather than a scan of the columns.
func (e *Entity) index() {
	e.byName = make(map[string]*Column, len(e.Columns))
	e.byField = make(map[string]*Column, len(e.Columns))
	e.flattened = map[string]bool{}
	for i := range e.Columns {
		c := &e.Columns[i]
		e.byName[strings.ToLower(c.Name)] = c
		if _, dup := e.byField[c.Field]; !dup {
			e.byField[c.Field] = c // the first column of a field wins, as the scan it replaces did
		}
		if parent, _, ok := strings.Cut(c.Field, "."); ok {
			e.flattened[parent] = true
		}
	}
	e.keyFields = e.keyFieldsOf()
}

// listFilters maps Twilio list query parameters onto the fields they filter,
// keyed by field path: To → to, From → from, DateSent (+ DateSent<, DateSent>).
func listFilters(s *Spec) map[string]*ListFilter {
	names := map[string]bool{}
	for _, q := range s.ListQuery {
		names[q.Name] = true
	}
	out := map[string]*ListFilter{}
	for _, q := range s.ListQuery {
		if strings.HasSuffix(q.Name, "<") || strings.HasSuffix(q.Name, ">") {
			continue
		}
		out[snake(q.Name)] = &ListFilter{Param: q.Name, Range: names[q.Name+"<"] && names[q.Name+">"],
			Enum: q.Enum, Pattern: q.Pattern}
	}
	return out
}

// snake converts Twilio's PascalCase parameter name to its snake_case field.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (e *Entity) setInputs(s *Spec) {
	var pathInputs []Input
	for _, p := range e.Parents {
		pp := pathParam(s, p)
		pp.Required = true
		pathInputs = append(pathInputs, Input{Name: p, Param: pp, InPath: true})
	}
	if e.CreateOnInstance {
		pp := pathParam(s, e.KeyParam)
		pp.Required = true
		in := Input{Name: e.Key, Param: pp, InPath: true}
		if e.Key != e.KeyParam {
			in.Aliases = []string{e.KeyParam}
		}
		pathInputs = append(pathInputs, in)
	}
	if e.ops[Create] {
		params := s.Create
		if e.CreateOnInstance {
			params = s.Update
		}
		e.Creates = append(pathInputs, inputs(e.Name, params)...)
	}
	if e.ops[Update] {
		e.Updates = inputs(e.Name, s.Update)
	}
}
