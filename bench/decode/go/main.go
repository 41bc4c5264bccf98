// Command decode-go is the client-go decoder of `cargo xtask bench decode`: it decodes
// the captured list of 10,000 Pods into a *corev1.PodList with client-go's own codecs
// (scheme.Codecs.UniversalDeserializer, which recognizes both JSON and the k8s\0
// protobuf envelope), and prints one line:
//
//	format=<format> bytes=<input bytes> items=<n> decodes=<R> cpu_ns_per_decode=<ns> allocs_per_decode=<n>
//
// decode-go --format json|protobuf [--decodes R] FILE
//
// The file is read into memory once and decoded once as a warm-up (followed by a
// collection); then the program decodes it R times (default 7). CPU time is the
// process's getrusage user+sys delta around the loop (every thread, the garbage
// collector included), allocations the runtime.MemStats Mallocs delta; both divided
// by R. Every decode must yield 10,000 items. The same measurement as
// bench/decode/harness, the Rust programs' side.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/scheme"
)

// items is what each decode must yield: the Pods `cargo xtask bench decode` seeds.
const items = 10000

// protobufMagic starts every Kubernetes protobuf body.
var protobufMagic = []byte("k8s\x00")

func cpuNs() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func mallocs() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Mallocs
}

func main() {
	format := flag.String("format", "", "json or protobuf")
	decodes := flag.Int("decodes", 7, "decodes in the measured loop")
	flag.Parse()
	if (*format != "json" && *format != "protobuf") || *decodes < 1 || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: decode-go --format json|protobuf [--decodes R] FILE")
		os.Exit(2)
	}
	data, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	// The deserializer picks the codec by content; make sure it is the one asked for.
	if bytes.HasPrefix(data, protobufMagic) != (*format == "protobuf") {
		fail(fmt.Errorf("%s is not %s", flag.Arg(0), *format))
	}
	decoder := scheme.Codecs.UniversalDeserializer()
	decode := func() int {
		object, _, err := decoder.Decode(data, nil, nil)
		if err != nil {
			fail(err)
		}
		list, ok := object.(*corev1.PodList)
		if !ok {
			fail(fmt.Errorf("decoded a %T, not a *v1.PodList", object))
		}
		if len(list.Items) != items {
			fail(fmt.Errorf("decoded %d items, expected %d", len(list.Items), items))
		}
		return len(list.Items)
	}
	decode()
	runtime.GC()
	startCPU, startMallocs := cpuNs(), mallocs()
	n := 0
	for i := 0; i < *decodes; i++ {
		n = decode()
	}
	cpu, allocs := cpuNs()-startCPU, mallocs()-startMallocs
	fmt.Printf("format=%s bytes=%d items=%d decodes=%d cpu_ns_per_decode=%.0f allocs_per_decode=%.1f\n",
		*format, len(data), n, *decodes, float64(cpu)/float64(*decodes), float64(allocs)/float64(*decodes))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "decode-go:", err)
	os.Exit(1)
}
