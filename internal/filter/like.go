package filter

import "unicode/utf8"

// likeMatch reports whether s matches a LIKE pattern: % matches any run of
// characters (including none), _ exactly one character, anything else
// itself, case-sensitively, over the whole of s.
//
// It is the classic greedy wildcard match that remembers only the last %:
// when a later literal part fails, extending that % by one character is the
// only retry needed, because an earlier % could absorb nothing the last one
// cannot. That keeps the worst case at O(len(s)·len(pattern)) steps instead
// of the exponential blow-up of naive backtracking on patterns like %a%a%a%b.
func likeMatch(s, pattern string) bool {
	// Short values and patterns, the usual case, are decoded on the stack:
	// LIKE runs once per row of a client-side filtered scan.
	var sbuf, pbuf [64]rune
	str, pat := appendRunes(sbuf[:0], s), appendRunes(pbuf[:0], pattern)
	if fixedLength(pat) > len(str) {
		return false
	}
	si, pi := 0, 0
	star, mark := -1, 0
	for si < len(str) {
		switch {
		case pi < len(pat) && pat[pi] == '%':
			star, mark = pi, si
			pi++
		case pi < len(pat) && (pat[pi] == '_' || pat[pi] == str[si]):
			si++
			pi++
		case star >= 0:
			mark++
			si, pi = mark, star+1
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi] == '%' {
		pi++
	}
	return pi == len(pat)
}

// appendRunes appends the characters of s to out. An invalid byte becomes
// a negative value unique to that byte, so it matches _ and itself but,
// unlike with utf8.RuneError, not every other invalid byte.
func appendRunes(out []rune, s string) []rune {
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 {
			r = -1 - rune(s[i])
		}
		out = append(out, r)
		i += w
	}
	return out
}

// fixedLength counts the characters a pattern needs at least: all but %.
func fixedLength(pat []rune) int {
	n := 0
	for _, r := range pat {
		if r != '%' {
			n++
		}
	}
	return n
}
