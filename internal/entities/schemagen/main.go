// Command schemagen writes the JSON Schemas of connectorInputPayload for
// every catalogue entity and action, and their README, into a directory:
//
//	go run ./internal/entities/schemagen -out schemas/entities
//
// schemas/generate.go runs it through go generate. The schemas come from
// the same catalogue the worker executes (internal/entities), and their
// examples from internal/entities/example, which `worker describe` prints;
// see package entityschema for the mapping.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/connectorworks/twilio-worker/internal/entities"
	"github.com/connectorworks/twilio-worker/internal/entities/example"
	"github.com/connectorworks/twilio-worker/internal/entities/schemagen/entityschema"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

// run parses the flags and writes the files.
func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("schemagen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "schemas/entities", "directory to write the schemas to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q; the only flag is -out DIR", fs.Arg(0))
	}
	files, err := entityschema.Files(entities.NewCatalogue(), example.New())
	if err != nil {
		return err
	}
	return entityschema.Write(*out, files)
}
