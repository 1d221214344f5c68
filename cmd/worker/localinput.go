package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"cloud.google.com/go/pubsub/v2"
)

// maxLineBytes is the longest task line worker local publishes: what one
// Pub/Sub publish request holds (10 MB). A longer line could never reach
// a worker as a message, so it is answered without being sent, and the
// reader keeps at most this much of any line in memory.
const maxLineBytes int = pubsub.MaxPublishRequestBytes

// taskLine is one non-blank line of worker local's input.
type taskLine struct {
	n    int    // 1-based line number, which names the task: "line-3"
	data []byte // the line without its line break; nil when over maxLineBytes
	size int    // the line's length in bytes, without its line break
}

// id is the task id worker local gives the line: results carry it, so
// that with --unordered each result can be matched to its line.
func (l taskLine) id() string { return "line-" + strconv.Itoa(l.n) }

// taskInput is the whole input: the task lines, and the numbers of the
// blank lines, which are skipped.
type taskInput struct {
	lines []taskLine
	blank []int
}

// readTaskLines reads JSON Lines from path ("" or "-" = stdin). Every
// non-blank line is a task, malformed or not: the pipeline answers a
// malformed one with a FAILED result like any other. A line over
// maxLineBytes is read to its end but not kept.
func readTaskLines(path string, stdin io.Reader) (*taskInput, error) {
	r := stdin
	if path != "" && path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, configErr("tasks file: %v", err)
		}
		defer f.Close()
		r = f
	}
	br := bufio.NewReaderSize(r, 64<<10)
	in := &taskInput{}
	for n := 1; ; n++ {
		l, err := readLine(br, maxLineBytes)
		if errors.Is(err, io.EOF) {
			return in, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading tasks: line %d: %w", n, err)
		}
		l.n = n
		if l.data != nil && len(bytes.TrimSpace(l.data)) == 0 {
			in.blank = append(in.blank, n)
			continue
		}
		in.lines = append(in.lines, l)
	}
}

// readLine reads one line, keeping at most limit bytes of it: a longer
// line is consumed to its end and returned with nil data and its size.
// It returns io.EOF only when no line is left.
func readLine(br *bufio.Reader, limit int) (taskLine, error) {
	var l taskLine
	for {
		chunk, err := br.ReadSlice('\n')
		l.size += len(chunk)
		if len(l.data)+len(chunk) <= limit+len("\r\n") && l.size == len(l.data)+len(chunk) {
			l.data = append(l.data, chunk...)
		} else {
			l.data = nil // over the limit: count the rest, keep none of it
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && l.size == 0:
			return l, io.EOF
		case err != nil && !errors.Is(err, io.EOF):
			return l, err
		}
		l.size -= lineBreak(chunk)
		if l.size > limit {
			return taskLine{size: l.size}, nil
		}
		l.data = l.data[:l.size]
		return l, nil
	}
}

// lineBreak is the length of the line break ending a line's last chunk.
func lineBreak(chunk []byte) int {
	switch {
	case bytes.HasSuffix(chunk, []byte("\r\n")):
		return 2
	case bytes.HasSuffix(chunk, []byte("\n")):
		return 1
	}
	return 0
}

// skippedBlank is the warning for blank lines: one line, naming them.
func skippedBlank(blank []int) string {
	nums := make([]string, 0, min(len(blank), 10))
	for _, n := range blank[:min(len(blank), 10)] {
		nums = append(nums, strconv.Itoa(n))
	}
	more := ""
	if len(blank) > 10 {
		more = ", …"
	}
	s := "s"
	if len(blank) == 1 {
		s = ""
	}
	return fmt.Sprintf("worker local: skipped %d blank line%s (line%s %s%s); every other line got one result",
		len(blank), s, s, strings.Join(nums, ", "), more)
}
