package taskstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Open returns the store rawURL names (the worker's --task-store /
// TASK_STORE):
//
//	"" or "memory://"                             a Memory store reading the time from now
//	"redis://[user:password@]host[:port][/db]"    a Redis store (NewRedis)
//	"rediss://…"                                  the same over TLS
//
// Any other URL is an error naming its scheme and the ones allowed. Errors
// never contain the URL's password. The options go to the store built.
func Open(ctx context.Context, rawURL string, now func() time.Time, opts ...Option) (Store, error) {
	redisURL, err := checkURL(rawURL)
	switch {
	case err != nil:
		return nil, err
	case redisURL:
		return NewRedis(ctx, rawURL, opts...)
	}
	return NewMemory(now, opts...), nil
}

// CheckURL reports, without connecting to anything, the error Open would
// return for rawURL because of its form: a scheme other than memory,
// redis or rediss, a memory:// URL with more, or a Redis URL that does not
// parse or has an unknown option. A nil error does not mean that a Redis
// server answers there. Like Open's, its errors never contain the
// password, so configuration checks can report them as they are.
func CheckURL(rawURL string) error {
	_, err := checkURL(rawURL)
	return err
}

// checkURL is CheckURL, also saying whether rawURL names a Redis store.
func checkURL(rawURL string) (redisURL bool, err error) {
	scheme, rest, found := strings.Cut(rawURL, ":")
	switch scheme = strings.ToLower(scheme); {
	case rawURL == "":
		return false, nil
	case !found:
		return false, fmt.Errorf("taskstore: task store URL %q has no scheme; %s", clip(redact(rawURL)), allowed)
	case scheme == "memory":
		if rest != "//" && rest != "" {
			return false, fmt.Errorf("taskstore: task store URL %s: memory:// takes no host, path or options", clip(redact(rawURL)))
		}
		return false, nil
	case scheme == "redis" || scheme == "rediss":
		_, err := redisOptions(rawURL)
		return true, err
	}
	return false, fmt.Errorf("taskstore: task store URL %s: unsupported scheme %q; %s", clip(redact(rawURL)), clip(scheme), allowed)
}

const allowed = "use memory:// (the default: one worker process) or redis://[user:password@]host[:port][/db] (rediss:// for TLS) for a pool of workers"

// redact returns rawURL with the password of its userinfo replaced by
// "xxxxx", even when rawURL does not parse.
func redact(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		// Userinfo of any shape (a bare "redis://secret@host" is a
		// password to Redis) and a ?password= option are masked.
		if _, hasPW := u.User.Password(); hasPW {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		} else if u.User != nil {
			u.User = url.User("xxxxx")
		}
		if q := u.Query(); q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	if p := password(rawURL); p != "" {
		return strings.Replace(rawURL, p, "xxxxx", 1)
	}
	return rawURL
}

// password returns the password in rawURL's userinfo, "" when there is
// none. A URL that does not parse is split by hand: scheme://user:password@
// up to the last "@" before the path.
func password(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		p, _ := u.User.Password()
		return p
	}
	_, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 && strings.LastIndex(rest[:i], "@") >= 0 {
		rest = rest[:i]
	}
	userinfo := rest[:max(strings.LastIndex(rest, "@"), 0)]
	_, p, _ := strings.Cut(userinfo, ":")
	return p
}

// urlError explains why go-redis rejected rawURL without repeating its
// password. A *url.Error quotes the URL, and its inner error may quote a
// piece of a password that holds a reserved character (an "invalid port"
// cut from "user:pa/ss@host"), so when the URL has userinfo the parse
// failure is described rather than quoted.
func urlError(rawURL string, err error) error {
	var ue *url.Error
	switch {
	case errors.As(err, &ue) && strings.Contains(rawURL, "@"):
		return fmt.Errorf("taskstore: task store URL %s does not parse; percent-encode reserved characters (/ ? # @ : %%) in the user name and password", redact(rawURL))
	case errors.As(err, &ue):
		err = ue.Err
	}
	return fmt.Errorf("taskstore: task store URL %s: %w", redact(rawURL), scrub(err, password(rawURL)))
}

// scrub masks secret wherever err's text contains it, keeping err's chain
// for errors.Is and errors.As.
func scrub(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return &scrubbed{text: strings.ReplaceAll(err.Error(), secret, "xxxxx"), err: err}
}

type scrubbed struct {
	text string
	err  error
}

func (s *scrubbed) Error() string { return s.text }
func (s *scrubbed) Unwrap() error { return s.err }
