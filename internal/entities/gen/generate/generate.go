// Package generate turns Twilio's OpenAPI specifications into the entity
// catalogue's source (internal/entities/catalogue_gen.go). It emits only
// the specification's facts; see internal/entities/overlay.go for the
// connector's decisions.
package generate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"slices"
)

// Source reads the specification files and returns the formatted source
// of catalogue_gen.go.
func Source(specDir string) ([]byte, error) {
	docs := map[string]*doc{}
	var specs []*spec
	for _, s := range selection {
		d, ok := docs[s.File]
		if !ok {
			var err error
			if d, err = loadDoc(filepath.Join(specDir, s.File)); err != nil {
				return nil, err
			}
			docs[s.File] = d
		}
		sp, err := d.extract(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		specs = append(specs, sp)
	}
	var buf bytes.Buffer
	emit(&buf, sources(docs), specs)
	return format.Source(buf.Bytes())
}

func loadDoc(path string) (*doc, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d doc
	if err := json.Unmarshal(raw, &d.root); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	d.file = filepath.Base(path)
	sum := sha256.Sum256(raw)
	d.sha256 = hex.EncodeToString(sum[:])
	return &d, nil
}

// sources lists "file sha256" for every specification read, sorted, for the
// generated file's header: a reader (and the staleness test) can tell which
// exact files the catalogue came from.
func sources(docs map[string]*doc) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.file+" sha256:"+d.sha256)
	}
	slices.Sort(out)
	return out
}
