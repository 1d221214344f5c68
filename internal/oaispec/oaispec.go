// Package oaispec locates Twilio's OpenAPI specifications, which the
// repository vendors in third_party/twilio-oai. The generator, the
// speccheck validator's tests and the simulator's conformance tests all
// find them through Dir, so one environment variable (TWILIO_OAI_DIR)
// overrides every one of them.
package oaispec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// EnvVar names the environment variable that overrides the directory.
const EnvVar = "TWILIO_OAI_DIR"

// RepoPath is the vendored folder, relative to the module root.
const RepoPath = "third_party/twilio-oai"

// probe is a file every usable directory holds.
const probe = "twilio_api_v2010.json"

// Dir returns $TWILIO_OAI_DIR when set, else the repository's
// third_party/twilio-oai, found by walking up from the working directory to
// go.mod (go test and go generate run inside the module). It fails, naming
// where it looked, when the directory does not hold the specs.
func Dir() (string, error) {
	dir := os.Getenv(EnvVar)
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(root, RepoPath)
	}
	if _, err := os.Stat(filepath.Join(dir, probe)); err != nil {
		return "", fmt.Errorf("Twilio's OpenAPI specs are not in %s (%s overrides %s): %w", dir, EnvVar, RepoPath, err)
	}
	return dir, nil
}

// moduleRoot walks up from the working directory to the folder holding
// go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run inside the repository or set " + EnvVar)
		}
		dir = parent
	}
}
