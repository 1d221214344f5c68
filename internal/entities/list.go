package entities

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/twilio/twilio-go/client"

	"github.com/connectorworks/twilio-worker/internal/codes"
	"github.com/connectorworks/twilio-worker/internal/task"
)

// Page sizes: the connector's default and maximum, and Twilio's maximum,
// used when rows are filtered client-side so each request (each token of
// the rate budget) brings as many candidate rows as possible.
const (
	DefaultPageSize = 25
	MaxPageSize     = 1000
	twilioMaxPage   = 1000
)

func (x *Executor) list(ctx context.Context, e *Entity, t *task.Task) (task.Output, error) {
	size := t.PageSize
	if size == 0 {
		size = DefaultPageSize
	}
	q, err := e.query(t.FilterClause)
	if err != nil {
		return task.Output{}, err
	}
	if len(t.SortBy) > 0 {
		return x.sorted(ctx, e, t, q, size)
	}
	pos, err := decodeToken(t.PageToken, e, t, size)
	if err != nil {
		return task.Output{}, err
	}
	rows, next, err := x.listRows(ctx, e, q, pos, size)
	if err != nil {
		return task.Output{}, err
	}
	out := task.Output{Payload: rows}
	if next != nil {
		out.NextPageToken = encodeToken(next, e, t, size)
	}
	return out, nil
}

// listRows answers want rows from pos: nothing when the filter cannot
// match, one fetch when it names the key, else a scan of Twilio's pages.
func (x *Executor) listRows(ctx context.Context, e *Entity, q *query, pos position, want int) ([]any, *position, error) {
	if q.empty {
		return []any{}, nil, nil
	}
	addr, err := e.listAddress(q)
	if err != nil {
		return nil, nil, err
	}
	if q.key != "" && e.Supports(Get) {
		rows, err := x.byKey(ctx, e, q, addr)
		return rows, nil, err
	}
	if !e.Supports(List) { // never GET a list path Twilio does not have
		return nil, nil, codes.Errorf(codes.InvalidArgument, "%s cannot be listed in Twilio", e.Name)
	}
	if !q.exact || !e.Paged {
		pos.Size = twilioMaxPage
	} else if pos.Size == 0 {
		pos.Size = min(want, twilioMaxPage)
	}
	return x.scan(ctx, e, q, addr, pos, want)
}

// byKey answers a filter that names the key: one fetch instead of a scan.
func (x *Executor) byKey(ctx context.Context, e *Entity, q *query, addr address) ([]any, error) {
	addr[e.KeyParam] = q.key
	if e.checkKeyValue(q.key) != nil {
		return []any{}, nil // a value that cannot be a key matches no row
	}
	row, err := x.fetch(ctx, e, addr)
	var tre *client.TwilioRestError
	if errors.As(err, &tre) && tre.Status == http.StatusNotFound && e.Retired == "" {
		return []any{}, nil
	}
	if err != nil {
		return nil, err
	}
	if !q.match(row) {
		return []any{}, nil
	}
	return []any{row}, nil
}

// scan reads Twilio pages from pos until want matching rows are found. The
// returned position points at the next matching row when this page shows
// one, else at the next Twilio page; nil means the end.
func (x *Executor) scan(ctx context.Context, e *Entity, q *query, addr address, pos position, want int) ([]any, *position, error) {
	out := make([]any, 0, min(want, twilioMaxPage))
	rd := newRowReader(e, q, addr)
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf) // the rows kept are decoded copies, not slices of buf
	for {
		page, next, err := x.fetchPage(ctx, e, q, addr, pos, buf)
		if err != nil {
			return nil, nil, err
		}
		for i := rd.resumeAt(page, pos); i < len(page); i++ {
			if !rd.matches(page[i]) {
				continue
			}
			if len(out) == want {
				p := pos
				p.Offset, p.After = i, lastKey(e, out)
				return out, &p, nil
			}
			out = append(out, rd.row(page[i]))
		}
		// A cursor that does not move would loop until the deadline.
		if next == nil || (next.Page == pos.Page && next.Token == pos.Token) {
			return out, nil, nil
		}
		if len(out) == want {
			next.After = lastKey(e, out)
			return out, next, nil
		}
		pos = *next
	}
}

func lastKey(e *Entity, rows []any) string {
	if len(rows) == 0 || e.Key == "" {
		return ""
	}
	return fmt.Sprint(rows[len(rows)-1].(map[string]any)[e.Key])
}

// fetchPage reads one Twilio page, its rows left as raw JSON objects for a
// rowReader. The next cursor is taken from the envelope's Page and
// PageToken only; the URL itself is rebuilt from the entity definition so a
// forged token cannot redirect the request.
func (x *Executor) fetchPage(ctx context.Context, e *Entity, q *query, addr address, pos position, buf *bytes.Buffer) ([][]byte, *position, error) {
	params := url.Values{}
	for k, v := range q.params {
		params[k] = v
	}
	if e.Paged {
		params.Set("PageSize", strconv.Itoa(pos.Size))
		if pos.Page > 0 || pos.Token != "" {
			params.Set("Page", strconv.Itoa(pos.Page))
			params.Set("PageToken", pos.Token)
		}
	}
	body, err := x.callRaw(ctx, http.MethodGet, e.Host, x.path(e.ListPath, addr), params, buf)
	if err != nil {
		return nil, nil, err
	}
	items, env := e.splitPage(body)
	return items, nextPosition(e, env, pos.Size), nil
}

// nextPosition reads the next cursor from next_page_uri (v2010) or
// meta.next_page_url (v1 APIs).
func nextPosition(e *Entity, body map[string]any, size int) *position {
	next, _ := body["next_page_uri"].(string)
	if meta, ok := body["meta"].(map[string]any); ok && e.Paging == "meta" {
		next, _ = meta["next_page_url"].(string)
	}
	if next == "" || !e.Paged {
		return nil
	}
	u, err := url.Parse(next)
	if err != nil {
		return nil
	}
	page, _ := strconv.Atoi(u.Query().Get("Page"))
	return &position{Page: page, Token: u.Query().Get("PageToken"), Size: size}
}
