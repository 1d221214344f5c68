package taskstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/connectorworks/twilio-worker/internal/taskstore"
)

func TestOpenMemory(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "memory://", "memory:", "MEMORY://"} {
		s, err := taskstore.Open(ctx, u, nil)
		if err != nil {
			t.Errorf("Open(%q) error: %v", u, err)
			continue
		}
		if _, ok := s.(*taskstore.Memory); !ok {
			t.Errorf("Open(%q) = %T, want *taskstore.Memory", u, s)
		}
		_ = s.Close()
	}
}

func TestOpenRedis(t *testing.T) {
	addr := redisAddr(t)
	t.Parallel()
	s, err := taskstore.Open(ctx, "redis://"+addr+"/0", nil, taskstore.WithKeyPrefix(uniquePrefix()))
	must(t, err)
	defer s.Close()
	if _, ok := s.(*taskstore.Redis); !ok {
		t.Fatalf("Open = %T, want *taskstore.Redis", s)
	}
	begin(t, s, "t1", time.Minute, taskstore.New, 1)
}

// TestOpenErrors checks that every rejected URL gets a message saying what
// is wrong and what is allowed, and that no message repeats the password.
// The Redis URLs point at a closed port (1) or fail before dialing.
func TestOpenErrors(t *testing.T) {
	t.Parallel()
	const pw = "s3cr3t-pw"
	cases := []struct {
		url  string
		want []string // substrings of the error
	}{
		{"memory://somewhere", []string{"memory:// takes no host"}},
		{"http://example.com", []string{`unsupported scheme "http"`, "memory://", "redis://"}},
		{"localhost", []string{"has no scheme", "redis://"}},
		{"postgres://u:" + pw + "@db/x", []string{`"postgres"`, "u:xxxxx@db"}},
		{"redis://u:" + pw + "@127.0.0.1:1/0?dial_timeout=1s", []string{"does not answer", "u:xxxxx@127.0.0.1:1"}},
		{"redis://:" + pw + "@127.0.0.1:1/0", []string{"does not answer", ":xxxxx@"}},
		{"redis://u:" + pw + "@127.0.0.1:notaport/0", []string{"does not parse", "percent-encode"}},
		{"redis://u:pa/" + pw + "@127.0.0.1/0", []string{"does not parse"}},
		{"redis://u:" + pw + "@127.0.0.1/abc", []string{"invalid database number"}},
		{"redis://u:" + pw + "@127.0.0.1/0?bogus=1", []string{"unexpected option: bogus"}},
		{"redis://127.0.0.1:notaport/0", []string{"invalid port"}},
		{"rediss://u:" + pw + "@127.0.0.1:1/0?dial_timeout=1s", []string{"does not answer"}},
	}
	for _, c := range cases {
		s, err := taskstore.Open(ctx, c.url, nil)
		if err == nil {
			_ = s.Close()
			t.Errorf("Open(%q) succeeded, want an error", c.url)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, pw) || strings.Contains(msg, "pa/") {
			t.Errorf("Open(%q) error leaks the password: %s", c.url, msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("Open(%q) error = %q, want it to contain %q", c.url, msg, w)
			}
		}
	}
}

func TestOpenNeverShowsAPassword(t *testing.T) {
	for _, u := range []string{"redis://S3cretPW@127.0.0.1:1/0?bogus=1", "redis://h:1/0?password=S3cretPW&bogus=1",
		"redis://user:S3cretPW@h:1/0?bogus=1"} {
		_, err := taskstore.Open(context.Background(), u, nil)
		if err == nil || strings.Contains(err.Error(), "S3cretPW") {
			t.Errorf("Open(%q) error %v shows the password (or no error)", u, err)
		}
	}
}

// TestCheckURL: CheckURL refuses, without dialing, what Open would refuse
// for its form, and passes what only a server can refuse (nothing listens
// on port 1).
func TestCheckURL(t *testing.T) {
	t.Parallel()
	const pw = "s3cr3t-pw"
	for _, u := range []string{"", "memory://", "redis://u:" + pw + "@127.0.0.1:1/0", "rediss://h:6380/2"} {
		if err := taskstore.CheckURL(u); err != nil {
			t.Errorf("CheckURL(%q) = %v, want nil", u, err)
		}
	}
	for _, u := range []string{"memory://x", "localhost", "http://h", "redis://u:" + pw + "@h/abc",
		"redis://u:" + pw + "@h/0?bogus=1", "redis://u:pa/" + pw + "@h/0"} {
		err := taskstore.CheckURL(u)
		if err == nil {
			t.Errorf("CheckURL(%q) = nil, want an error", u)
		} else if strings.Contains(err.Error(), pw) {
			t.Errorf("CheckURL(%q) leaks the password: %v", u, err)
		}
	}
}
