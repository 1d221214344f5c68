package harness

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
)

// WorkerPackage is the worker's import path, not ./cmd/worker, so that it
// builds from any directory of the module (the repository root under go
// run, the command's own directory under go test).
const WorkerPackage = "github.com/connectorworks/twilio-worker/cmd/worker"

// BuildWorker compiles the worker into dir and returns the binary's path.
func BuildWorker(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "worker")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, WorkerPackage).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build %s (or pass --worker-bin): %w\n%s", WorkerPackage, err, out)
	}
	return bin, nil
}
