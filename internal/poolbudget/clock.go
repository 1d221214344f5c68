package poolbudget

import (
	"sync"
	"time"
)

// drift is how fast the offset between this process's clock and the
// server's may change, as a fraction: 100 ppm, far above what NTP-kept
// clocks do. A reading's uncertainty grows by it with age.
const drift = 1e-4

// clockMap turns instants of the Redis server's clock into this process's.
// Each script call is a reading: the server's TIME was taken somewhere
// between the call's sending and its answer, so the offset is known within
// half the round trip. It keeps the most precise reading, aged by drift,
// so one slow answer under load does not blur the mapping of every token.
type clockMap struct {
	mu        sync.Mutex
	off       time.Duration // local − server
	uncertain time.Duration // half the reading's round trip
	at        time.Time     // when it was read
}

// sample records a reading (the call was sent and answered at those local
// instants, the server's clock read serverMicros) and returns the offset
// in force with its uncertainty.
func (c *clockMap) sample(sent, got time.Time, serverMicros int64) (off, uncertain time.Duration) {
	half := got.Sub(sent) / 2
	readOff := sent.Add(half).Sub(time.UnixMicro(serverMicros))
	c.mu.Lock()
	defer c.mu.Unlock()
	aged := c.uncertain + time.Duration(float64(got.Sub(c.at))*drift)
	if c.at.IsZero() || half <= aged {
		c.off, c.uncertain, c.at = readOff, half, got
		aged = half
	}
	// Microsecond readings: a microsecond more either way.
	return c.off, aged + time.Microsecond
}
