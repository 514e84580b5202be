// Command workflow-controller runs Argo Workflows' controller as a host process of Fermion's e2e cluster, from a
// kubeconfig. Argo's own main is not importable (package main) and serves its health endpoint and pprof on every
// interface (":6060"); this one serves /healthz on the loopback address given by --healthz-address only, runs
// without leader election (one controller), and otherwise calls the same library entry points.
// argoexec, the other Argo program the cluster needs, is built unchanged from Argo's own cmd/argoexec.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	argo "github.com/argoproj/argo-workflows/v4"
	wfclientset "github.com/argoproj/argo-workflows/v4/pkg/client/clientset/versioned"
	cmdutil "github.com/argoproj/argo-workflows/v4/util/cmd"
	"github.com/argoproj/argo-workflows/v4/util/logging"
	"github.com/argoproj/argo-workflows/v4/util/logs"
	"github.com/argoproj/argo-workflows/v4/workflow/common"
	"github.com/argoproj/argo-workflows/v4/workflow/controller"
	"github.com/argoproj/argo-workflows/v4/workflow/metrics"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster (required)")
	namespace := flag.String("namespace", "argo", "namespace of the controller's configmap")
	configMap := flag.String("configmap", common.ConfigMapName, "name of the controller's configmap")
	executorImage := flag.String("executor-image", "", "argoexec image (overrides the configmap)")
	pullPolicy := flag.String("executor-image-pull-policy", "", "argoexec imagePullPolicy (overrides the configmap)")
	healthz := flag.String("healthz-address", "127.0.0.1:6060", "loopback address of /healthz")
	logLevel := flag.String("loglevel", "info", "debug|info|warn|error")
	glogLevel := flag.Int("gloglevel", 0, "klog level of the Kubernetes client; also passed to argoexec")
	flag.Parse()
	// klog's flags, which the controller reads back to give argoexec its --gloglevel
	cmdutil.SetGLogLevel(*glogLevel)
	if *kubeconfig == "" {
		fmt.Fprintln(os.Stderr, "workflow-controller: --kubeconfig is required")
		os.Exit(2)
	}
	if err := run(*kubeconfig, *namespace, *configMap, *executorImage, *pullPolicy, *healthz, *logLevel); err != nil {
		fmt.Fprintln(os.Stderr, "workflow-controller:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, namespace, configMap, executorImage, pullPolicy, healthz, logLevel string) error {
	level, err := logging.ParseLevel(logLevel)
	if err != nil {
		return err
	}
	logger := logging.NewSlogLogger(level, logging.Text)
	cmdutil.SetLogrusLevel(level) // argoproj/pkg logs with logrus
	cmdutil.SetLogrusFormatter(logging.Text)
	ctx, stop := signal.NotifyContext(logging.WithLogger(context.Background(), logger), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	config = rest.AddUserAgent(config, "argo-workflows/"+argo.GetVersion().Version+" argo-controller")
	config.QPS, config.Burst = 20, 30 // Argo's defaults
	logs.AddK8SLogTransportWrapper(ctx, config)
	metrics.AddMetricsTransportWrapper(ctx, config)
	kube, err := kubernetes.NewForConfig(config)
	if err != nil {
		return err
	}
	workflows, err := wfclientset.NewForConfig(config)
	if err != nil {
		return err
	}
	wfc, err := controller.NewWorkflowController(ctx, config, kube, workflows, namespace, "", executorImage, pullPolicy,
		string(logging.Text), configMap, false)
	if err != nil {
		return err
	}
	// Argo's default worker counts: workflows, TTL, pod clean-up, cron workflows, archive.
	go wfc.Run(ctx, 32, 4, 4, 8, 8)

	mux := http.NewServeMux()
	mux.Handle("/healthz", controller.LogMiddleware(logger, http.HandlerFunc(wfc.Healthz)))
	server := &http.Server{Addr: healthz, Handler: mux}
	go func() {
		<-ctx.Done()
		server.Close()
	}()
	if err := server.ListenAndServe(); err != http.ErrServerClosed {
		return err
	}
	return nil
}
