package twiliosim

import (
	"fmt"
	"hash/fnv"
	"strconv"
)

// pageToken encodes where a page starts, as "PA", a check of 8 hex digits and
// the offset in 8 hex digits. The check binds the token to the resource, so
// a token from another list (or a made-up one) is refused, as Twilio refuses
// a foreign PageToken.
func pageToken(key string, offset int) string {
	return fmt.Sprintf("PA%08x%08x", tokenCheck(key, offset), offset)
}

// parsePageToken returns the offset a token from pageToken encodes.
func parsePageToken(key, token string) (int, bool) {
	if len(token) != 18 || token[:2] != "PA" {
		return 0, false
	}
	check, err1 := strconv.ParseUint(token[2:10], 16, 32)
	offset, err2 := strconv.ParseUint(token[10:], 16, 32)
	if err1 != nil || err2 != nil || uint32(check) != tokenCheck(key, int(offset)) {
		return 0, false
	}
	return int(offset), true
}

func tokenCheck(key string, offset int) uint32 {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s/%d", key, offset)
	return h.Sum32()
}
