package entities

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/rawjson"
)

// keyBodies holds the buffers a create's answer is read into. A Messages
// row is a few kilobytes; a json.Decoder over the body allocated and
// regrew its own buffer for every answer, which was the largest single
// source of garbage in a bulk send.
var keyBodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody keeps an unusually large answer's buffer out of the pool.
const maxPooledBody = 64 << 10

var errNotObject = errors.New("the answer is not a JSON object")

// readKey reads the whole answer of a create (bounded, and to EOF so the
// connection is reused) and returns the row of its key fields only
// (keyFields), as Row maps them: the other members of the row are skipped
// by the raw walker instead of being decoded. Member names match as
// encoding/json matches a struct's fields (case-insensitively, the last
// duplicate winning). An empty answer, null or a 204 gives the row of no
// fields.
func (e *Entity) readKey(resp *http.Response, method, path string) (map[string]any, error) {
	obj := make(map[string]any, len(e.keyFields))
	if resp.StatusCode == http.StatusNoContent {
		return e.Row(obj), nil
	}
	buf := keyBodies.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBody {
			buf.Reset()
			keyBodies.Put(buf)
		}
	}()
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, maxResponseBytes))
	body := bytes.TrimSpace(buf.Bytes())
	if err == nil && len(body) > 0 && (!rawjson.Valid(body) || (body[0] != '{' && !bytes.Equal(body, []byte("null")))) {
		err = errNotObject
	}
	if err != nil {
		// The request succeeded; only a read is safe to repeat.
		return nil, &codes.Error{Code: codes.Unavailable, Retryable: method == http.MethodGet, Err: err,
			HTTPStatus: resp.StatusCode, Message: fmt.Sprintf("%s %s: Twilio answered %d with a body that is not JSON",
				method, path, resp.StatusCode)}
	}
	rawjson.EachMember(body, func(key, val []byte) {
		if f, ok := e.keyField(key); ok {
			obj[f] = rawjson.DecodeValue(val)
		}
	})
	return e.Row(obj), nil
}

// keyField names the key field that the raw member name key (quotes
// included) stands for, if any.
func (e *Entity) keyField(key []byte) (string, bool) {
	name := key[1 : len(key)-1]
	if bytes.IndexByte(name, '\\') >= 0 {
		name = []byte(rawjson.Unquote(key))
	}
	for _, f := range e.keyFields {
		if bytes.EqualFold(name, []byte(f)) {
			return f, true
		}
	}
	return "", false
}
