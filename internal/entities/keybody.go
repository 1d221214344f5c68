package entities

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/connectorworks/twilio-worker/internal/codes"
)

// keyBodies holds the buffers a create's answer is read into. A Messages
// row is a few kilobytes; a json.Decoder over the body allocated and
// regrew its own buffer for every answer, which was the largest single
// source of garbage in a bulk send.
var keyBodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody keeps an unusually large answer's buffer out of the pool.
const maxPooledBody = 64 << 10

// decodeKeyInto reads the whole answer of a POST (bounded, and to EOF so
// the connection is reused) and unmarshals it into v, a keyType value
// whose fields are json.RawMessage copies, so the buffer can be reused.
// An empty answer or a 204 leaves v as it is, as decodeInto does.
func decodeKeyInto(resp *http.Response, method, path string, v any) error {
	if resp.StatusCode == http.StatusNoContent {
		return nil
	}
	buf := keyBodies.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBody {
			buf.Reset()
			keyBodies.Put(buf)
		}
	}()
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, maxResponseBytes))
	if err == nil && len(bytes.TrimSpace(buf.Bytes())) > 0 {
		err = json.Unmarshal(buf.Bytes(), v)
	}
	if err != nil {
		// The request succeeded; only a read is safe to repeat.
		return &codes.Error{Code: codes.Unavailable, Retryable: method == http.MethodGet, Err: err,
			HTTPStatus: resp.StatusCode, Message: fmt.Sprintf("%s %s: Twilio answered %d with a body that is not JSON",
				method, path, resp.StatusCode)}
	}
	return nil
}

// rawValue decodes one key field as a json.Decoder with UseNumber would;
// keys are almost always plain strings, which are sliced directly.
func rawValue(raw json.RawMessage) (any, error) {
	if len(raw) >= 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var val any
	err := dec.Decode(&val)
	return val, err
}
