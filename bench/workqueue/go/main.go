// Command workqueue-bench runs the work queue shapes of `cargo xtask bench workqueue` on
// client-go's util/workqueue and prints one line per shape:
//
//	shape=<name> ops=<n> cpu_ns=<user+sys ns> allocs=<heap allocations>
//
// The shapes, item counts and key spellings match bench/workqueue/clientgo exactly.
// CPU time is the process's getrusage (user+sys, every thread, the garbage collector
// included); allocations are the runtime.MemStats Mallocs delta. Each shape runs once
// at a tenth of its size as a warm-up before the measured run.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"syscall"

	"k8s.io/client-go/util/workqueue"
)

const (
	hotKeys    = 10  // distinct keys of the hot-keys shape
	hotRepeats = 50  // adds of each hot key per burst
	benchKeys  = 100 // keys per round of client-go's BenchmarkQueue
	queueBatch = 1000
)

type sample struct {
	cpu    int64
	allocs uint64
}

func measureStart() sample {
	var ru syscall.Rusage
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return sample{cpu: ru.Utime.Nano() + ru.Stime.Nano(), allocs: ms.Mallocs}
}

func (s sample) since() sample {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return sample{cpu: ru.Utime.Nano() + ru.Stime.Nano() - s.cpu, allocs: ms.Mallocs - s.allocs}
}

// workers: a producer adds every key once while `workers` goroutines get and finish
// items; the producer then shuts the queue down and the workers drain it.
func workers(keys []string, workers int) sample {
	start := measureStart()
	q := workqueue.NewTypedWithConfig(workqueue.TypedQueueConfig[string]{})
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for {
				key, shutdown := q.Get()
				if shutdown {
					return
				}
				q.Done(key)
			}
		})
	}
	for _, key := range keys {
		q.Add(key)
	}
	q.ShutDown()
	wg.Wait()
	return start.since()
}

// hot: bursts of adds of a few keys, collapsed by the queue; each burst is processed
// twice (once queued, once re-queued because it was added again while processing), so
// both sides process exactly 2*hotKeys items per 2*hotKeys*hotRepeats adds.
func hot(keys []string, adds int) sample {
	q := workqueue.NewTypedWithConfig(workqueue.TypedQueueConfig[string]{})
	held := make([]string, 0, hotKeys)
	rounds := adds / (2 * hotKeys * hotRepeats)
	start := measureStart()
	for r := 0; r < rounds; r++ {
		for i := 0; i < hotRepeats; i++ {
			for _, key := range keys {
				q.Add(key)
			}
		}
		for range keys {
			key, _ := q.Get()
			held = append(held, key)
		}
		for i := 0; i < hotRepeats; i++ {
			for _, key := range keys {
				q.Add(key)
			}
		}
		for _, key := range held {
			q.Done(key)
		}
		held = held[:0]
		for range keys {
			key, _ := q.Get()
			q.Done(key)
		}
	}
	s := start.since()
	if q.Len() != 0 {
		panic("hot: items left")
	}
	return s
}

// benchmarkQueue: client-go's BenchmarkQueue: per round a new queue (built outside the
// measurement, like the benchmark's StopTimer) and 100 add/get/done of distinct keys.
func benchmarkQueue(keys []string, rounds int) sample {
	var total sample
	for done := 0; done < rounds; done += queueBatch {
		n := min(queueBatch, rounds-done)
		queues := make([]*workqueue.Typed[string], n)
		for i := range queues {
			queues[i] = workqueue.NewTypedWithConfig(workqueue.TypedQueueConfig[string]{})
		}
		start := measureStart()
		for _, q := range queues {
			for _, key := range keys {
				q.Add(key)
				got, _ := q.Get()
				q.Done(got)
			}
		}
		s := start.since()
		total.cpu += s.cpu
		total.allocs += s.allocs
	}
	return total
}

func report(shape string, ops int, s sample) {
	fmt.Printf("shape=%s ops=%d cpu_ns=%d allocs=%d\n", shape, ops, s.cpu, s.allocs)
}

func main() {
	n := 1_000_000
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil || v < 10*2*hotKeys*hotRepeats {
			fmt.Fprintln(os.Stderr, "usage: workqueue-bench [items (>= 10000)]")
			os.Exit(2)
		}
		n = v
	}
	distinct := make([]string, n)
	for i := range distinct {
		distinct[i] = fmt.Sprintf("default/pod-%d", i)
	}
	hotSet := distinct[:hotKeys]
	benchSet := make([]string, benchKeys)
	for i := range benchSet {
		benchSet[i] = fmt.Sprintf("key-%d", i)
	}
	for _, warm := range []bool{true, false} {
		size := n
		if warm {
			size = n / 10
		}
		a := workers(distinct[:size], 1)
		b := workers(distinct[:size], 4)
		c := hot(hotSet, size)
		d := benchmarkQueue(benchSet, size/benchKeys)
		if warm {
			continue
		}
		report("1-worker", size, a)
		report("4-workers", size, b)
		report("hot-keys", size/(2*hotKeys*hotRepeats)*(2*hotKeys*hotRepeats), c)
		report("benchmark-queue", size/benchKeys*benchKeys, d)
	}
}
