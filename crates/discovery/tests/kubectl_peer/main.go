// Command kubectl_peer reads discovery the way kubectl does (cli-runtime's ConfigFlags:
// the disk cache under $KUBECACHEDIR, memory cache, live client) and prints, as JSON,
// how many HTTP requests that took and what it found. The discovery tests run it after
// the Rust client has filled the cache: zero requests means kubectl uses that cache as
// it is.
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sort"
	"sync/atomic"

	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/rest"
)

type counting struct {
	next     http.RoundTripper
	requests *atomic.Int64
	paths    *[]string
}

func (c counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.requests.Add(1)
	*c.paths = append(*c.paths, r.URL.Path)
	return c.next.RoundTrip(r)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kubectl_peer KUBECONFIG")
		os.Exit(2)
	}
	kubeconfig := os.Args[1]
	var requests atomic.Int64
	var paths []string
	flags := genericclioptions.NewConfigFlags(true)
	flags.KubeConfig = &kubeconfig
	flags.WrapConfigFn = func(config *rest.Config) *rest.Config {
		config.Wrap(func(next http.RoundTripper) http.RoundTripper {
			return counting{next: next, requests: &requests, paths: &paths}
		})
		return config
	}
	client, err := flags.ToDiscoveryClient()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_, lists, err := client.ServerGroupsAndResources()
	failed := ""
	if err != nil {
		failed = err.Error()
	}
	var groupVersions []string
	for _, list := range lists {
		groupVersions = append(groupVersions, list.GroupVersion)
	}
	sort.Strings(groupVersions)
	out, _ := json.Marshal(map[string]any{
		"requests":      requests.Load(),
		"paths":         paths,
		"fresh":         client.Fresh(),
		"groupVersions": groupVersions,
		"error":         failed,
	})
	fmt.Println(string(out))
}
