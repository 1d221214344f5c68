package twiliosim

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// idSource makes SIDs and other random-looking values. With a seed the
// sequence is deterministic (for a given order of requests). It is safe for
// concurrent use.
type idSource struct {
	mu  sync.Mutex
	rng *rand.Rand
	req atomic.Uint64 // request ids are a counter, so they never disturb the SID sequence
}

func newIDSource(seed uint64) *idSource {
	if seed == 0 {
		seed = rand.Uint64() // the top-level generator is randomly seeded
	}
	return &idSource{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// sid returns prefix followed by 32 lower-case hex digits.
func (s *idSource) sid(prefix string) string {
	var b [16]byte
	s.mu.Lock()
	for i := 0; i < len(b); i += 8 {
		v := s.rng.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	s.mu.Unlock()
	return prefix + hex.EncodeToString(b[:])
}

// digits returns n random decimal digits.
func (s *idSource) digits(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]byte, n)
	for i := range out {
		out[i] = byte('0' + s.rng.IntN(10))
	}
	return string(out)
}

// requestID returns the next Twilio-Request-Id.
func (s *idSource) requestID() string { return fmt.Sprintf("RQ%032x", s.req.Add(1)) }
