package speccheck_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/speccheck"
)

func TestLoadMissingDir(t *testing.T) {
	t.Parallel()
	_, err := speccheck.Load(filepath.Join(t.TempDir(), "nowhere"))
	if err == nil || !strings.Contains(err.Error(), "twilio_api_v2010.json") {
		t.Fatalf("got %v, want an error naming twilio_api_v2010.json", err)
	}
}

// TestLoadWithoutOptionalSpecs links only the two required files into a
// temporary directory: Load works and v1 paths are unknown.
func TestLoadWithoutOptionalSpecs(t *testing.T) {
	checker(t) // fails clearly when the specs are missing
	dir := t.TempDir()
	for _, name := range []string{"twilio_api_v2010.json", "twilio_api_v2010_with_call_feedback.json"} {
		abs, err := filepath.Abs(filepath.Join(specDir(t), name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(abs, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	c, err := speccheck.Load(dir)
	if err != nil {
		t.Fatalf("Load without the v1 specs: %v", err)
	}
	wantProblems(t, c.CheckRequest(newRequest("GET", account+"/Messages.json", ""), nil), nil)
	wantProblems(t, c.CheckRequest(newRequest("GET", "/v1/Services", ""), nil), []string{"path is not declared"})
}

func TestConcurrentChecks(t *testing.T) {
	c := checker(t)
	const form = "To=%2B1555&Sender=x"
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				r := newRequest("POST", account+"/Messages.json", form)
				if err := c.CheckRequest(r, []byte(form)); err == nil || !strings.Contains(err.Error(), "Sender") {
					t.Errorf("got %v, want a violation naming Sender", err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkLoad(b *testing.B) {
	dir := specDir(b)
	for b.Loop() {
		if _, err := speccheck.Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckRequest(b *testing.B) {
	c := checker(b)
	const form = "To=%2B15558675310&From=%2B15017122661&Body=Hi"
	for b.Loop() {
		r := newRequest("POST", account+"/Messages.json", form)
		if err := c.CheckRequest(r, []byte(form)); err != nil {
			b.Fatal(err)
		}
	}
}
