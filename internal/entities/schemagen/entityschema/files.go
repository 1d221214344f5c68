package entityschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/entities/example"
)

// Files renders every generated file, keyed by its slash-separated path
// relative to the output directory: <Entity>.json, actions/<Action>.json
// and README.md. The output is deterministic: keys sorted, two-space
// indentation, one trailing newline.
func Files(c *entities.Catalogue, b *example.Builder) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, name := range c.Names() {
		e, _ := c.Lookup(name)
		data, err := Marshal(Entity(e, b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[EntityFile(name)] = data
	}
	for _, name := range c.ActionNames() {
		a, _ := c.Action(name)
		data, err := Marshal(Action(a, b))
		if err != nil {
			return nil, fmt.Errorf("action %s: %w", name, err)
		}
		out[ActionFile(name)] = data
	}
	out["README.md"] = readme(c)
	return out, nil
}

// Marshal writes v as indented JSON with sorted keys. HTML characters stay
// as they are: the files are read by people and validators, not browsers.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write replaces dir's generated files with files: it writes each one and
// removes the *.json files in dir and dir/actions that files does not
// hold (an entity dropped from the catalogue), leaving anything else alone.
func Write(dir string, files map[string][]byte) error {
	for _, sub := range []string{dir, filepath.Join(dir, "actions")} {
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
		stale, err := filepath.Glob(filepath.Join(sub, "*.json"))
		if err != nil {
			return err
		}
		for _, f := range stale {
			rel, _ := filepath.Rel(dir, f)
			if _, keep := files[filepath.ToSlash(rel)]; !keep {
				if err := os.Remove(f); err != nil {
					return err
				}
			}
		}
	}
	for _, name := range sortedNames(files) {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func opList(ops []entities.Op) string {
	s := make([]string, len(ops))
	for i, op := range ops {
		s[i] = string(op)
	}
	return strings.Join(s, " ")
}
