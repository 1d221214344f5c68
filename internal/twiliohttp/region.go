package twiliohttp

import (
	"net/http"
	"strings"
)

// RegionalHost maps a Twilio host to its edge and region as Twilio's SDKs
// do (twilio-go's RequestHandler.BuildUrl): product.edge.region.twilio.com,
// with region us1 when only an edge is given; an edge or region already
// in the host is kept unless overridden. Hosts that are not
// product[.edge][.region].twilio.com, and empty edge and region, leave the
// host unchanged.
func RegionalHost(host, edge, region string) string {
	if edge == "" && region == "" {
		return host
	}
	name, port, hasPort := strings.Cut(host, ":")
	pieces := strings.Split(name, ".")
	if len(pieces) < 3 || len(pieces) > 5 || !strings.EqualFold(strings.Join(pieces[len(pieces)-2:], "."), "twilio.com") {
		return host
	}
	curEdge, curRegion := "", ""
	switch len(pieces) {
	case 4:
		curRegion = pieces[1]
	case 5:
		curEdge, curRegion = pieces[1], pieces[2]
	}
	if edge != "" {
		curEdge = edge
	}
	if region != "" {
		curRegion = region
	} else if curRegion == "" && curEdge != "" {
		curRegion = "us1"
	}
	out := []string{pieces[0]}
	if curEdge != "" {
		out = append(out, curEdge)
	}
	if curRegion != "" {
		out = append(out, curRegion)
	}
	out = append(out, "twilio", "com")
	h := strings.Join(out, ".")
	if hasPort {
		h += ":" + port
	}
	return h
}

// Regional sends every request to its host's edge and region
// (RegionalHost). With both empty, requests pass unchanged. It takes the
// place of Rewrite when no base URL is set: a base URL wins.
func Regional(edge, region string, next http.RoundTripper) http.RoundTripper {
	if edge == "" && region == "" {
		return next
	}
	return regional{edge: edge, region: region, next: next}
}

type regional struct {
	edge, region string
	next         http.RoundTripper
}

func (r regional) RoundTrip(req *http.Request) (*http.Response, error) {
	host := RegionalHost(req.URL.Host, r.edge, r.region)
	if host == req.URL.Host {
		return r.next.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.URL.Host, out.Host = host, host
	return r.next.RoundTrip(out)
}
