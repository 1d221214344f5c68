package task

import (
	"encoding/json"
	"slices"
	"strconv"
)

// JSON returns r's JSON form: byte for byte what json.Marshal(r) makes, but
// written directly for the usual results (plain strings, a payload of
// string members, such as a create's key) instead of through reflection,
// which cost 2.5 % of the worker's CPU in cmd/bench. Anything else (LIST
// rows, strings that need escaping) is handed to encoding/json, so the two
// never differ (FuzzResultJSON holds them equal).
func (r *Result) JSON() ([]byte, error) {
	b := make([]byte, 0, 192+len(r.TaskID))
	b = append(b, `{"taskId":`...)
	b = appendString(b, r.TaskID)
	b = append(b, `,"entity":`...)
	b = appendString(b, r.Entity)
	b = append(b, `,"operation":`...)
	b = appendString(b, r.Operation)
	b = append(b, `,"status":`...)
	b = appendString(b, r.Status)
	if r.Payload != nil {
		b = append(b, `,"connectorOutputPayload":`...)
		var err error
		if b, err = appendPayload(b, r.Payload); err != nil {
			return nil, err
		}
	}
	if r.NextPageToken != "" {
		b = append(b, `,"listEntitiesNextPageToken":`...)
		b = appendString(b, r.NextPageToken)
	}
	if r.Error != nil {
		b = append(b, `,"error":`...)
		b = r.Error.appendJSON(b)
	}
	if r.DeliveryAttempt != 0 {
		b = append(b, `,"deliveryAttempt":`...)
		b = strconv.AppendInt(b, int64(r.DeliveryAttempt), 10)
	}
	b = append(b, `,"startedAt":`...)
	b = appendString(b, r.StartedAt)
	b = append(b, `,"finishedAt":`...)
	b = appendString(b, r.FinishedAt)
	return append(b, '}'), nil
}

func (e *ErrorInfo) appendJSON(b []byte) []byte {
	b = append(b, `{"code":`...)
	b = appendString(b, string(e.Code))
	b = append(b, `,"message":`...)
	b = appendString(b, e.Message)
	b = append(b, `,"retryable":`...)
	b = strconv.AppendBool(b, e.Retryable)
	if e.TwilioCode != 0 {
		b = append(b, `,"twilioCode":`...)
		b = strconv.AppendInt(b, int64(e.TwilioCode), 10)
	}
	if e.HTTPStatus != 0 {
		b = append(b, `,"httpStatus":`...)
		b = strconv.AppendInt(b, int64(e.HTTPStatus), 10)
	}
	if e.MoreInfo != "" {
		b = append(b, `,"moreInfo":`...)
		b = appendString(b, e.MoreInfo)
	}
	return append(b, '}')
}

// appendPayload writes a map of string members (keys in order, as
// encoding/json sorts them) directly, and anything else with
// encoding/json.
func appendPayload(b []byte, p any) ([]byte, error) {
	m, ok := p.(map[string]any)
	if !ok || m == nil || len(m) > 8 {
		return appendMarshalled(b, p)
	}
	var keys [8]string
	n := 0
	for k, v := range m {
		if _, ok := v.(string); !ok {
			return appendMarshalled(b, p)
		}
		keys[n] = k
		n++
	}
	slices.Sort(keys[:n])
	b = append(b, '{')
	for i, k := range keys[:n] {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k].(string))
	}
	return append(b, '}'), nil
}

func appendMarshalled(b []byte, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, data...), nil
}

// appendString writes s quoted. Printable ASCII other than the characters
// encoding/json escapes (", \, and <, >, & for HTML) is copied as it is;
// any other string is quoted by encoding/json itself.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			data, _ := json.Marshal(s) // a string always marshals
			return append(b, data...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
