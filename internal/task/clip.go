package task

import "unicode/utf8"

// Clip shortens a caller-supplied value echoed in an error message, a
// result field or a log line, so a 10 MB field name does not become a 10 MB
// result. It cuts at a rune boundary and marks the cut with "…".
func Clip(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
