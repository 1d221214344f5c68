package task_test

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/connectorworks/twilio-worker/"

// lightPackages are the wire types and what builds on them without running
// the worker: the catalogue and executor, the example and schema
// generators, and the Twilio simulator. None of them keeps task outcomes or
// logs through the worker's logger, so none may link the task store's Redis
// client or zap; they did while the wire types lived in package handler.
var lightPackages = []string{
	module + "internal/task",
	module + "internal/entities/...",
	module + "internal/twiliosim",
	module + "cmd/twiliosim",
}

// heavyModules are the modules lightPackages must not reach.
var heavyModules = []string{"github.com/redis/go-redis/v9", "go.uber.org/zap"}

func TestLightPackagesLinkNeitherRedisNorZap(t *testing.T) {
	t.Parallel()
	roots, imports := importGraph(t, lightPackages)
	for _, root := range roots {
		if chain := heavyChain(root, imports); chain != nil {
			t.Errorf("%s links %s: %s", root, chain[len(chain)-1], strings.Join(chain, " → "))
		}
	}
}

// importGraph runs go list -deps (tests excluded, as in a binary) and
// returns the packages the patterns matched and every package's imports.
// go test puts its own go command first in PATH, so this is the toolchain
// that builds the test.
func importGraph(t *testing.T, patterns []string) (roots []string, imports map[string][]string) {
	t.Helper()
	args := append([]string{"list", "-deps", "-f", "{{.ImportPath}} {{.DepOnly}}{{range .Imports}} {{.}}{{end}}"}, patterns...)
	out, err := exec.CommandContext(t.Context(), "go", args...).Output()
	if exitErr, ok := errors.AsType[*exec.ExitError](err); ok {
		t.Fatalf("go list: %v\n%s", err, exitErr.Stderr)
	} else if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports = map[string][]string{}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		imports[f[0]] = f[2:]
		if f[1] == "false" {
			roots = append(roots, f[0])
		}
	}
	if len(roots) == 0 {
		t.Fatalf("go list matched no packages:\n%s", out)
	}
	return roots, imports
}

// heavyChain returns the shortest import chain from root to a heavy
// package, or nil, so a failure names the import to remove.
func heavyChain(root string, imports map[string][]string) []string {
	parent := map[string]string{root: ""}
	for queue := []string{root}; len(queue) > 0; queue = queue[1:] {
		pkg := queue[0]
		if isHeavy(pkg) {
			var chain []string
			for p := pkg; p != ""; p = parent[p] {
				chain = append([]string{strings.TrimPrefix(p, module)}, chain...)
			}
			return chain
		}
		for _, dep := range imports[pkg] {
			if _, seen := parent[dep]; !seen {
				parent[dep] = pkg
				queue = append(queue, dep)
			}
		}
	}
	return nil
}

func isHeavy(pkg string) bool {
	for _, m := range heavyModules {
		if pkg == m || strings.HasPrefix(pkg, m+"/") {
			return true
		}
	}
	return false
}
