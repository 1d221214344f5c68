package main

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// drainWithin bounds how long the proxy keeps a stream to the emulator
// open after the worker's end of it died, waiting for the emulator to
// finish it.
const drainWithin = 30 * time.Second

// proxy relays the worker's gRPC calls (HTTP/2 cleartext) to the Pub/Sub
// emulator, and turns the death of the worker's end of a stream into a
// clean half-close of the emulator's end.
//
// Why: the emulator (cloud-pubsub-emulator 0.8.20) does not survive a
// StreamingPull stream that ends abruptly (the client process killed, its
// TCP connection gone): its close handler fails with NoSuchMethodError
// (io.grpc.InternalStatus.asRuntimeException), the dead stream stays
// registered, and the emulator keeps sending it messages, both the ones
// the dead worker held and newly published ones. Some come back after the
// ack deadline, others never do (none in 4 minutes). A real Pub/Sub
// redelivers a dead subscriber's messages once their leases run out. A
// half-close (what the client sends on a graceful stop) is handled
// correctly, so through this proxy a SIGKILLed worker costs what it costs
// on the real service, and tasks lost by the emulator are not blamed on
// the worker.
type proxy struct {
	target string // host:port of the emulator
	ln     net.Listener
	srv    *http.Server
	tr     *http.Transport
	log    *log.Logger // one line per call that did not end cleanly
}

// startProxy listens on a loopback port and relays to target, logging
// calls that did not end cleanly to logw.
func startProxy(target string, logw io.Writer) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	var h2c http.Protocols
	h2c.SetUnencryptedHTTP2(true)
	p := &proxy{target: target, ln: ln, tr: &http.Transport{Protocols: &h2c},
		log: log.New(logw, "", log.LstdFlags|log.Lmicroseconds)}
	p.srv = &http.Server{Handler: p, Protocols: &h2c, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// addr is the proxy's host:port, the worker's PUBSUB_EMULATOR_HOST.
func (p *proxy) addr() string { return p.ln.Addr().String() }

// close stops the proxy and every stream through it.
func (p *proxy) close() {
	_ = p.srv.Close()
	p.tr.CloseIdleConnections()
}

// ServeHTTP relays one call. The emulator's side runs on a context of its
// own, so the worker's death does not reset it: the worker's request body
// then ends with io.EOF (a half-close), and the emulator's answer is read
// to its end, or for drainWithin, into the void.
func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	out := r.Clone(ctx)
	out.URL.Scheme, out.URL.Host, out.Host, out.RequestURI = "http", p.target, p.target, ""
	out.Body = halfCloser{r.Body}
	resp, err := p.tr.RoundTrip(out)
	if err != nil {
		p.log.Printf("%s: %v", r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	if !relayBody(w, resp.Body) {
		// The worker is gone: let the emulator finish the stream it was
		// half-closed, but not forever.
		stop := time.AfterFunc(drainWithin, cancel)
		defer stop.Stop()
		n, err := io.Copy(io.Discard, resp.Body)
		p.log.Printf("%s: the worker's end is gone; half-closed, drained %d bytes (%v), trailer %v", r.URL.Path, n, err, resp.Trailer)
		return
	}
	for k, v := range resp.Trailer {
		w.Header()[http.TrailerPrefix+k] = v
	}
}

// relayBody copies body to w, flushing each piece (gRPC streams must not
// wait in a buffer). It reports false when w failed: the worker is gone.
func relayBody(w http.ResponseWriter, body io.Reader) bool {
	rc := http.NewResponseController(w)
	buf := make([]byte, 32<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return false
			}
			if rc.Flush() != nil {
				return false
			}
		}
		if err != nil {
			return true
		}
	}
}

// halfCloser ends a request body with io.EOF, whatever the error, so that
// the transport half-closes the emulator's stream instead of resetting it.
type halfCloser struct{ io.ReadCloser }

func (h halfCloser) Read(b []byte) (int, error) {
	n, err := h.ReadCloser.Read(b)
	if err != nil {
		err = io.EOF
	}
	return n, err
}
