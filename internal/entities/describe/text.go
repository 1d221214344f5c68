package describe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// WriteText prints the catalogue as two aligned tables.
func (l Catalogue) WriteText(w io.Writer) error {
	rows := [][]string{{"ENTITY", "KIND", "OPERATIONS"}}
	for _, e := range l.Entities {
		rows = append(rows, []string{e.Name, e.Kind, joinOps(e.Operations)})
	}
	if err := table(w, "", rows); err != nil {
		return err
	}
	rows = [][]string{{"ACTION", "DESCRIPTION"}}
	for _, a := range l.Actions {
		rows = append(rows, []string{a.Name, a.Description})
	}
	fmt.Fprintln(w)
	return table(w, "", rows)
}

// WriteText prints the entity: header, entityId, columns, inputs and
// examples.
func (d Entity) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "%s (%s)\nOperations: %s\n", d.Entity, d.Kind, joinOps(d.Operations))
	d.writeID(w)
	fmt.Fprintln(w, "\nColumns (any column can be used in a filterClause; SERVER FILTER: Twilio narrows the list itself):")
	rows := [][]string{{"NAME", "TYPE", "KEY", "PARENT", "CREATE", "UPDATE", "SERVER FILTER"}}
	for _, c := range d.Columns {
		rows = append(rows, []string{c.Name, c.typeText(), mark(c.Key), mark(c.Parent),
			mark(c.Create), mark(c.Update), c.filterText()})
	}
	if err := table(w, "  ", rows); err != nil {
		return err
	}
	for _, op := range []entities.Op{entities.Create, entities.Update} {
		if ins, ok := d.Inputs[op]; ok {
			fmt.Fprintf(w, "\n%s connectorInputPayload (* = required):\n", op)
			if err := writeInputs(w, ins); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(w, "\nExample tasks (one per line, as `worker local` reads them):")
	return writeTasks(w, d.Examples...)
}

// writeID explains the entityId, and for a child entity the composite
// form and the filterClause that names the parents.
func (d Entity) writeID(w io.Writer) {
	if d.EntityID == nil {
		fmt.Fprintln(w, "entityId:   none (rows have no key)")
	} else {
		fmt.Fprintf(w, "entityId:   %s, e.g. %s\n", d.EntityID.Form, d.EntityID.Example)
	}
	if len(d.Parents) == 0 {
		return
	}
	if d.EntityID != nil {
		fmt.Fprintf(w, "            composite: the parent's %s, then the row's %s, joined by \"/\"\n",
			strings.Join(d.Parents, ", then "), d.Key)
	}
	label, pronoun := "Parent: ", "it"
	if len(d.Parents) > 1 {
		label, pronoun = "Parents:", "them"
	}
	fmt.Fprintf(w, "%s    %s; name %s in the filterClause of LIST", label, strings.Join(d.Parents, ", "), pronoun)
	if d.supports(entities.Update) || d.supports(entities.Delete) {
		fmt.Fprint(w, " (and of UPDATE or DELETE by filterClause)")
	}
	fmt.Fprintf(w, ":\n            %s\n", d.ParentFilter)
}

func (d Entity) supports(op entities.Op) bool { return slices.Contains(d.Operations, op) }

func (c Column) filterText() string {
	switch {
	case c.Parent:
		return "= (required on LIST)"
	case c.Filter == nil:
		return ""
	case c.Filter.DayBounds:
		return "=, day bounds"
	}
	return "="
}

// writeInputs prints one payload's inputs, required ones first.
func writeInputs(w io.Writer, ins []Input) error {
	rows := [][]string{{"NAME", "TYPE", "CONSTRAINTS"}}
	for _, required := range []bool{true, false} {
		for _, in := range ins {
			if in.Required != required {
				continue
			}
			name := in.Name
			if in.Required {
				name += " *"
			}
			rows = append(rows, []string{name, typeText(in.Type, in.Items, ""), in.constraints()})
		}
	}
	return table(w, "  ", rows)
}

// constraints lists what a value must satisfy, and its other names.
func (in Input) constraints() string {
	var parts []string
	if len(in.Enum) > 0 {
		parts = append(parts, "one of "+strings.Join(in.Enum, ", "))
	}
	if in.Pattern != "" {
		parts = append(parts, "pattern "+in.Pattern)
	}
	if in.Format != "" {
		parts = append(parts, "format "+in.Format)
	}
	if in.MaxLength > 0 {
		parts = append(parts, fmt.Sprintf("at most %d characters", in.MaxLength))
	}
	if len(in.Aliases) > 0 {
		parts = append(parts, "alias "+strings.Join(in.Aliases, ", "))
	}
	if in.InPath {
		parts = append(parts, "in the path")
	}
	return strings.Join(parts, "; ")
}

// WriteText prints the action: description, inputs and an example task.
func (a Action) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "%s (action)\n%s\n\nconnectorInputPayload (* = required):\n", a.Action, a.Description)
	if err := writeInputs(w, a.Inputs); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nExample task (as `worker local` reads it):")
	return writeTasks(w, a.Example)
}

// writeTasks prints tasks as compact JSON, one per line, so they can be
// piped into `worker local` as they are.
func writeTasks(w io.Writer, tasks ...task.Task) error {
	for _, t := range tasks {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // TwiML stays readable
		if err := enc.Encode(t); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "  %s", buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// table prints rows aligned in columns two spaces apart, each line
// indented, without the trailing blanks tabwriter leaves after empty cells.
func table(w io.Writer, indent string, rows [][]string) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if _, err := fmt.Fprintln(w, indent+strings.TrimRight(line, " ")); err != nil {
			return err
		}
	}
	return nil
}

// typeText is a column's type as results carry it, and how filters
// compare it when that differs: "string (compared as number)".
func (c Column) typeText() string {
	if c.CompareAs != "" {
		return c.Type + " (compared as " + c.CompareAs + ")"
	}
	return typeText(c.Type, "", c.Format)
}

func typeText(t, items, format string) string {
	switch {
	case items != "":
		return "array of " + items
	case format != "" && t == string(entities.TString):
		return t + " (" + format + ")"
	}
	return t
}

func mark(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func joinOps(ops []entities.Op) string {
	s := make([]string, len(ops))
	for i, op := range ops {
		s[i] = string(op)
	}
	return strings.Join(s, " ")
}
