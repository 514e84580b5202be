package dev.fermion.submit;

import static dev.fermion.submit.ArgoScript.NS;
import static dev.fermion.submit.ArgoScript.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fermion.compiler.ArgoCompiler;
import dev.fermion.compiler.CompiledWorkflow;
import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.compiler.fixtures.SamplePipelines;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ArgoClusterTest {
    /** Only a guard against a hung test; nothing waits for time to pass. */
    private static final long GUARD_SECONDS = 30;

    KubernetesMockServer server;
    KubernetesClient client;
    private ArgoScript argo;
    private ExecutorService executor;

    @BeforeEach
    void setUp() {
        argo = new ArgoScript(server);
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        argo.close();
    }

    private static CompiledWorkflow compile(WorkflowKind kind, String tag) {
        var pipeline = kind == WorkflowKind.WORKFLOW ? SamplePipelines.linearChain() : SamplePipelines.cron();
        return new ArgoCompiler(CompilerOptions.defaults().withNamespace(NS).withTag(tag))
                .compile(pipeline.plan(), kind, Map.of());
    }

    private static JsonNode yaml(String text) throws Exception {
        return new YAMLMapper().readTree(text);
    }

    @Test
    void submitCreatesTheCompiledWorkflowUnderAGeneratedName() throws Exception {
        CompiledWorkflow compiled = compile(WorkflowKind.WORKFLOW, "1.0");
        Submitted submitted = new ArgoCluster(client).submit(compiled, NS);

        assertThat(submitted.name()).startsWith("linear-chain-");
        assertThat(submitted.resourceKind()).isEqualTo("Workflow");
        JsonNode stored = new ObjectMapper().valueToTree(argo.workflow(submitted.name()));
        JsonNode expected = yaml(compiled.yaml());
        assertThat(stored.get("spec")).isEqualTo(expected.get("spec"));
        assertThat(stored.at("/metadata/labels")).isEqualTo(expected.at("/metadata/labels"));
        assertThat(stored.at("/metadata/annotations")).isEqualTo(expected.at("/metadata/annotations"));
        assertThat(stored.at("/metadata/generateName").asText()).isEqualTo("linear-chain-");
    }

    @Test
    void applyCreatesATemplateThenReplacesIt() throws Exception {
        ArgoCluster cluster = new ArgoCluster(client);
        Submitted first = cluster.apply(compile(WorkflowKind.TEMPLATE, "1.0"), NS);
        Submitted second = cluster.apply(compile(WorkflowKind.TEMPLATE, "2.0"), NS);
        Submitted cron = cluster.apply(compile(WorkflowKind.CRON, "2.0"), NS);

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(cron.resourceKind()).isEqualTo("CronWorkflow");
        GenericKubernetesResource template = client.genericKubernetesResources(ArgoTypes.TEMPLATES)
                .inNamespace(NS)
                .withName("nightly-retrain")
                .get();
        JsonNode spec = new ObjectMapper().valueToTree(template).get("spec");
        assertThat(spec)
                .isEqualTo(yaml(compile(WorkflowKind.TEMPLATE, "2.0").yaml()).get("spec"));
        assertThat(spec.toString()).contains("fermion-runtime:2.0").doesNotContain("fermion-runtime:1.0");
        assertThat(client.genericKubernetesResources(ArgoTypes.CRON_WORKFLOWS)
                        .inNamespace(NS)
                        .withName("nightly-retrain")
                        .get())
                .isNotNull();
    }

    @Test
    void submittingATemplateThatExistsIsAConflict() {
        ArgoCluster cluster = new ArgoCluster(client);
        cluster.submit(compile(WorkflowKind.TEMPLATE, "1.0"), NS);
        assertThatThrownBy(() -> cluster.submit(compile(WorkflowKind.TEMPLATE, "1.0"), NS))
                .isInstanceOfSatisfying(ClusterException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ClusterException.Reason.ALREADY_EXISTS);
                    assertThat(e.getMessage())
                            .contains("WorkflowTemplate named 'nightly-retrain' already exists in namespace test");
                });
    }

    @Test
    void submitFromTemplateRunsTheAppliedTemplateWithTheGivenArguments() {
        ArgoCluster cluster = new ArgoCluster(client);
        cluster.apply(compile(WorkflowKind.TEMPLATE, "1.0"), NS);

        Submitted submitted = cluster.submitFromTemplate(
                "nightly-retrain",
                NS,
                Map.of("source", "s3://data/other.csv"),
                Map.of(ArgoCompiler.PIPELINE_LABEL, "nightly-retrain"),
                "fermion");

        assertThat(submitted.resourceKind()).isEqualTo("Workflow");
        assertThat(submitted.name()).startsWith("nightly-retrain-");
        JsonNode stored = new ObjectMapper().valueToTree(argo.workflow(submitted.name()));
        assertThat(stored.at("/spec/workflowTemplateRef/name").asText()).isEqualTo("nightly-retrain");
        assertThat(stored.at("/spec/arguments/parameters")).hasSize(1);
        assertThat(stored.at("/spec/arguments/parameters/0/name").asText()).isEqualTo("source");
        assertThat(stored.at("/spec/arguments/parameters/0/value").asText()).isEqualTo("s3://data/other.csv");
        assertThat(stored.at("/spec/templates").isMissingNode())
                .as("the cluster's template runs, not a copy")
                .isTrue();
        assertThat(stored.at("/metadata/labels/" + ArgoCompiler.PIPELINE_LABEL.replace("/", "~1"))
                        .asText())
                .isEqualTo("nightly-retrain");
    }

    @Test
    void submitFromAMissingTemplateSaysHowToCreateIt() {
        assertThatThrownBy(() -> new ArgoCluster(client)
                        .submitFromTemplate("nightly-retrain", NS, Map.of(), Map.of(), "./fermion"))
                .isInstanceOfSatisfying(ClusterException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ClusterException.Reason.NOT_FOUND);
                    assertThat(e.getMessage())
                            .contains("no WorkflowTemplate named 'nightly-retrain' in namespace test")
                            .as("the command as its user typed it")
                            .contains("create it with './fermion templates apply nightly-retrain -n test'");
                });
    }

    @Test
    void triggerRunsTheCronWorkflowsSpecOnceOwnedAndLabelledByIt() {
        ArgoCluster cluster = new ArgoCluster(client);
        cluster.apply(compile(WorkflowKind.CRON, "1.0"), NS);
        GenericKubernetesResource cron = client.genericKubernetesResources(ArgoTypes.CRON_WORKFLOWS)
                .inNamespace(NS)
                .withName("nightly-retrain")
                .get();
        JsonNode cronSpec = new ObjectMapper().valueToTree(cron).get("spec");
        JsonNode parameters = cronSpec.at("/workflowSpec/arguments/parameters");
        assertThat(parameters).as("the sample cron pipeline has parameters").isNotEmpty();
        String name = parameters.get(0).path("name").asText();

        Submitted submitted = cluster.trigger("nightly-retrain", NS, Map.of(name, "given"), "fermion");

        JsonNode stored = new ObjectMapper().valueToTree(argo.workflow(submitted.name()));
        assertThat(stored.at("/spec/templates")).isEqualTo(cronSpec.at("/workflowSpec/templates"));
        assertThat(stored.at("/spec/arguments/parameters")).hasSize(parameters.size());
        assertThat(stored.at("/spec/arguments/parameters/0/value").asText()).isEqualTo("given");
        for (int i = 1; i < parameters.size(); i++) {
            assertThat(stored.at("/spec/arguments/parameters/" + i)).isEqualTo(parameters.get(i));
        }
        assertThat(stored.at("/metadata/labels/" + ArgoCluster.CRON_LABEL.replace("/", "~1"))
                        .asText())
                .isEqualTo("nightly-retrain");
        assertThat(stored.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("CronWorkflow");
        assertThat(stored.at("/metadata/ownerReferences/0/uid").asText())
                .isEqualTo(cron.getMetadata().getUid());
    }

    @Test
    void triggerRefusesAParameterTheCronWorkflowLacks() {
        ArgoCluster cluster = new ArgoCluster(client);
        cluster.apply(compile(WorkflowKind.CRON, "1.0"), NS);
        assertThatThrownBy(() -> cluster.trigger("nightly-retrain", NS, Map.of("no-such", "1"), "fermion"))
                .isInstanceOfSatisfying(ClusterException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ClusterException.Reason.REJECTED);
                    assertThat(e.getMessage()).contains("CronWorkflow 'nightly-retrain' has no parameter 'no-such'");
                });
        assertThat(client.genericKubernetesResources(ArgoTypes.WORKFLOWS)
                        .inNamespace(NS)
                        .list()
                        .getItems())
                .isEmpty();
    }

    /** Records what a watch reports, so the test can wait for each state before scripting the next. */
    static final class Recorder implements WorkflowListener {
        final BlockingQueue<WorkflowState> states = new LinkedBlockingQueue<>();
        final List<String> logs = new ArrayList<>();

        @Override
        public void changed(WorkflowState state) {
            states.add(state);
        }

        @Override
        public synchronized void log(String step, String line) {
            logs.add(step + ": " + line);
        }

        WorkflowState next() throws InterruptedException {
            WorkflowState state = states.poll(GUARD_SECONDS, TimeUnit.SECONDS);
            assertThat(state).as("a workflow state within the guard time").isNotNull();
            return state;
        }
    }

    @Test
    void watchReportsEachStateAndTheStepsLogsUntilTheWorkflowSucceeds() throws Exception {
        String name = new ArgoCluster(client)
                .submit(compile(WorkflowKind.WORKFLOW, "1.0"), NS)
                .name();
        Recorder recorder = new Recorder();
        Future<WorkflowState> end = executor.submit(() -> new ArgoCluster(client).watch(name, NS, null, recorder));

        assertThat(recorder.next().phase()).isEmpty();
        argo.pod(name, "prepare", "Running", "reading s3://data/iris.csv\nprepared 150 rows\n");
        argo.status(
                name,
                "Running",
                List.of(node(name, name, "DAG", "Running", null), node(name, "prepare", "Pod", "Running", null)));
        WorkflowState running = recorder.next();
        assertThat(running.phase()).isEqualTo("Running");
        assertThat(running.steps()).extracting(StepState::displayName).containsExactly("prepare");

        argo.pod(name, "train", "Succeeded", "epoch 1 loss 0.9\nepoch 2 loss 0.4\n");
        argo.status(
                name,
                "Running",
                List.of(
                        node(name, name, "DAG", "Running", null),
                        node(name, "prepare", "Pod", "Succeeded", null),
                        node(name, "train", "Pod", "Succeeded", null)));
        assertThat(recorder.next().steps()).extracting(StepState::phase).containsOnly("Succeeded");

        argo.status(
                name,
                "Succeeded",
                List.of(
                        node(name, name, "DAG", "Succeeded", null),
                        node(name, "prepare", "Pod", "Succeeded", null),
                        node(name, "train", "Pod", "Succeeded", null),
                        node(name, "evaluate", "Skipped", "Skipped", "when 'false' evaluated false")));
        WorkflowState last = end.get(GUARD_SECONDS, TimeUnit.SECONDS);

        assertThat(last.succeeded()).isTrue();
        assertThat(last.steps())
                .extracting(StepState::displayName)
                .containsExactlyInAnyOrder("prepare", "train", "evaluate");
        assertThat(recorder.logs)
                .containsSubsequence("prepare: reading s3://data/iris.csv", "prepare: prepared 150 rows")
                .containsSubsequence("train: epoch 1 loss 0.9", "train: epoch 2 loss 0.4");
    }

    @Test
    void watchEndsWithTheFailedState() throws Exception {
        String name = new ArgoCluster(client)
                .submit(compile(WorkflowKind.WORKFLOW, "1.0"), NS)
                .name();
        Recorder recorder = new Recorder();
        Future<WorkflowState> end = executor.submit(() -> new ArgoCluster(client).watch(name, NS, null, recorder));
        assertThat(recorder.next().phase()).isEmpty();

        argo.pod(name, "train", "Failed", "Traceback: out of memory\n");
        argo.status(
                name,
                "Failed",
                List.of(
                        node(name, name, "DAG", "Failed", null),
                        node(name, "train", "Pod", "Failed", "Error (exit code 137)")));
        WorkflowState last = end.get(GUARD_SECONDS, TimeUnit.SECONDS);

        assertThat(last.phase()).isEqualTo("Failed");
        assertThat(last.finished()).isTrue();
        assertThat(last.steps())
                .singleElement()
                .satisfies(s -> assertThat(s.message()).isEqualTo("Error (exit code 137)"));
        assertThat(recorder.logs).containsExactly("train: Traceback: out of memory");
    }

    /** Argo's emissary logs its own lines in the main container; a failed step's log shows only the step's. */
    @Test
    void theExecutorsOwnLinesAreLeftOutOfAStepsLog() throws Exception {
        String name = new ArgoCluster(client)
                .submit(compile(WorkflowKind.WORKFLOW, "1.0"), NS)
                .name();
        Recorder recorder = new Recorder();
        Future<WorkflowState> end = executor.submit(() -> new ArgoCluster(client).watch(name, NS, null, recorder));
        assertThat(recorder.next().phase()).isEmpty();

        argo.pod(name, "train", "Failed", """
                time=2026-12-05T08:33:24.026Z level=INFO msg="waiting for signals" argo=true signalPath=/var/run/argo/ctr/main/signal
                the flaky dependency is down
                time=2026-12-05T08:33:25.030Z level=INFO msg="sub-process exited" argo=true error="exit status 1"
                time=2026-12-05T08:33:25.031Z level=INFO msg="my own logfmt line" argo=truly
                """);
        argo.status(
                name,
                "Failed",
                List.of(
                        node(name, name, "DAG", "Failed", null),
                        node(name, "train", "Pod", "Failed", "Error (exit code 1)")));
        end.get(GUARD_SECONDS, TimeUnit.SECONDS);

        assertThat(recorder.logs)
                .containsExactly(
                        "train: the flaky dependency is down",
                        "train: time=2026-12-05T08:33:25.031Z level=INFO msg=\"my own logfmt line\" argo=truly");
    }

    @Test
    void statusAndLogsReadWhatTheClusterHolds() {
        ArgoCluster cluster = new ArgoCluster(client);
        String name = cluster.submit(compile(WorkflowKind.WORKFLOW, "1.0"), NS).name();
        argo.pod(name, "prepare", "Succeeded", "prepared 150 rows\n");
        argo.pod(name, "train", "Succeeded", "epoch 1\n");
        argo.status(
                name,
                "Succeeded",
                List.of(
                        node(name, name, "DAG", "Succeeded", null),
                        node(name, "prepare", "Pod", "Succeeded", null),
                        node(name, "train", "Pod", "Succeeded", null)));

        WorkflowState state = cluster.status(name, NS);
        assertThat(state.phase()).isEqualTo("Succeeded");
        assertThat(state.nodes()).hasSize(3);
        assertThat(state.steps()).hasSize(2);

        Recorder all = new Recorder();
        assertThat(cluster.logs(name, NS, null, all)).isEqualTo(2);
        assertThat(all.logs).containsExactlyInAnyOrder("prepare: prepared 150 rows", "train: epoch 1");
        Recorder one = new Recorder();
        assertThat(cluster.logs(name, NS, "train", one)).isEqualTo(1);
        assertThat(one.logs).containsExactly("train: epoch 1");
        assertThatThrownBy(() -> cluster.logs(name, NS, "deploy", new Recorder()))
                .hasMessageContaining("has no step 'deploy'")
                .hasMessageContaining("prepare");
    }

    /**
     * A cached and retried step runs in the compiler's memoized template: its attempts are shown and selected by
     * the step's name, and a cache hit (a DAG node with no pod) is a step too.
     */
    @Test
    void theAttemptsAndCacheHitsOfCachedRetriedStepsCarryTheStepsName() {
        ArgoCluster cluster = new ArgoCluster(client);
        String name = cluster.submit(compile(WorkflowKind.WORKFLOW, "1.0"), NS).name();
        String retried = "train." + ArgoCompiler.RETRIED_TASK + "(1)";
        argo.pod(name, retried, "Succeeded", "epoch 1\n");
        Map<String, Object> hit = node(name, "prepare", "DAG", "Succeeded", null);
        hit.put("memoizationStatus", Map.of("hit", true, "key", "abc", "cacheName", "fermion-cache"));
        Map<String, Object> attempt = node(name, retried, "Pod", "Succeeded", null);
        attempt.put("displayName", ArgoCompiler.RETRIED_TASK + "(1)");
        argo.status(
                name,
                "Succeeded",
                List.of(
                        node(name, name, "DAG", "Succeeded", null),
                        hit,
                        node(name, "train", "DAG", "Succeeded", null),
                        attempt));

        WorkflowState state = cluster.status(name, NS);

        assertThat(state.steps()).extracting(StepState::displayName).containsExactlyInAnyOrder("prepare", "train(1)");
        assertThat(state.steps())
                .filteredOn(StepState::cached)
                .extracting(StepState::displayName)
                .containsExactly("prepare");
        Recorder train = new Recorder();
        assertThat(cluster.logs(name, NS, "train", train)).isEqualTo(1);
        assertThat(train.logs).containsExactly("train(1): epoch 1");
    }

    @Test
    void aMissingWorkflowIsReportedByName() {
        assertThatThrownBy(() -> new ArgoCluster(client).status("nope", NS))
                .isInstanceOfSatisfying(ClusterException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ClusterException.Reason.NOT_FOUND);
                    assertThat(e.getMessage()).contains("no workflow named 'nope' in namespace test");
                });
    }
}
