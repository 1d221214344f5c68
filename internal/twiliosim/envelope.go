package twiliosim

import (
	"net/url"
	"strconv"
	"strings"
)

// envelope is Twilio's v2010 paging envelope around a page of n rows.
func (c *call) envelope(w window, n int, more bool) map[string]any {
	end := w.offset
	if n > 0 {
		end = w.offset + n - 1
	}
	env := map[string]any{
		"first_page_uri":    c.pageURI(w.size, 0, ""),
		"next_page_uri":     nil,
		"previous_page_uri": nil,
		"page":              w.page,
		"page_size":         w.size,
		"start":             w.offset,
		"end":               end,
		"uri":               c.pageURI(w.size, w.page, w.token),
	}
	if more {
		env["next_page_uri"] = c.nextPage(w)
	}
	if w.offset > 0 {
		env["previous_page_uri"] = c.previousPage(w)
	}
	return env
}

// metaEnvelope is the v1 APIs' paging envelope: the page's facts under
// meta, with absolute URLs, and the list key named in meta.key.
func (c *call) metaEnvelope(w window, more bool) map[string]any {
	meta := map[string]any{
		"page":              w.page,
		"page_size":         w.size,
		"first_page_url":    c.base + c.pageURI(w.size, 0, ""),
		"previous_page_url": nil,
		"next_page_url":     nil,
		"url":               c.base + c.pageURI(w.size, w.page, w.token),
		"key":               c.res.spec.ListKey,
	}
	if more {
		meta["next_page_url"] = c.base + c.nextPage(w)
	}
	if w.offset > 0 {
		meta["previous_page_url"] = c.base + c.previousPage(w)
	}
	return map[string]any{"meta": meta}
}

// nextPage and previousPage are the URIs of the neighbouring pages, with a
// PageToken that says where they start.
func (c *call) nextPage(w window) string {
	return c.pageURI(w.size, w.page+1, pageToken(c.res.spec.Name, w.offset+w.size))
}

func (c *call) previousPage(w window) string {
	return c.pageURI(w.size, max(w.page-1, 0), pageToken(c.res.spec.Name, max(w.offset-w.size, 0)))
}

// pageURI is the request's path with its filters (in the spec's order), then
// PageSize, Page and PageToken, as Twilio writes its paging URIs.
func (c *call) pageURI(size, page int, token string) string {
	var parts []string
	add := func(k, v string) { parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v)) }
	for _, p := range c.res.spec.ListQuery {
		for _, v := range c.query[p.Name] {
			add(p.Name, v)
		}
	}
	add("PageSize", strconv.Itoa(size))
	add("Page", strconv.Itoa(page))
	if token != "" {
		add("PageToken", token)
	}
	return c.path + "?" + strings.Join(parts, "&")
}
