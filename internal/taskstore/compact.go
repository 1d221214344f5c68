package taskstore

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

// The memory store keeps each result in a form of its own, about a fifth
// of a typical CREATE result's size, so that the same heap holds several
// times more results. Most of a result is predictable: its task id (the
// store is always asked with it), its field names, and two RFC 3339
// timestamps whose text is four times the size of their instants.
//
// A stored form is one of:
//
//   - the result itself, when it is empty or starts with a printable byte
//     (as JSON does): what the store cannot compact costs nothing extra;
//   - codeRaw, then the result: a result that starts with a control byte;
//   - a compact form, which starts with codeTaskID or codeTaskKey: bytes
//     from 0x20 up are the result's own, lower ones are the codes below.
//
// A result is stored compact only when expanding its compact form gives
// it back byte for byte (see storedForm): the encoder may then assume the
// shape of the worker's results (task.Result's JSON, field order and
// timestamp format) without ever getting an unusual one wrong.
const (
	codeRaw     = 0x00 // first byte only: the result follows as given
	codeTaskID  = 0x01 // `{"taskId":"` + the task id + `",`
	codeTaskKey = 0x02 // `{"taskId":"`, for an id that JSON escapes
	codeTimes   = 0x03 // timesTail: 8 bytes of start, then a varint of finish - start, in ns
	codeSid     = 0x04 // `"` + 2 letters + 32 lowercase hex digits + `"`: the letters, then 16 bytes
	codeFrag    = 0x05 // codeFrag+i: fragments[i]
)

const (
	taskKey     = `{"taskId":"`
	startedKey  = `,"startedAt":"`
	finishedKey = `","finishedAt":"`
	resultEnd   = `"}`
	sidLen      = 36 // `"`, 2 letters, 32 hex digits, `"`
)

// fragments are the frequent runs of a result's JSON between values, each
// starting with the quote where the encoder looks for them: longer ones
// first where they share a start.
var fragments = [...]string{
	`"entity":"`,
	`","operation":"CREATE","status":"SUCCEEDED","connectorOutputPayload":`,
	`","operation":"`,
	`","status":"SUCCEEDED","connectorOutputPayload":`,
	`","status":"FAILED","error":{"code":"`,
	`","status":"`,
	`","message":"`,
	`","retryable":`,
	`"listEntitiesNextPageToken":"`,
	`"deliveryAttempt":`,
	`"twilioCode":`,
	`"httpStatus":`,
	`"moreInfo":"`,
	`"Sid":`,
}

// All codes must stay below the printable bytes they are told apart from.
var _ [0x20 - codeFrag - len(fragments)]struct{}

// compactMax bounds the results the store compacts: a larger one (a page
// of a LIST, a GET of a whole resource) gains proportionally little, and
// leaving it raw bounds the encoder's work and its buffers to this size
// (an expansion stops as soon as it outgrows the result it must equal).
const compactMax = 1024

// storedForm returns the form in which the memory store keeps result,
// which Finish was given for taskID: compact when that round-trips,
// otherwise the result as given. For the worker's results it allocates
// only the string it returns.
func storedForm(taskID string, result []byte) string {
	if len(result) <= compactMax && len(result) > len(taskKey) && string(result[:len(taskKey)]) == taskKey {
		buf := getBuffer()
		defer putBuffer(buf)
		form := string(appendCompact(buf[:0], taskID, result))
		if dec, ok := appendExpanded(buf[:0], taskID, form, len(result)); ok && bytes.Equal(dec, result) {
			return form
		}
	}
	if len(result) > 0 && result[0] < 0x20 {
		return string(append([]byte{codeRaw}, result...))
	}
	return string(result)
}

// expandResult returns the result whose stored form for taskID is form:
// exactly the bytes Finish was given, in a new slice (never nil).
func expandResult(taskID, form string) []byte {
	switch {
	case form == "" || form[0] >= 0x20:
		return []byte(form)
	case form[0] == codeRaw:
		return []byte(form[1:])
	}
	buf := getBuffer()
	defer putBuffer(buf)
	dec, _ := appendExpanded(buf[:0], taskID, form, compactMax)
	return bytes.Clone(dec)
}

// buffers hold the encoder's work: a compact form and its expansion are
// at most compactMax bytes. They are pooled rather than on the stack: a
// kilobyte more on the goroutine that records a result made its stack
// grow, a copy per task.
var buffers = sync.Pool{New: func() any { return new([compactMax]byte) }}

func getBuffer() *[compactMax]byte  { return buffers.Get().(*[compactMax]byte) }
func putBuffer(b *[compactMax]byte) { buffers.Put(b) }

// appendCompact appends result's compact form to dst. result starts with
// taskKey.
func appendCompact(dst []byte, taskID string, result []byte) []byte {
	rest := result[len(taskKey):]
	if n := len(taskID); len(rest) >= n+2 && string(rest[:n]) == taskID && string(rest[n:n+2]) == `",` {
		dst, rest = append(dst, codeTaskID), rest[n+2:]
	} else {
		dst = append(dst, codeTaskKey) // an id that needed escaping, or another one
	}
	body, start, finish, ok := splitTimes(rest)
	dst = appendFragments(dst, body)
	if ok {
		dst = binary.BigEndian.AppendUint64(append(dst, codeTimes), uint64(start))
		dst = binary.AppendVarint(dst, finish-start)
	}
	return dst
}

// splitTimes splits r before its timesTail, `,"startedAt":"T1","finishedAt":"T2"}`
// at its very end, and returns the instants of T1 and T2 as Unix
// nanoseconds; ok is false, and body all of r, when r does not end so. It
// reads r from its end, as the timestamps hold no quote: a payload before
// them, whatever it holds, is not scanned.
func splitTimes(r []byte) (body []byte, start, finish int64, ok bool) {
	rest, ok := bytes.CutSuffix(r, []byte(resultEnd))
	rest, t2, ok2 := cutLastQuoted(rest, finishedKey)
	rest, t1, ok1 := cutLastQuoted(rest, startedKey)
	if !ok || !ok1 || !ok2 {
		return r, 0, 0, false
	}
	start, ok1 = parseStamp(t1)
	finish, ok2 = parseStamp(t2)
	if !ok1 || !ok2 {
		return r, 0, 0, false
	}
	return rest, start, finish, true
}

// cutLastQuoted splits s, which ends with a value after its opening
// quote, before key, which ends with that quote.
func cutLastQuoted(s []byte, key string) (before, value []byte, ok bool) {
	j := bytes.LastIndexByte(s, '"') + 1
	before, ok = bytes.CutSuffix(s[:j], []byte(key))
	return before, s[j:], ok && j > 0
}

// parseStamp reads the instant of an RFC 3339 UTC timestamp as the worker
// writes them: 2006-01-02T15:04:05, up to 9 fraction digits, Z. It does
// not check ranges or trailing zeros: a timestamp that does not format
// back to the same text fails storedForm's round trip instead.
func parseStamp(s []byte) (int64, bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[len(s)-1] != 'Z' {
		return 0, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	sec, ok6 := digits(s[17:19])
	nsec, ok7 := fraction(s[19 : len(s)-1])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return 0, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC).UnixNano(), true
}

// fraction reads a timestamp's fraction of a second, "" or "." and 1 to 9
// digits, as nanoseconds.
func fraction(s []byte) (int, bool) {
	if len(s) == 0 {
		return 0, true
	}
	if len(s) < 2 || len(s) > 10 || s[0] != '.' {
		return 0, false
	}
	n, ok := digits(s[1:])
	for range 10 - len(s) {
		n *= 10
	}
	return n, ok
}

// digits reads s, decimal digits only.
func digits(s []byte) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// appendFragments appends s to dst with every fragment and Sid that starts
// at one of its quotes replaced by its code.
func appendFragments(dst, s []byte) []byte {
	for len(s) > 0 {
		if s[0] == '"' {
			if isSid(s) {
				dst = append(dst, codeSid, s[1], s[2])
				dst, _ = hex.AppendDecode(dst, s[3:sidLen-1])
				s = s[sidLen:]
				continue
			}
			if i := fragmentAt(s); i >= 0 {
				dst, s = append(dst, codeFrag+byte(i)), s[len(fragments[i]):]
				continue
			}
		}
		j := bytes.IndexByte(s[1:], '"') + 1 // the next quote, or none (0)
		if j == 0 {
			j = len(s)
		}
		dst, s = append(dst, s[:j]...), s[j:]
	}
	return dst
}

// isSid reports whether s starts with a Twilio SID in quotes: two capital
// letters, then 32 lowercase hex digits (the case hex.AppendEncode gives
// back).
func isSid(s []byte) bool {
	if len(s) < sidLen || s[sidLen-1] != '"' || !isUpper(s[1]) || !isUpper(s[2]) {
		return false
	}
	for _, c := range s[3 : sidLen-1] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// fragmentAt returns the index of the first fragment s starts with, or -1.
func fragmentAt(s []byte) int {
	for i, f := range fragments {
		if len(s) >= len(f) && s[1] == f[1] && string(s[:len(f)]) == f {
			return i
		}
	}
	return -1
}

// appendExpanded appends to dst the result whose compact form for taskID
// is enc; ok is false when enc is no compact form (a result's own control
// byte taken for a code), which storedForm's round trip then rejects, or
// once the expansion has outgrown limit bytes.
func appendExpanded(dst []byte, taskID, enc string, limit int) (_ []byte, ok bool) {
	for i, start := 0, len(dst); i < len(enc); {
		if len(dst)-start > limit {
			// A result's own control bytes taken for codes can expand a
			// kilobyte by its task id's length each: no stored form does.
			return dst, false
		}
		c := enc[i]
		i++
		switch {
		case c >= 0x20:
			j := i
			for j < len(enc) && enc[j] >= 0x20 {
				j++
			}
			dst, i = append(dst, enc[i-1:j]...), j
		case c == codeTaskID:
			dst = append(append(append(dst, taskKey...), taskID...), `",`...)
		case c == codeTaskKey:
			dst = append(dst, taskKey...)
		case c == codeTimes:
			var n int
			if dst, n = appendTimes(dst, enc[i:]); n == 0 {
				return dst, false
			}
			i += n
		case c == codeSid && len(enc)-i >= 18:
			dst = append(append(dst, '"'), enc[i], enc[i+1])
			dst = append(hex.AppendEncode(dst, []byte(enc[i+2:i+18])), '"')
			i += 18
		case c >= codeFrag && int(c-codeFrag) < len(fragments):
			dst = append(dst, fragments[c-codeFrag]...)
		default:
			return dst, false
		}
	}
	return dst, true
}

// appendTimes appends the timesTail encoded at the start of enc and
// returns how many bytes of enc it read, 0 if they are no such encoding.
func appendTimes(dst []byte, enc string) ([]byte, int) {
	if len(enc) < 9 {
		return dst, 0
	}
	start := int64(binary.BigEndian.Uint64([]byte(enc[:8])))
	delta, n := binary.Varint([]byte(enc[8:min(len(enc), 8+binary.MaxVarintLen64)]))
	if n <= 0 {
		return dst, 0
	}
	dst = appendStamp(append(dst, startedKey...), start)
	dst = appendStamp(append(dst, finishedKey...), start+delta)
	return append(dst, resultEnd...), 8 + n
}

// appendStamp appends the timestamp of the instant ns as the worker
// writes it (RFC 3339 with nanoseconds, UTC).
func appendStamp(dst []byte, ns int64) []byte {
	return time.Unix(0, ns).UTC().AppendFormat(dst, time.RFC3339Nano)
}
