package speccheck_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestCheckResponse(t *testing.T) {
	c := checker(t)
	const (
		file     = "twilio_api_v2010.json"
		listPath = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
		messages = account + "/Messages.json"
		message  = account + "/Messages/" + msgSid + ".json"
	)
	created := specExample(t, file, listPath, "post", "201", "create")
	page := specExample(t, file, listPath, "get", "200", "readFullPage1")
	jsonType := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	tests := []struct {
		name, method, target string
		status               int
		header               http.Header
		body                 []byte
		mentions             []string // empty: the response must pass
	}{
		{"spec example", "POST", messages, 201, jsonType, created, nil},
		{"spec list example", "GET", messages, 200, jsonType, page, nil},
		{"rfc 2822 format is not checked", "POST", messages, 201, jsonType,
			with(t, created, "date_created", "yesterday"), nil},
		{"number for a string", "POST", messages, 201, jsonType,
			with(t, created, "num_segments", 5), []string{`response field "num_segments"`, "string"}},
		{"bad enum", "POST", messages, 201, jsonType,
			with(t, created, "status", "not-a-status"), []string{`response field "status"`}},
		{"undeclared success status", "POST", messages, 200, jsonType, created,
			[]string{"status 200 is not declared", "declared: 201"}},
		{"wrong content type", "POST", messages, 201, http.Header{"Content-Type": {"text/plain"}}, created,
			[]string{"Content-Type"}},
		{"delete", "DELETE", message, 204, nil, nil, nil},
		{"delete with a body", "DELETE", message, 204, jsonType, []byte("{}"), []string{"declares no body"}},
		{"twilio error", "GET", message, 404, jsonType, errorBody(20404, "not found", "https://www.twilio.com/docs/errors/20404", 404), nil},
		{"rate limited", "POST", messages, 429, jsonType, errorBody(20429, "Too Many Requests", "https://www.twilio.com/docs/errors/20429", 429), nil},
		{"error without more_info", "GET", message, 404, jsonType, []byte(`{"code":20404,"message":"x","status":404}`),
			[]string{`"more_info" must be a string`}},
		{"error with a string code", "GET", message, 404, jsonType, []byte(`{"code":"20404","message":"x","more_info":"u","status":404}`),
			[]string{`"code" must be an integer`}},
		{"error status mismatch", "GET", message, 404, jsonType, errorBody(20404, "x", "u", 400),
			[]string{"body says status 400"}},
		{"error not JSON", "GET", message, 502, nil, []byte("<html>Bad Gateway</html>"),
			[]string{"not a JSON object"}},
		{"error with trailing data", "GET", message, 404, jsonType, append(errorBody(20404, "x", "u", 404), "x"...),
			[]string{"not a JSON object"}},
		{"unknown path", "GET", account + "/Widgets.json", 200, jsonType, []byte("{}"), []string{"path is not declared"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRequest(tt.method, tt.target, "")
			wantProblems(t, c.CheckResponse(r, tt.status, tt.header, tt.body), tt.mentions)
		})
	}
}

// with returns the JSON object body with field set to value.
func with(t *testing.T, body []byte, field string, value any) []byte {
	t.Helper()
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil {
		t.Fatal(err)
	}
	obj[field] = value
	out, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// errorBody renders a Twilio error body.
func errorBody(code int, message, moreInfo string, status int) []byte {
	b, _ := json.Marshal(map[string]any{"code": code, "message": message, "more_info": moreInfo, "status": status})
	return b
}
