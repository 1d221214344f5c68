package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// localResult is the part of a result line these tests read.
type localResult struct {
	TaskID, Status string
	Error          *struct{ Code, Message string }
}

// runLocalInput runs worker local on in with extra flags and returns the
// result lines, decoded, and stderr.
func runLocalInput(t *testing.T, in string, flags ...string) ([]localResult, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var out, errs bytes.Buffer
	args := append([]string{"worker", "local"}, flags...)
	if err := run(ctx, append(args, "-"), noEnv, strings.NewReader(in), &out, &errs); err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	var results []localResult
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r localResult
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("result line is not JSON: %v: %.200s", err, l)
		}
		results = append(results, r)
	}
	return results, errs.String()
}

// TestLocalLineNumbersNameTasks: with --unordered, each result is matched
// to its line by its taskId, line-N, counting blank lines too; blank lines
// get no result but one warning on stderr naming them.
func TestLocalLineNumbersNameTasks(t *testing.T) {
	list := `{"entity":"Messages","operation":"LIST","listEntitiesPageSize":1}`
	in := list + "\n\n" + `{"entity":"Nope","operation":"GET","entityId":"x"}` + "\n \t\r\n" + list + "\r\n" + list
	results, stderr := runLocalInput(t, in, "--unordered")
	var ids []string
	for _, r := range results {
		ids = append(ids, r.TaskID)
		if (r.TaskID == "line-3") != (r.Status == "FAILED") {
			t.Errorf("%s: %s, want only line-3 (an unknown entity) to fail", r.TaskID, r.Status)
		}
	}
	slices.Sort(ids)
	if want := []string{"line-1", "line-3", "line-5", "line-6"}; !slices.Equal(ids, want) {
		t.Errorf("task ids %v, want %v", ids, want)
	}
	if !strings.Contains(stderr, "worker local: skipped 2 blank lines (lines 2, 4)") {
		t.Errorf("stderr lacks the blank-line warning:\n%s", stderr)
	}
}

// TestLocalSaysWhenALineIsNotJSON: a line that is not JSON is answered as
// such, with the position, whatever its first byte looks like.
func TestLocalSaysWhenALineIsNotJSON(t *testing.T) {
	results, _ := runLocalInput(t, "not json\nfalse alarm\n")
	for i, r := range results {
		if r.Status != "FAILED" || r.Error == nil || r.Error.Code != "INVALID_ARGUMENT" ||
			!strings.Contains(r.Error.Message, "not valid JSON") || !strings.Contains(r.Error.Message, "line 1, column") ||
			strings.Contains(r.Error.Message, "must be a JSON object") {
			t.Errorf("line %d: %+v %+v, want INVALID_ARGUMENT saying it is not valid JSON, with the position", i+1, r, r.Error)
		}
	}
}

// TestLocalOversizedLines: a line Pub/Sub cannot carry is answered FAILED
// naming its size and the limit, whether the reader caught it (over the
// limit) or the publisher did (at the limit, with its attributes), and
// the lines around it still run; a 5 MB line, over gRPC's default 4 MB
// message, runs too.
func TestLocalOversizedLines(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes about 26 MB")
	}
	task := func(size int) string {
		head := `{"entity":"Messages","operation":"LIST","listEntitiesPageSize":1,"x-pad":"`
		return head + strings.Repeat("a", size-len(head)-2) + `"}`
	}
	small := task(100)
	lines := []string{small, task(maxLineBytes + 1<<20), task(maxLineBytes), task(5 << 20), small}
	results, _ := runLocalInput(t, strings.Join(lines, "\n"))
	want := []string{"SUCCEEDED", "FAILED", "FAILED", "SUCCEEDED", "SUCCEEDED"}
	if len(results) != len(want) {
		t.Fatalf("got %d results, want %d", len(results), len(want))
	}
	for i, r := range results {
		if r.TaskID != "line-"+strconv.Itoa(i+1) || r.Status != want[i] {
			t.Errorf("result %d: %s %s, want line-%d %s (%+v)", i+1, r.TaskID, r.Status, i+1, want[i], r.Error)
		}
		if want[i] == "FAILED" && (r.Error == nil || r.Error.Code != "INVALID_ARGUMENT" ||
			!strings.Contains(r.Error.Message, strconv.Itoa(len(lines[i]))+" bytes") ||
			!strings.Contains(r.Error.Message, "at most 10000000 bytes")) {
			t.Errorf("line %d: %+v, want INVALID_ARGUMENT naming %d bytes and the 10000000-byte limit", i+1, r.Error, len(lines[i]))
		}
	}
}

// TestReadLineKeepsAtMostTheLimit: the rest of an overlong line is
// counted and discarded, never held, and the next line reads normally.
func TestReadLineKeepsAtMostTheLimit(t *testing.T) {
	const long = 64 << 20
	r := io.MultiReader(io.LimitReader(repeatReader('a'), long), strings.NewReader("\r\n{}\nlast"))
	br := bufio.NewReaderSize(r, 64<<10)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l, err := readLine(br, 1000)
	runtime.ReadMemStats(&after)
	if err != nil || l.data != nil || l.size != long {
		t.Fatalf("overlong line: data %d bytes, size %d, err %v; want no data, size %d", len(l.data), l.size, err, long)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("reading a %d-byte line with a 1000-byte limit allocated %d bytes", long, grew)
	}
	for _, want := range []string{"{}", "last"} {
		if l, err := readLine(br, 1000); err != nil || string(l.data) != want || l.size != len(want) {
			t.Errorf("next line: %q (size %d), %v; want %q", l.data, l.size, err, want)
		}
	}
	if _, err := readLine(br, 1000); err != io.EOF {
		t.Errorf("after the last line: %v, want io.EOF", err)
	}
}

// repeatReader reads c forever.
type repeatReader byte

func (c repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}
