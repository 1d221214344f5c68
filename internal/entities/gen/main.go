// Command gen generates internal/entities/catalogue_gen.go from Twilio's
// official OpenAPI specifications (../shared/twilio-oai). It emits only what
// the specification says (paths, operations, fields, parameters, patterns,
// enums); the connector's own names and decisions live in the hand-written
// overlay (internal/entities/overlay.go).
//
// Usage (from internal/entities, via go generate):
//
//	go run ./gen -spec ../../../shared/twilio-oai -out catalogue_gen.go
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/connectorworks/twilio-worker/internal/entities/gen/generate"
)

func main() {
	specDir := flag.String("spec", "../../../shared/twilio-oai", "directory holding Twilio's OpenAPI JSON files")
	out := flag.String("out", "catalogue_gen.go", "file to write")
	flag.Parse()
	src, err := generate.Source(*specDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
