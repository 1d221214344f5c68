package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestWritesEverySchemaAndRemovesStale runs the command twice into one
// directory: every entity and action gets a file of valid JSON, a schema
// left from an entity no longer in the catalogue is removed, and other
// files are left alone.
func TestWritesEverySchemaAndRemovesStale(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "Gone.json")
	other := filepath.Join(dir, "notes.txt")
	for _, f := range []string{stale, other} {
		if err := os.WriteFile(f, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := run([]string{"-out", dir}, io.Discard); err != nil {
			t.Fatalf("run: %v", err)
		}
	}
	for _, f := range []string{"Messages.json", "Media.json", "actions/SendMessage.json", "README.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale Gone.json still there (err %v)", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("notes.txt was removed: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if !json.Valid(data) {
			t.Errorf("%s is not valid JSON", f)
		}
	}
}

func TestRejectsArguments(t *testing.T) {
	if err := run([]string{"extra"}, io.Discard); err == nil {
		t.Error("run accepted a positional argument")
	}
}
