package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/entities/describe"
	"github.com/connectorworks/twilio-worker/internal/entities/example"
)

// This file holds `worker entities` and `worker describe`: the catalogue,
// printed for people (aligned text) or programs (--json). They read only
// the built-in catalogue, never the environment or a cloud account, so
// they work anywhere the binary runs.

// runEntities lists every entity with its kind and operations, then the
// actions.
func runEntities(args []string, stdout io.Writer) error {
	asJSON, names, err := introspectFlags("entities", "", "Lists every entity (kind, operations) and the actions.", args, stdout)
	if err != nil || names == nil {
		return err
	}
	if len(names) > 0 {
		return configErr("worker entities takes no arguments, got %q; use worker describe NAME for one entity", names[0])
	}
	list := describe.List(entities.NewCatalogue())
	if asJSON {
		return writeJSON(stdout, list)
	}
	return list.WriteText(stdout)
}

// runDescribe prints one entity or action: its operations, entityId form,
// columns, inputs and an example task per operation.
func runDescribe(args []string, stdout io.Writer) error {
	asJSON, names, err := introspectFlags("describe", " ENTITY|ACTION", "Explains one entity or action: its operations, "+
		"entityId form, columns (the JSON type rows carry), inputs and an example task per operation.", args, stdout)
	if err != nil || names == nil {
		return err
	}
	if len(names) != 1 {
		return configErr("worker describe takes one entity or action name (e.g. worker describe Messages), got %d; "+
			"worker entities lists them", len(names))
	}
	c, b := entities.NewCatalogue(), example.New()
	var doc interface{ WriteText(io.Writer) error }
	if e, ok := c.Lookup(names[0]); ok {
		doc = describe.DescribeEntity(e, b)
	} else if a, ok := c.Action(names[0]); ok {
		doc = describe.DescribeAction(a, b)
	} else {
		return unknownName(c, names[0])
	}
	if asJSON {
		return writeJSON(stdout, doc)
	}
	return doc.WriteText(stdout)
}

// introspectFlags parses --json among the arguments. names is nil, with a
// nil error, when the user asked for -h: the usage is printed on stdout,
// nothing else.
func introspectFlags(cmd, operand, about string, args []string, stdout io.Writer) (bool, []string, error) {
	fs := flag.NewFlagSet("worker "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned; the help goes to stdout
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	names, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, "Usage: worker %s%s [--json]\n\n%s Needs no configuration.\n\n", cmd, operand, about)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return false, nil, nil
	}
	if err != nil {
		return false, nil, configErr("worker %s: %v (worker %s --help shows the usage)", cmd, err, cmd)
	}
	return *asJSON, append([]string{}, names...), nil
}

// unknownName is the usage error for a name that is neither an entity nor
// an action: close names when there are some, else the whole catalogue.
func unknownName(c *entities.Catalogue, name string) error {
	all := append(append([]string{}, c.Names()...), c.ActionNames()...)
	if near := closeNames(name, all); len(near) > 0 {
		return configErr("unknown entity or action %q; did you mean %s?", name, strings.Join(near, " or "))
	}
	return configErr("unknown entity or action %q; the entities are: %s; the actions are: %s",
		name, strings.Join(c.Names(), ", "), strings.Join(c.ActionNames(), ", "))
}

// closeNames are the names a typo of name could have meant: at most two
// edits away, or starting with it ("usage" → the UsageRecords views),
// closest first, at most five.
func closeNames(name string, names []string) []string {
	q := strings.ToLower(name)
	dist := map[string]int{}
	for _, n := range names {
		l := strings.ToLower(n)
		if d := editDistance(q, l); d <= 2 && d < len(q) {
			dist[n] = d
		} else if len(q) >= 3 && strings.HasPrefix(l, q) {
			dist[n] = 3
		}
	}
	out := make([]string, 0, len(dist))
	for n := range dist {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool {
		return dist[out[i]] < dist[out[j]] || dist[out[i]] == dist[out[j]] && out[i] < out[j]
	})
	return out[:min(len(out), 5)]
}

// editDistance is the Levenshtein distance between a and b in bytes
// (catalogue names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// writeJSON prints v indented, keys in struct order, maps sorted.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
