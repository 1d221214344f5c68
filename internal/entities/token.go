package entities

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// position is where a LIST resumes: Twilio's cursor (Page, PageToken, and
// the Twilio page size the cursor belongs to) plus the offset of the next
// row within that Twilio page, so client-side filtering never skips or
// repeats a row across pages.
//
// After is the key of the last row returned: when rows were added or
// removed since (Twilio's first page has no PageToken to anchor it), the
// scan resumes right after that row instead of at a shifted offset.
type position struct {
	Page   int    `json:"p,omitempty"`
	Token  string `json:"t,omitempty"`
	Size   int    `json:"s"`
	Offset int    `json:"o,omitempty"`
	After  string `json:"a,omitempty"`
}

// tokenWire is the opaque listEntitiesNextPageToken: base64url JSON with a
// hash of what the listing was, so a token cannot be replayed on another
// entity, filter or page size.
type tokenWire struct {
	Hash string `json:"h"`
	position
}

func tokenHash(e *Entity, t *task.Task, size int) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{e.Name, t.FilterClause,
		strings.Join(t.SortBy, ","), strconv.Itoa(size)}, "\x00")))
	return hex.EncodeToString(sum[:8])
}

func encodeToken(p *position, e *Entity, t *task.Task, size int) string {
	b, _ := json.Marshal(tokenWire{Hash: tokenHash(e, t, size), position: *p})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(s string, e *Entity, t *task.Task, size int) (position, error) {
	if s == "" {
		return position{}, nil
	}
	bad := codes.Errorf(codes.InvalidArgument, "listEntitiesPageToken is not a token this worker issued for this "+
		"listing; pass the listEntitiesNextPageToken of the previous result with the same entity, filterClause, "+
		"sort and page size")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return position{}, bad
	}
	var w tokenWire
	if err := json.Unmarshal(raw, &w); err != nil || w.Hash != tokenHash(e, t, size) ||
		w.Size < 0 || w.Size > twilioMaxPage || w.Offset < 0 || w.Page < 0 {
		return position{}, bad
	}
	return w.position, nil
}
