package oaispec_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/oaispec"
)

// TestVendoredREADMEMatchesFiles checks that third_party/twilio-oai/README.md
// lists every vendored spec with its true SHA-256, so the provenance table
// cannot drift from the files it describes.
func TestVendoredREADMEMatchesFiles(t *testing.T) {
	t.Setenv(oaispec.EnvVar, "")
	dir, err := oaispec.Dir()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	row := regexp.MustCompile("(?m)^\\| `([^`]+\\.json)` \\|.*\\| `([0-9a-f]{64})` \\|$")
	for _, m := range row.FindAllStringSubmatch(string(readme), -1) {
		listed[m[1]] = m[2]
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 || len(files) != len(listed) {
		t.Fatalf("README lists %d spec files, the folder holds %d", len(listed), len(files))
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		if got, want := hex.EncodeToString(sum[:]), listed[filepath.Base(f)]; got != want {
			t.Errorf("%s: SHA-256 is %s, README says %q", filepath.Base(f), got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "LICENSE")); err != nil {
		t.Errorf("Twilio's licence must travel with the specs: %v", err)
	}
}

func TestDirHonoursOverride(t *testing.T) {
	t.Setenv(oaispec.EnvVar, t.TempDir())
	if _, err := oaispec.Dir(); err == nil {
		t.Fatal("an override without the specs must be an error, not a silent fallback")
	}
}
