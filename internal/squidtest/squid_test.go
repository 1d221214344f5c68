package squidtest_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/squidtest"
)

// TestAPR1 checks the hash against a vector from `openssl passwd -apr1`,
// and against openssl itself when it is installed.
func TestAPR1(t *testing.T) {
	if got, want := squidtest.APR1("pw1!x", "abcdefgh"), "$apr1$abcdefgh$eLLIRAyPeG9gzB2oR/17R."; got != want {
		t.Errorf("APR1 = %s, want %s", got, want)
	}
	for _, pw := range []string{"", "a", "sixteen-chars-pw", "a much longer password than sixteen bytes"} {
		out, err := exec.Command("openssl", "passwd", "-apr1", "-salt", "Xy7./zQ1", pw).Output()
		if err != nil {
			t.Skip("openssl not available")
		}
		if got, want := squidtest.APR1(pw, "Xy7./zQ1"), strings.TrimSpace(string(out)); got != want {
			t.Errorf("APR1(%q) = %s, openssl says %s", pw, got, want)
		}
	}
}
