// Command gen generates internal/entities/catalogue_gen.go from Twilio's
// official OpenAPI specifications (third_party/twilio-oai, or $TWILIO_OAI_DIR).
// It emits only what the specification says (paths, operations, fields,
// parameters, patterns, enums) and, in the header, the SHA-256 of each file
// read; the connector's own names and decisions live in the hand-written
// overlay (internal/entities/overlay.go).
//
// Usage (from internal/entities, via go generate):
//
//	go run ./gen -out catalogue_gen.go
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/connectorworks/twilio-worker/internal/entities/gen/generate"
	"github.com/connectorworks/twilio-worker/internal/oaispec"
)

func main() {
	specDir := flag.String("spec", "", "directory holding Twilio's OpenAPI JSON files (default: $TWILIO_OAI_DIR, else third_party/twilio-oai)")
	out := flag.String("out", "catalogue_gen.go", "file to write")
	flag.Parse()
	dir := *specDir
	if dir == "" {
		var err error
		if dir, err = oaispec.Dir(); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
	src, err := generate.Source(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
