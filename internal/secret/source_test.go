package secret_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/secret"
)

func TestSourceRefresh(t *testing.T) {
	var reads atomic.Int32
	value := "one"
	s := secret.NewSource(secret.New("one"), func(context.Context) (secret.String, error) {
		reads.Add(1)
		return secret.New(value), nil
	}, time.Hour)
	ctx := context.Background()
	if v, changed, err := s.Refresh(ctx, secret.New("one")); changed || err != nil || v.Reveal() != "one" {
		t.Fatalf("unchanged secret: %v %v %v", v.Reveal(), changed, err)
	}
	value = "two"
	if _, changed, _ := s.Refresh(ctx, secret.New("one")); changed || reads.Load() != 1 {
		t.Fatalf("second re-read within the interval: changed %v after %d reads, want no re-read", changed, reads.Load())
	}
	s = secret.NewSource(secret.New("one"), func(context.Context) (secret.String, error) {
		reads.Add(1)
		time.Sleep(10 * time.Millisecond)
		return secret.New("two"), nil
	}, time.Hour)
	reads.Store(0)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, changed, err := s.Refresh(ctx, secret.New("one")); !changed || err != nil || v.Reveal() != "two" {
				t.Errorf("concurrent refresh: %v %v %v", v.Reveal(), changed, err)
			}
		}()
	}
	wg.Wait()
	if reads.Load() != 1 || s.Get().Reveal() != "two" {
		t.Errorf("%d re-reads for 8 concurrent refusals, want 1", reads.Load())
	}
	boom := errors.New("unavailable")
	s = secret.NewSource(secret.New("one"), func(context.Context) (secret.String, error) { return secret.String{}, boom }, 0)
	if v, changed, err := s.Refresh(ctx, secret.New("one")); changed || !errors.Is(err, boom) || v.Reveal() != "one" {
		t.Errorf("failed re-read: %v %v %v", v.Reveal(), changed, err)
	}
	if v, changed, _ := secret.Static(secret.New("x")).Refresh(ctx, secret.New("x")); changed || v.Reveal() != "x" {
		t.Error("a static source changed")
	}
}
