// Package generate turns Twilio's OpenAPI specifications into the entity
// catalogue's source (internal/entities/catalogue_gen.go). It emits only
// the specification's facts; see internal/entities/overlay.go for the
// connector's decisions.
package generate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
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
	emit(&buf, specs)
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
	return &d, nil
}
