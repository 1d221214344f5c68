package twiliosim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// stdEncode is what encode wrote before it had its own fast path.
func stdEncode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), err
}

func checkEncode(t *testing.T, v any) {
	t.Helper()
	got, gotErr := encode(v)
	want, wantErr := stdEncode(v)
	if (gotErr != nil) != (wantErr != nil) || (wantErr == nil && !bytes.Equal(got, want)) {
		t.Fatalf("encode(%#v) = %s, %v; encoding/json gives %s, %v", v, got, gotErr, want, wantErr)
	}
}

func TestEncodeMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	values := []any{
		nil, true, false, 0, -7, int64(math.MaxInt64), 1.5, 1e21, 1e-7, json.Number("12"), "",
		"plain text, 100% & <ok>", "quote \" backslash \\ tab \t nl \n nul \x00 del \x7f",
		"café \u2028 \xff bad", []any(nil), map[string]any(nil), []any{}, map[string]any{},
		map[string]any{"b": 1, "a": []any{nil, "x", map[string]any{"z": true, "é": "k", "\"": 2}}, "": "empty"},
		[]string{"typed"}, map[string]string{"k": "v"}, struct{ A int }{1}, uint8(3),
		map[string]any{"bad": math.NaN()}, []any{"x", func() {}},
	}
	for _, v := range values {
		checkEncode(t, v)
	}
}

func FuzzEncode(f *testing.F) {
	f.Add(`{"a":[1,"x\u2028",null,{"b":true}],"c":"d&e<f>"}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var v any
		if json.Unmarshal([]byte(doc), &v) != nil {
			return
		}
		checkEncode(t, v)
	})
}

// mapRender is render as it was, building a map that encode then sorted.
func (c *call) mapRender(row map[string]any) map[string]any {
	out := make(map[string]any, len(c.res.top))
	for _, name := range c.res.top {
		out[name] = asType(c.res.fields[name].Type, deepCopy(row[name]))
	}
	if _, ok := c.res.fields["account_sid"]; ok && c.account != "" {
		out["account_sid"] = c.account
	}
	if _, ok := c.res.fields["uri"]; ok {
		out["uri"] = c.mapRowURI(row)
	}
	if _, ok := c.res.fields["url"]; ok && c.res.v1 {
		out["url"] = c.base + c.mapRowURI(row)
	}
	return out
}

// mapRowURI is how the row's uri was filled before it was written in place.
func (c *call) mapRowURI(row map[string]any) string {
	values := map[string]string{"AccountSid": c.account}
	for _, name := range placeholders(c.res.uriPath) {
		var v any
		switch {
		case name == "AccountSid":
			continue
		case name == c.res.uriKey:
			v = row[c.res.store.keyField]
		default:
			v = row[c.res.parentField(name)]
		}
		if v != nil {
			values[name] = fmt.Sprint(v)
		} else {
			values[name] = c.params[name]
		}
	}
	return expand(c.res.uriPath, values)
}

// TestRenderMatchesMapRender renders a row of every resource, with and
// without the request's account, both ways and compares the JSON.
func TestRenderMatchesMapRender(t *testing.T) {
	t.Parallel()
	s := New(Config{AccountSID: "AC" + strings.Repeat("1", 32), Seed: 3})
	for i, res := range s.resources {
		sid := []string{"XX1", "X\"é <&> \\ \n"}[i%2] // uris that need escaping, too
		row := map[string]any{"sid": sid, "price": "0.5", "count": int64(3), "extra": "dropped",
			"subresource_uris": map[string]any{"a": "/b"}, "date_created": "Mon, 04 Mar 2024 00:00:00 +0000"}
		for _, f := range res.spec.Fields {
			top, _, _ := strings.Cut(f.Path, ".")
			if _, ok := row[top]; !ok && len(row)%3 != 0 {
				row[top] = "v " + f.Path
			}
		}
		for _, account := range []string{"", "AC" + strings.Repeat("2", 32)} {
			c := &call{res: res, account: account, base: "http://h", params: map[string]string{}}
			got, err1 := encode(c.render(row))
			want, err2 := encode(c.mapRender(row))
			if err1 != nil || err2 != nil || !bytes.Equal(got, want) {
				t.Fatalf("%s: render gives\n%s (%v), the map render\n%s (%v)", res.spec.Name, got, err1, want, err2)
			}
		}
	}
}
