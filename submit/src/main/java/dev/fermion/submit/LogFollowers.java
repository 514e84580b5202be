package dev.fermion.submit;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One reader thread per pod, started once the pod runs, so long steps show their output as it comes. */
final class LogFollowers implements AutoCloseable {
    /** Log streams end when their containers do; this bounds the wait for a stream the server keeps open. */
    private static final long LOG_DRAIN_SECONDS = 30;

    private static final int LOG_ATTEMPTS = 2;

    private final ClusterCalls calls;
    private final PodLogs pods;
    private final String workflow;
    private final String ns;
    private final String step;
    private final WorkflowListener listener;
    private final Set<String> coveredNodes = new HashSet<>();
    private final List<Thread> readers = new ArrayList<>();
    private final Set<LogWatch> open = ConcurrentHashMap.newKeySet();

    LogFollowers(ClusterCalls calls, PodLogs pods, String workflow, String ns, String step, WorkflowListener listener) {
        this.calls = calls;
        this.pods = pods;
        this.workflow = workflow;
        this.ns = ns;
        this.step = step;
        this.listener = listener;
    }

    void follow(WorkflowState state) {
        List<StepState> started = state.nodes().stream()
                .filter(n -> n.isPod() && WorkflowStates.matches(n, step) && !coveredNodes.contains(n.name()))
                .filter(n -> n.phase() != null && !"Pending".equals(n.phase()))
                .toList();
        if (started.isEmpty()) {
            return;
        }
        Map<String, Pod> byNode = pods.byNode(workflow, ns);
        for (StepState node : started) {
            Pod pod = byNode.get(node.name());
            String phase = pod == null || pod.getStatus() == null
                    ? null
                    : pod.getStatus().getPhase();
            if (phase == null || "Pending".equals(phase)) {
                continue;
            }
            coveredNodes.add(node.name());
            String podName = pod.getMetadata().getName();
            boolean live = "Running".equals(phase);
            Thread reader = new Thread(() -> read(podName, node.label(), live), "fermion-log-" + podName);
            reader.setDaemon(true);
            readers.add(reader);
            reader.start();
        }
    }

    private void read(String pod, String stepName, boolean live) {
        var container = calls.client().pods().inNamespace(ns).withName(pod).inContainer(ArgoCluster.MAIN_CONTAINER);
        for (int attempt = 1; ; attempt++) {
            try {
                if (live) {
                    LogWatch logWatch = container.watchLog();
                    open.add(logWatch);
                    try {
                        PodLogs.emit(
                                new InputStreamReader(logWatch.getOutput(), StandardCharsets.UTF_8),
                                stepName,
                                listener);
                    } finally {
                        open.remove(logWatch);
                        logWatch.close();
                    }
                } else {
                    String log = container.getLog();
                    PodLogs.emit(new StringReader(log == null ? "" : log), stepName, listener);
                }
                return;
            } catch (KubernetesClientException e) {
                // the request failed before any line arrived (e.g. its pooled connection had been closed), so
                // asking again shows no line twice
                if (attempt < LOG_ATTEMPTS && e.getCode() < 100) {
                    continue;
                }
                listener.log(stepName, "(cannot read the log of pod " + pod + ": " + e.getMessage() + ")");
                return;
            }
        }
    }

    /** Lets every stream finish, since a step's last lines often say why it failed. */
    void drain() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOG_DRAIN_SECONDS);
        for (Thread reader : readers) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        open.forEach(LogWatch::close);
    }
}
