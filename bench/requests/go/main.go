// Command requests-go is the client-go program of `cargo xtask bench requests`: typed
// GETs of ConfigMap bench/target and typed LISTs of the ConfigMaps labelled
// bench=small through a kubernetes.Clientset, built once, client-side rate limiting
// off (QPS -1). It prints one line per shape:
//
//	shape=<get|list> requests=<N> cpu_ns=<total> allocs=<total>
//
// requests-go json|protobuf [N] (KUBECONFIG names the cluster; json is client-go's
// default content type, protobuf sets ContentType and AcceptContentTypes as
// Kubernetes' own components do).
//
// For each shape the program sends 200 requests as a warm-up (then collects), then N
// more (default 2000) one after another. CPU time is the process's getrusage user+sys
// delta around those N (every thread, the garbage collector included), allocations the
// runtime.MemStats Mallocs delta. Every answer must hold what the driver seeded. The
// same measurement as bench/requests/harness, the Rust programs' side.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const (
	warmup          = 200  // requests before each measured loop
	defaultRequests = 2000 // requests in each measured loop
	targetKeys      = 2    // data keys of ConfigMap target
	smallConfigMaps = 10   // ConfigMaps labelled bench=small
)

// usage returns the process's CPU time (user + system, every thread) and its heap
// allocations so far.
func usage() (cpuNanos int64, mallocs uint64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fail(err)
	}
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return ru.Utime.Nano() + ru.Stime.Nano(), stats.Mallocs
}

// measure sends the warm-up requests of shape, then n more, and prints the result
// line; request sends one and returns what must equal items.
func measure(shape string, n, items int, request func() (int, error)) {
	send := func() {
		got, err := request()
		if err != nil {
			fail(fmt.Errorf("%s: %w", shape, err))
		}
		if got != items {
			fail(fmt.Errorf("%s: %d items, expected %d", shape, got, items))
		}
	}
	for i := 0; i < warmup; i++ {
		send()
	}
	runtime.GC()
	startCPU, startMallocs := usage()
	for i := 0; i < n; i++ {
		send()
	}
	cpu, mallocs := usage()
	fmt.Printf("shape=%s requests=%d cpu_ns=%d allocs=%d\n", shape, n, cpu-startCPU, mallocs-startMallocs)
}

func main() {
	n, err := defaultRequests, error(nil)
	if len(os.Args) == 3 {
		n, err = strconv.Atoi(os.Args[2])
	}
	if err != nil || n < 1 || len(os.Args) < 2 || len(os.Args) > 3 || (os.Args[1] != "json" && os.Args[1] != "protobuf") {
		fmt.Fprintln(os.Stderr, "usage: requests-go json|protobuf [N]")
		os.Exit(2)
	}
	config, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		fail(err)
	}
	config.QPS = -1
	if os.Args[1] == "protobuf" {
		config.ContentType = "application/vnd.kubernetes.protobuf"
		config.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	}
	clientset, err := kubernetes.NewForConfig(config)
	if err != nil {
		fail(err)
	}
	configMaps := clientset.CoreV1().ConfigMaps("bench")
	ctx := context.Background()
	measure("get", n, targetKeys, func() (int, error) {
		target, err := configMaps.Get(ctx, "target", metav1.GetOptions{})
		if err != nil {
			return 0, err
		}
		return len(target.Data), nil
	})
	measure("list", n, smallConfigMaps, func() (int, error) {
		list, err := configMaps.List(ctx, metav1.ListOptions{LabelSelector: "bench=small"})
		if err != nil {
			return 0, err
		}
		return len(list.Items), nil
	})
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "requests-go:", err)
	os.Exit(1)
}
