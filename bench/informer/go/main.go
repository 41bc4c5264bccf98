// The client-go peer of `cargo xtask bench informer`: syncs a SharedIndexInformer on the
// `bench` namespace's ConfigMaps or Pods, prints the live heap per cached object and the
// CPU the sync took, then counts update events until the driver's updates arrived and
// prints the CPU per event.
//
// informer-go <configmaps|pods> <keep|drop> <updates> <json|protobuf> (managedFields
// kept or dropped by a transform; the encoding asked of the server), with KUBECONFIG
// naming the cluster.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
)

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return stats.HeapAlloc
}

// cpuNanos is the CPU time of the process so far (user + system, every thread).
func cpuNanos() int64 {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		panic(err)
	}
	return usage.Utime.Nano() + usage.Stime.Nano()
}

func main() {
	if len(os.Args) != 5 || (os.Args[4] != "json" && os.Args[4] != "protobuf") {
		fmt.Fprintln(os.Stderr, "usage: informer-go <configmaps|pods> <keep|drop> <updates> <json|protobuf>")
		os.Exit(2)
	}
	kind, keep := os.Args[1], os.Args[2] == "keep"
	updates, err := strconv.Atoi(os.Args[3])
	if err != nil {
		panic(err)
	}
	config, err := clientcmd.BuildConfigFromFlags("", os.Getenv("KUBECONFIG"))
	if err != nil {
		panic(err)
	}
	if os.Args[4] == "protobuf" {
		// What Kubernetes' own components set.
		config.ContentType = "application/vnd.kubernetes.protobuf"
		config.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	}
	clientset := kubernetes.NewForConfigOrDie(config)
	baseline := liveHeap()
	syncCPU := cpuNanos()
	started := time.Now()

	factory := informers.NewSharedInformerFactoryWithOptions(clientset, 0, informers.WithNamespace("bench"))
	var resource schema.GroupVersionResource
	switch kind {
	case "configmaps":
		resource = corev1.SchemeGroupVersion.WithResource("configmaps")
	case "pods":
		resource = corev1.SchemeGroupVersion.WithResource("pods")
	default:
		panic("unknown kind " + kind)
	}
	generic, err := factory.ForResource(resource)
	if err != nil {
		panic(err)
	}
	informer := generic.Informer()
	if !keep {
		if err := informer.SetTransform(func(object interface{}) (interface{}, error) {
			if accessor, err := meta.Accessor(object); err == nil {
				accessor.SetManagedFields(nil)
			}
			return object, nil
		}); err != nil {
			panic(err)
		}
	}
	var seen atomic.Int64
	var first time.Time
	var firstOnce sync.Once
	registration, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		UpdateFunc: func(_, _ interface{}) {
			firstOnce.Do(func() { first = time.Now() })
			seen.Add(1)
		},
	})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	factory.Start(ctx.Done())
	for !registration.HasSynced() {
		time.Sleep(10 * time.Millisecond)
	}
	syncSeconds := time.Since(started).Seconds()
	syncCPUMillis := float64(cpuNanos()-syncCPU) / 1e6
	time.Sleep(time.Second)
	objects := len(informer.GetStore().ListKeys())
	if objects == 0 {
		objects = 1
	}
	bytes := int64(liveHeap()) - int64(baseline)
	fmt.Printf("synced objects=%d bytes_per_object=%d sync_seconds=%.2f sync_cpu_ms=%.0f\n", objects, bytes/int64(objects), syncSeconds, syncCPUMillis)
	eventsCPU := cpuNanos()
	fmt.Println("ready")
	for seen.Load() < int64(updates) {
		time.Sleep(5 * time.Millisecond)
	}
	cpuMicrosPerEvent := float64(cpuNanos()-eventsCPU) / 1e3 / float64(updates)
	fmt.Printf("events count=%d seconds=%.3f cpu_us_per_event=%.1f\n", updates, time.Since(first).Seconds(), cpuMicrosPerEvent)
}
