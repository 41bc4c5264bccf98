// A kubelet's streaming endpoint for exec, served by the kubelet's own streaming code
// (k8s.io/cri-streaming), with a fake container runtime: what the exec tests need
// that KWOK cannot give (KWOK reports a command's exit status as an internal error).
//
// It prints its address, then serves `/exec?command=...&stdin=true&...` until its
// stdin closes. Commands of the fake runtime:
//
//	exit N   writes "before\n" to stdout and exits with code N
//	cat      copies stdin to stdout
//	fail     fails to start (an error that is not an exit code)
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"
)

type runtime struct{}

func (runtime) ExecInContainer(_ context.Context, _, _, _ string, cmd []string, in io.Reader, out, _ io.WriteCloser, _ bool, _ <-chan remotecommand.TerminalSize, _ time.Duration) error {
	switch cmd[0] {
	case "exit":
		fmt.Fprintln(out, "before")
		code, _ := strconv.Atoi(cmd[1])
		if code == 0 {
			return nil
		}
		return utilexec.CodeExitError{Err: fmt.Errorf("exit status %d", code), Code: code}
	case "cat":
		_, err := io.Copy(out, in)
		return err
	default:
		return errors.New("executable file not found")
	}
}

func main() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(listener.Addr().String())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	// What a kubelet serves over SPDY (v5 exists only over WebSocket).
	protocols := remotecommand.SupportedStreamingProtocols
	_ = http.Serve(listener, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query := r.URL.Query()
		options := &remotecommand.Options{
			Stdin:  query.Get("stdin") == "true",
			Stdout: query.Get("stdout") == "true",
			Stderr: query.Get("stderr") == "true",
			TTY:    query.Get("tty") == "true",
		}
		remotecommand.ServeExec(w, r, runtime{}, "pod", "uid", "main", query["command"], options, time.Minute, 30*time.Second, protocols)
	}))
}
