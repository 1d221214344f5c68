package limiter

import (
	"io"
	"sync"
	"time"
)

// releasingBody gives back a request's in-flight slot when the caller is
// done with the response: on Close or when Read reaches EOF, whichever comes
// first. Callers often do both, and may Close from another goroutine to abort
// a Read, so release runs under a sync.Once.
type releasingBody struct {
	rc   io.ReadCloser
	once sync.Once
	t    *Transport
	sent time.Time // when the request left the limiter
}

func (b *releasingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err == io.EOF {
		b.once.Do(b.release)
	}
	return n, err
}

func (b *releasingBody) Close() error {
	err := b.rc.Close()
	b.once.Do(b.release)
	return err
}

func (b *releasingBody) release() { b.t.finish(b.sent) }
