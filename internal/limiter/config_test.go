package limiter_test

import (
	"testing"

	"github.com/connectorworks/twilio-worker/internal/limiter"
)

func TestForNodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		nodes int
		want  limiter.Config
	}{
		{-3, limiter.Config{RPS: 25, Burst: 1, MaxInFlight: 100, MinInFlight: 10}},
		{0, limiter.Config{RPS: 25, Burst: 1, MaxInFlight: 100, MinInFlight: 10}},
		{1, limiter.Config{RPS: 25, Burst: 1, MaxInFlight: 100, MinInFlight: 10}},
		{2, limiter.Config{RPS: 50, Burst: 1, MaxInFlight: 100, MinInFlight: 10}},
		{5, limiter.Config{RPS: 125, Burst: 1, MaxInFlight: 100, MinInFlight: 10}},
		{10, limiter.Config{RPS: 250, Burst: 1, MaxInFlight: 100, MinInFlight: 10}},
		{50, limiter.Config{RPS: 1250, Burst: 1, MaxInFlight: 100, MinInFlight: 10}},
		{100, limiter.Config{RPS: 2500, Burst: 1, MaxInFlight: 100, MinInFlight: 10}},
	}
	for _, tc := range cases {
		if got := limiter.ForNodes(tc.nodes); got != tc.want {
			t.Errorf("ForNodes(%d) = %+v, want %+v", tc.nodes, got, tc.want)
		}
	}
}
