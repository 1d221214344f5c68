package twiliosim

import (
	"net/url"
	"strconv"
)

// checkQualityScore: Twilio takes call quality scores from 1 to 5, which the
// spec types only as an integer.
func checkQualityScore(c *call) *apiError {
	v := c.form.Get("QualityScore")
	if v == "" {
		return nil
	}
	if n, _ := strconv.Atoi(v); n < 1 || n > 5 {
		return invalid("QualityScore must be an integer from 1 to 5, got %s", v)
	}
	return nil
}

// summaryDefaults: a summary is computed later, so a new one is queued with
// its counts unknown.
func summaryDefaults(row map[string]any, _ url.Values, _ *idSource) {
	setDefault(row, "status", "queued")
	setDefault(row, "include_subaccounts", false)
}
