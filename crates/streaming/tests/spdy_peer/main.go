// Command spdy_peer is the Go side of the SPDY/3.1 tests: an HTTP server that upgrades
// requests to SPDY/3.1 exactly as the kubelet and the API server do
// (k8s.io/streaming/pkg/httpstream/spdy), and serves each stream the client opens with
// the behaviour its "mode" header names.
//
// Usage:
//
//	spdy_peer serve        listen on 127.0.0.1:0 and print the address on stdout
//	spdy_peer frames       print hex dumps of frames written by spdystream's framer
//
// Paths served:
//
//	/       k8s.io/streaming's ResponseUpgrader (what the kubelet runs)
//	/raw    spdystream directly, so that a stream can ask the server to ping the
//	        client, and replies carry headers
//
// Modes (header "mode"):
//
//	echo            copy everything read back to the stream, then FIN
//	count           read to EOF, then write "<bytes> <sha256 hex>" and FIN
//	source          write "size" bytes (header) of the test pattern, then FIN
//	half-close      read to EOF, then write "saw EOF after <n> bytes" and FIN
//	headers         write the request headers ("name=value" lines, sorted), then FIN
//	reset           reset the stream once the reply is out
//	write-reset     write "before reset", then reset the stream
//	close-conn      write "closing", then close the SPDY connection (RST + GOAWAY)
//	drop-conn       write "dropping", then close the TCP connection abruptly
//	hold            reply and do nothing more
//	ping            (/raw only) ping the client, write "pong" or the error, then FIN
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/spdystream"
	spdyframing "github.com/moby/spdystream/spdy"
	"k8s.io/streaming/pkg/httpstream"
	"k8s.io/streaming/pkg/httpstream/spdy"
)

type rawConnKey struct{}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: spdy_peer serve|frames")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "serve":
		serve()
	case "frames":
		frames()
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
}

// pattern is the test byte pattern: byte i of a stream is pattern(i).
func pattern(i uint64) byte {
	x := i * 0x9E3779B97F4A7C15
	return byte(x >> 56)
}

func serve() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", upgraded)
	mux.HandleFunc("/raw", raw)
	server := &http.Server{
		Handler: mux,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, rawConnKey{}, c)
		},
	}
	fmt.Println(listener.Addr().String())
	// The test closes stdin (or dies) when it is done: exit then.
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	if err := server.Serve(listener); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// upgraded serves a connection the way the kubelet does.
func upgraded(w http.ResponseWriter, req *http.Request) {
	rawConn, _ := req.Context().Value(rawConnKey{}).(net.Conn)
	var (
		mu   sync.Mutex
		conn httpstream.Connection
	)
	ready := make(chan struct{})
	getConn := func() httpstream.Connection {
		<-ready
		mu.Lock()
		defer mu.Unlock()
		return conn
	}
	handler := func(stream httpstream.Stream, replySent <-chan struct{}) error {
		go func() {
			<-replySent
			serveStream(stream, stream.Headers(), func() { _ = getConn().Close() }, func() {
				if rawConn != nil {
					_ = rawConn.Close()
				}
			}, nil)
		}()
		return nil
	}
	c := spdy.NewResponseUpgrader().UpgradeResponse(w, req, handler)
	if c == nil {
		return
	}
	mu.Lock()
	conn = c
	mu.Unlock()
	close(ready)
	<-c.CloseChan()
}

// raw serves a connection with spdystream directly.
func raw(w http.ResponseWriter, req *http.Request) {
	if !strings.Contains(strings.ToLower(req.Header.Get("Connection")), "upgrade") ||
		!strings.EqualFold(req.Header.Get("Upgrade"), "SPDY/3.1") {
		http.Error(w, "missing upgrade headers", http.StatusBadRequest)
		return
	}
	w.Header().Add("Connection", "Upgrade")
	w.Header().Add("Upgrade", "SPDY/3.1")
	w.WriteHeader(http.StatusSwitchingProtocols)
	netConn, bufrw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	conn, err := spdystream.NewConnection(&bufferedConn{Conn: netConn, r: bufrw.Reader}, true)
	if err != nil {
		_ = netConn.Close()
		return
	}
	conn.Serve(func(stream *spdystream.Stream) {
		reply := http.Header{}
		reply.Set("x-stream-id", strconv.Itoa(int(stream.Identifier())))
		reply.Add("x-multi", "one")
		reply.Add("x-multi", "two")
		if err := stream.SendReply(reply, false); err != nil {
			return
		}
		go serveStream(stream, stream.Headers(), func() { _ = conn.Close() }, func() { _ = netConn.Close() },
			func() (time.Duration, error) { return conn.Ping() })
	})
}

type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

type peerStream interface {
	io.ReadWriteCloser
	Reset() error
}

func serveStream(stream peerStream, headers http.Header, closeConn, dropConn func(), ping func() (time.Duration, error)) {
	switch mode := headers.Get("mode"); mode {
	case "echo":
		_, _ = io.Copy(stream, stream)
		_ = stream.Close()
	case "count":
		hash := sha256.New()
		n, err := io.Copy(hash, stream)
		if err != nil {
			fmt.Fprintf(stream, "error: %v", err)
		} else {
			fmt.Fprintf(stream, "%d %s", n, hex.EncodeToString(hash.Sum(nil)))
		}
		_ = stream.Close()
	case "source":
		size, _ := strconv.ParseUint(headers.Get("size"), 10, 64)
		buf := make([]byte, 32*1024)
		for offset := uint64(0); offset < size; {
			chunk := buf
			if rest := size - offset; rest < uint64(len(chunk)) {
				chunk = chunk[:rest]
			}
			for i := range chunk {
				chunk[i] = pattern(offset + uint64(i))
			}
			if _, err := stream.Write(chunk); err != nil {
				return
			}
			offset += uint64(len(chunk))
		}
		_ = stream.Close()
	case "half-close":
		n, err := io.Copy(io.Discard, stream)
		if err != nil {
			fmt.Fprintf(stream, "error: %v", err)
		} else {
			fmt.Fprintf(stream, "saw EOF after %d bytes", n)
		}
		_ = stream.Close()
	case "headers":
		var lines []string
		for name, values := range headers {
			for _, v := range values {
				lines = append(lines, strings.ToLower(name)+"="+v)
			}
		}
		sort.Strings(lines)
		_, _ = io.WriteString(stream, strings.Join(lines, "\n"))
		_ = stream.Close()
	case "reset":
		_ = stream.Reset()
	case "write-reset":
		_, _ = io.WriteString(stream, "before reset")
		time.Sleep(50 * time.Millisecond)
		_ = stream.Reset()
	case "close-conn":
		_, _ = io.WriteString(stream, "closing")
		time.Sleep(50 * time.Millisecond)
		closeConn()
	case "drop-conn":
		_, _ = io.WriteString(stream, "dropping")
		time.Sleep(50 * time.Millisecond)
		dropConn()
	case "hold":
	case "ping":
		if ping == nil {
			_, _ = io.WriteString(stream, "error: no ping on this path")
			_ = stream.Close()
			return
		}
		result := make(chan error, 1)
		go func() {
			_, err := ping()
			result <- err
		}()
		select {
		case err := <-result:
			if err != nil {
				fmt.Fprintf(stream, "error: %v", err)
			} else {
				_, _ = io.WriteString(stream, "pong")
			}
		case <-time.After(10 * time.Second):
			_, _ = io.WriteString(stream, "error: no pong within 10s")
		}
		_ = stream.Close()
	default:
		fmt.Fprintf(stream, "error: unknown mode %q", mode)
		_ = stream.Close()
	}
}

// frames prints frames as spdystream's framer writes them, one per line:
// "<name> <hex>". The frames share one header compression context, in order.
func frames() {
	var out bytes.Buffer
	framer, err := spdyframing.NewFramer(&out, &out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	emit := func(name string, frame spdyframing.Frame) {
		out.Reset()
		if err := framer.WriteFrame(frame); err != nil {
			fmt.Fprintln(os.Stderr, name, err)
			os.Exit(1)
		}
		fmt.Printf("%s %s\n", name, hex.EncodeToString(out.Bytes()))
	}
	emit("syn_stream_1", &spdyframing.SynStreamFrame{
		StreamId: 1,
		Headers:  http.Header{"streamtype": {"error"}},
	})
	emit("syn_stream_3", &spdyframing.SynStreamFrame{
		StreamId: 3,
		CFHeader: spdyframing.ControlFrameHeader{Flags: spdyframing.ControlFlagFin},
		Headers:  http.Header{"streamtype": {"stdout"}},
	})
	emit("syn_reply_1", &spdyframing.SynReplyFrame{
		StreamId: 1,
		Headers:  http.Header{},
	})
	emit("syn_reply_3", &spdyframing.SynReplyFrame{
		StreamId: 3,
		Headers:  http.Header{"x-multi": {"one", "two"}},
	})
	emit("headers_3", &spdyframing.HeadersFrame{
		StreamId: 3,
		Headers:  http.Header{"port": {"8080"}},
	})
	emit("rst_stream", &spdyframing.RstStreamFrame{StreamId: 5, Status: spdyframing.RefusedStream})
	emit("settings", &spdyframing.SettingsFrame{FlagIdValues: []spdyframing.SettingsFlagIdValue{
		{Flag: spdyframing.FlagSettingsPersistValue, Id: spdyframing.SettingsInitialWindowSize, Value: 65536},
		{Id: spdyframing.SettingsMaxConcurrentStreams, Value: 100},
	}})
	emit("ping", &spdyframing.PingFrame{Id: 7})
	emit("goaway", &spdyframing.GoAwayFrame{LastGoodStreamId: 9, Status: spdyframing.GoAwayInternalError})
	emit("window_update", &spdyframing.WindowUpdateFrame{StreamId: 3, DeltaWindowSize: 4096})
	emit("data", &spdyframing.DataFrame{StreamId: 3, Flags: spdyframing.DataFlagFin, Data: []byte("hello")})
}
