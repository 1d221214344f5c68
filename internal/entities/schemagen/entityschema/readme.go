package entityschema

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/entities"
)

// readmeHead explains the layout; the index of entities and actions
// follows it. It is embedded here rather than kept as a hand-written file
// beside the schemas, so the explanation and the files it explains are
// regenerated together.
//
//go:embed readme_head.md
var readmeHead string

// readme renders the README: the explanation, then the index.
func readme(c *entities.Catalogue) []byte {
	var b strings.Builder
	b.WriteString(readmeHead)
	b.WriteString("\n## Entities\n\n| entity | kind | operations | payload schemas |\n|---|---|---|---|\n")
	for _, name := range c.Names() {
		e, _ := c.Lookup(name)
		var defs []string
		for _, w := range writeOps {
			if e.Supports(w.op) {
				defs = append(defs, "`$defs."+w.def+"`")
			}
		}
		if len(defs) == 0 {
			defs = []string{"none"}
		}
		fmt.Fprintf(&b, "| [%s](%s) | %s | %s | %s |\n", name, EntityFile(name), e.Kind, opList(e.Ops()), strings.Join(defs, ", "))
	}
	b.WriteString("\n## Actions\n\n| action | description |\n|---|---|\n")
	for _, name := range c.ActionNames() {
		a, _ := c.Action(name)
		fmt.Fprintf(&b, "| [%s](%s) | %s |\n", name, ActionFile(name), strings.ReplaceAll(a.Description, "|", "\\|"))
	}
	return []byte(b.String())
}
