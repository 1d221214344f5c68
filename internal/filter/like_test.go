package filter_test

import (
	"strings"
	"testing"

	"github.com/connectorworks/twilio-worker/internal/filter"
)

func TestLike(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, value string
		want           bool
	}{
		{"", "", true},
		{"", "a", false},
		{"%", "", true},
		{"%%", "", true},
		{"%", "anything at all", true},
		{"_", "", false},
		{"_", "ü", true}, // one character, two bytes
		{"__", "ü", false},
		{"_", "日", true},
		{"a%", "abc", true},
		{"%c", "abc", true},
		{"%b%", "abc", true},
		{"a_c", "abc", true},
		{"a_c", "abbc", false},
		{"ABC", "abc", false}, // case-sensitive
		{"abc", "abcd", false},
		{"bcd", "abcd", false}, // anchored at both ends
		{"%é%", "café au lait", true},
		{"caf_", "café", true},
		{"cafe", "café", false},
		{"%日本%", "こんにちは日本語", true},
		{"___", "日本語", true},
		{"👍_", "👍🏽", true}, // thumbs up plus a skin-tone modifier: two characters
		{"👍", "👍🏽", false},
		{"100%", "100% sure", true},
		{"_%_", "x", false},
		{"_%_", "xy", true},
		{"%ab", "aab", true},
		{"%aab", "aaab", true},
		{"a%b%c", "abxbxc", true},
		{"a%b%c", "acb", false},
		{"a%%b", "ab", true},
		{"%a%a%b", "aaab", true},
		{"%a%a%a%a%b", strings.Repeat("a", 60), false},
		{"\xff_", "\xff\xfe", true}, // invalid bytes are characters too
		{"\xff", "\xfe", false},
		{"_", "\xff", true},
	}
	for _, tc := range tests {
		e := &filter.Like{Column: "Body", Pattern: tc.pattern, Type: filter.TypeString}
		row := map[string]any{"Body": tc.value}
		if got := filter.Eval(e, row); got != tc.want {
			t.Errorf("%q LIKE %q = %v, want %v", tc.value, tc.pattern, got, tc.want)
		}
		e.Negate = true
		if got := filter.Eval(e, row); got == tc.want {
			t.Errorf("%q NOT LIKE %q = %v, want %v", tc.value, tc.pattern, got, !tc.want)
		}
	}
}

// BenchmarkLikeAdversarial measures the matcher's worst case, a long literal
// tail after % against a long near-miss (a 1600-character body is Twilio's
// maximum): quadratic, never exponential.
func BenchmarkLikeAdversarial(b *testing.B) {
	e := &filter.Like{Column: "Body", Pattern: "%" + strings.Repeat("a", 800) + "b"}
	row := map[string]any{"Body": strings.Repeat("a", 1600)}
	for b.Loop() {
		if filter.Eval(e, row) {
			b.Fatal("matched")
		}
	}
}
