// Command fermion-kube is one multi-call binary holding etcd, the Kubernetes servers and kubectl, so that the
// packages they share compile and link once (as hyperkube and k3s do). It picks the program from the name it
// was called by (a symlink named kube-apiserver, ...) or else from its first argument:
//
//	fermion-kube kube-apiserver --etcd-servers=... ; ln -s fermion-kube kubectl && ./kubectl get nodes
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"
	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	_ "k8s.io/component-base/logs/json/register"          // the JSON log format, as each upstream main registers it
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics, as each upstream main registers them
	_ "k8s.io/component-base/metrics/prometheus/version"  // the version metric
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"

	_ "k8s.io/client-go/plugin/pkg/client/auth" // kubectl's auth plugins, as its upstream main has them
	_ "time/tzdata"                             // CronJob time zones, as in the upstream apiserver and controller-manager
)

// servers are the Kubernetes programs built from a cobra command, run through component-base's cli.Run.
var servers = map[string]func() *cobra.Command{
	"kube-apiserver":          apiserver.NewAPIServerCommand,
	"kube-controller-manager": controllermanager.NewControllerManagerCommand,
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	"kubelet":                 func() *cobra.Command { return kubelet.NewKubeletCommand(context.Background()) },
	"kube-proxy":              proxy.NewProxyCommand,
}

func main() {
	name, args := filepath.Base(os.Args[0]), os.Args[1:]
	if !known(name) && len(args) > 0 && known(args[0]) {
		name, args = args[0], args[1:]
	}
	// Every program parses os.Args itself (cobra, etcd's flag set): show it the arguments it was meant to see.
	os.Args = append([]string{name}, args...)
	switch name {
	case "etcd":
		etcdmain.Main(os.Args)
	case "kubectl":
		logs.GlogSetter(kubectl.GetLogVerbosity(os.Args)) //nolint:errcheck // as upstream kubectl does
		if err := cli.RunNoErrOutput(kubectl.NewDefaultKubectlCommand()); err != nil {
			kubectlutil.CheckErr(err)
		}
	default:
		command, ok := servers[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "fermion-kube: unknown program %q; call it as one of: %v\n", name, programs())
			os.Exit(2)
		}
		os.Exit(cli.Run(command()))
	}
}

func known(name string) bool {
	_, ok := servers[name]
	return ok || name == "etcd" || name == "kubectl"
}

func programs() []string {
	names := []string{"etcd", "kubectl"}
	for name := range servers {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
