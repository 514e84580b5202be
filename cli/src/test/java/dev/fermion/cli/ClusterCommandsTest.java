package dev.fermion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fermion.testfixtures.Kubeconfigs;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * submit, status, logs and templates against fabric8's mock API server in CRUD mode; the test plays Argo's
 * controller by writing the workflow's status and pods, waiting for the CLI's output before each next step.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterCommandsTest {
    private static final String NS = "test";
    private static final String TOKEN = "s3cr3t-bearer-token";
    /** Only a guard against a hung test; nothing waits for time to pass. */
    private static final long GUARD_SECONDS = 30;

    private static final ResourceDefinitionContext WORKFLOWS = argo("Workflow", "workflows");
    private static final ResourceDefinitionContext TEMPLATES = argo("WorkflowTemplate", "workflowtemplates");

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    private String kubeconfig;
    private ExecutorService executor;

    private static ResourceDefinitionContext argo(String kind, String plural) {
        return new ResourceDefinitionContext.Builder()
                .withGroup("argoproj.io")
                .withVersion("v1alpha1")
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build();
    }

    @BeforeEach
    void setUp() throws Exception {
        kubeconfig = kubeconfig(client.getMasterUrl().toString());
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    private String kubeconfig(String server) throws Exception {
        return Kubeconfigs.write(Files.createTempFile(dir, "kubeconfig", ""), server, NS, TOKEN)
                .toString();
    }

    private CliTest.Result fermion(String... args) {
        String[] all = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(args), java.util.stream.Stream.of("--kubeconfig", kubeconfig))
                .toArray(String[]::new);
        CliTest.Result result = CliTest.fermion(all);
        assertThat(result.out() + result.err()).doesNotContain(TOKEN);
        return result;
    }

    private GenericKubernetesResource workflow(String name) {
        return client.genericKubernetesResources(WORKFLOWS)
                .inNamespace(NS)
                .withName(name)
                .get();
    }

    private void status(String workflow, String phase, List<Map<String, Object>> nodes) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", phase);
        status.put("startedAt", "2026-01-01T10:00:00Z");
        if (!"Running".equals(phase)) {
            status.put("finishedAt", "2026-01-01T10:01:05Z");
        }
        Map<String, Object> byId = new LinkedHashMap<>();
        nodes.forEach(n -> byId.put((String) n.get("id"), n));
        status.put("nodes", byId);
        client.genericKubernetesResources(WORKFLOWS)
                .inNamespace(NS)
                .withName(workflow)
                .edit(w -> {
                    w.setAdditionalProperty("status", status);
                    return w;
                });
    }

    private static Map<String, Object> node(String workflow, String step, String type, String phase, String message) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", workflow + "-" + step);
        node.put("name", step.equals(workflow) ? workflow : workflow + "." + step);
        node.put("displayName", step);
        node.put("type", type);
        node.put("phase", phase);
        node.put("startedAt", "2026-01-01T10:00:05Z");
        if (!"Running".equals(phase)) {
            node.put("finishedAt", "2026-01-01T10:00:47Z");
        }
        if (message != null) {
            node.put("message", message);
        }
        return node;
    }

    private void pod(String workflow, String step, String phase, String log) {
        String pod = workflow + "-" + step + "-77";
        client.pods()
                .inNamespace(NS)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName(pod)
                        .withNamespace(NS)
                        .addToLabels("workflows.argoproj.io/workflow", workflow)
                        .addToAnnotations("workflows.argoproj.io/node-name", workflow + "." + step)
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("main")
                        .withImage("runtime")
                        .endContainer()
                        .endSpec()
                        .withNewStatus()
                        .withPhase(phase)
                        .addNewCondition()
                        .withType("Ready")
                        .withStatus("Running".equals(phase) ? "True" : "False")
                        .endCondition()
                        .endStatus()
                        .build())
                .create();
        String base = "/api/v1/namespaces/" + NS + "/pods/" + pod + "/log?pretty=false&container=main";
        server.expect().get().withPath(base).andReturn(200, log).always();
        server.expect()
                .get()
                .withPath(base + "&follow=true")
                .andReturn(200, log)
                .always();
    }

    /** Collects a command's output and lets the test wait until some text has appeared. */
    static final class Output extends Writer {
        private final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void write(char[] buffer, int offset, int length) {
            text.append(buffer, offset, length);
            notifyAll();
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        synchronized String awaitLine(String fragment) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
            while (true) {
                for (String line : text.toString().split("\n")) {
                    if (line.contains(fragment) && text.indexOf(line + "\n") >= 0) {
                        return line;
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                assertThat(left)
                        .as("output line containing '" + fragment + "' in:\n" + text)
                        .isPositive();
                wait(left);
            }
        }

        @Override
        public synchronized String toString() {
            return text.toString();
        }
    }

    private record Watched(Future<Integer> exit, Output out, StringWriter err) {}

    private Watched submitAndWatch() {
        Output out = new Output();
        StringWriter err = new StringWriter();
        CommandLine cli = FermionCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        Future<Integer> exit = executor.submit(() -> cli.execute(
                "submit",
                "squares",
                "--watch",
                "-p",
                "limit=5",
                "--kubeconfig",
                kubeconfig,
                "--argo-ui",
                "https://argo.example.com/",
                "--mlflow-ui",
                "http://admin:hunter2@mlflow.example.com:5000"));
        return new Watched(exit, out, err);
    }

    @Test
    void submitCreatesTheCompiledWorkflowAndPrintsItsName() throws Exception {
        CliTest.Result r = fermion("submit", "squares", "-p", "limit=5");

        assertThat(r.exit()).as(r.err()).isZero();
        String name = r.out().trim();
        assertThat(name).startsWith("squares-");
        assertThat(r.err()).contains("Submitted Workflow " + name + " in namespace test");
        CliTest.Result compiled = CliTest.fermion("compile", "squares", "-p", "limit=5", "--namespace", NS);
        JsonNode expected = new YAMLMapper().readTree(compiled.out());
        JsonNode stored = new ObjectMapper().valueToTree(workflow(name));
        assertThat(stored.get("spec")).isEqualTo(expected.get("spec"));
        assertThat(stored.at("/metadata/labels")).isEqualTo(expected.at("/metadata/labels"));
    }

    @Test
    void watchShowsStepsAndLogsThenLinksAndSucceeds() throws Exception {
        Watched run = submitAndWatch();
        String name = run.out().awaitLine("squares-").trim();

        status(name, "Running", List.of(node(name, name, "DAG", "Running", null)));
        run.out().awaitLine("Workflow " + name + " Running");
        pod(name, "sum", "Running", "summing 3 squares\ntotal 14\n");
        status(
                name,
                "Running",
                List.of(node(name, name, "DAG", "Running", null), node(name, "sum", "Pod", "Running", null)));
        assertThat(run.out().awaitLine("sum")).containsPattern("Running\\s+sum\\s+started 2026-01-01T10:00:05Z");
        run.out().awaitLine("[sum] total 14");
        status(
                name,
                "Succeeded",
                List.of(
                        node(name, name, "DAG", "Succeeded", null),
                        node(name, "sum", "Pod", "Succeeded", null),
                        node(name, "big", "Skipped", "Skipped", "when 'false' evaluated false")));

        assertThat(run.exit().get(GUARD_SECONDS, TimeUnit.SECONDS))
                .as(run.err().toString())
                .isZero();
        String out = run.out().toString();
        assertThat(out)
                .containsSubsequence(
                        "[sum] summing 3 squares",
                        "[sum] total 14",
                        "Succeeded  sum",
                        "2026-01-01T10:00:05Z -> 2026-01-01T10:00:47Z in",
                        "Workflow " + name + " Succeeded in 1m05s")
                .contains("Skipped    big")
                .contains("Argo UI:   https://argo.example.com/workflows/test/" + name)
                .contains("MLflow UI: http://mlflow.example.com:5000")
                .doesNotContain("hunter2");
    }

    @Test
    void aFailedWorkflowExitsOneAndNamesTheFailedStep() throws Exception {
        Watched run = submitAndWatch();
        String name = run.out().awaitLine("squares-").trim();

        pod(name, "sum", "Failed", "java.lang.ArithmeticException: overflow\n");
        status(
                name,
                "Failed",
                List.of(
                        node(name, name, "DAG", "Failed", "child failed"),
                        node(name, "sum", "Pod", "Failed", "Error (exit code 1)")));

        assertThat(run.exit().get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(FermionCli.FAILED);
        assertThat(run.out().toString())
                .contains("[sum] java.lang.ArithmeticException: overflow")
                .contains("Workflow " + name + " Failed");
        assertThat(run.err().toString())
                .contains("step 'sum' failed: Error (exit code 1)")
                .contains("fermion logs " + name + " -n test");
    }

    @Test
    void templatesApplyCreatesThenUpdates() {
        CliTest.Result first = fermion("templates", "apply", "squares", "--image-tag", "1.0");
        CliTest.Result second = fermion("templates", "apply", "squares", "--image-tag", "2.0");

        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo("WorkflowTemplate squares created in namespace test\n");
        assertThat(second.out()).isEqualTo("WorkflowTemplate squares updated in namespace test\n");
        GenericKubernetesResource stored = client.genericKubernetesResources(TEMPLATES)
                .inNamespace(NS)
                .withName("squares")
                .get();
        assertThat(new ObjectMapper().valueToTree(stored).get("spec").toString())
                .contains("fermion-runtime:2.0");
    }

    @Test
    void submitFromTemplateRunsTheAppliedTemplateWithTheGivenParameters() {
        assertThat(fermion("templates", "apply", "squares").exit()).isZero();

        CliTest.Result r = fermion("submit", "squares", "--from", "template", "-p", "limit=5");

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode stored = new ObjectMapper().valueToTree(workflow(r.out().trim()));
        assertThat(stored.at("/spec/workflowTemplateRef/name").asText()).isEqualTo("squares");
        assertThat(stored.at("/spec/arguments/parameters").size()).isEqualTo(1);
        assertThat(stored.at("/spec/arguments/parameters/0/name").asText()).isEqualTo("limit");
        assertThat(stored.at("/spec/arguments/parameters/0/value").asText()).isEqualTo("5");
        assertThat(stored.has("templates")).isFalse();
    }

    @Test
    void submitFromCronNeedsASchedule() {
        CliTest.Result r = fermion("submit", "squares", "--from", "cron");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("pipeline 'squares' has no schedule, so no CronWorkflow: use --from template");
    }

    @Test
    void statusPrintsJsonForScripts() throws Exception {
        String name = fermion("submit", "squares").out().trim();
        Map<String, Object> cacheHit = node(name, "sum", "Pod", "Succeeded", null);
        cacheHit.put("memoizationStatus", Map.of("hit", true, "key", "abc", "cacheName", "fermion-cache"));
        status(
                name,
                "Running",
                List.of(node(name, name, "DAG", "Running", null), cacheHit, node(name, "big", "Pod", "Running", null)));

        CliTest.Result r = fermion("status", name, "--json");

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("name").asText()).isEqualTo(name);
        assertThat(json.get("namespace").asText()).isEqualTo(NS);
        assertThat(json.get("phase").asText()).isEqualTo("Running");
        assertThat(json.get("steps")).hasSize(2);
        assertThat(json.at("/steps/0/step").asText()).isIn("sum", "big");
        assertThat(json.findValuesAsText("phase")).contains("Succeeded", "Running");
        assertThat(json.findValues("cached")).extracting(JsonNode::asBoolean).containsExactlyInAnyOrder(true, false);

        CliTest.Result text = fermion("status", name);
        assertThat(text.out()).contains("Phase     Running").containsPattern("Succeeded\\s+sum.*\\(cached\\)");
    }

    @Test
    void logsPrintsEachStepsMainContainer() {
        String name = fermion("submit", "squares").out().trim();
        pod(name, "sum", "Succeeded", "total 14\n");
        pod(name, "big", "Succeeded", "196\n");
        status(
                name,
                "Succeeded",
                List.of(
                        node(name, name, "DAG", "Succeeded", null),
                        node(name, "sum", "Pod", "Succeeded", null),
                        node(name, "big", "Pod", "Succeeded", null)));

        CliTest.Result all = fermion("logs", name);
        CliTest.Result one = fermion("logs", name, "--step", "big");
        CliTest.Result missing = fermion("logs", name, "--step", "deploy");

        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).contains("[sum] total 14\n").contains("[big] 196\n");
        assertThat(one.out()).isEqualTo("[big] 196\n");
        assertThat(missing.exit()).isEqualTo(FermionCli.USAGE);
        assertThat(missing.err()).contains("has no step 'deploy'");
    }

    @Test
    void theCompilersOwnTasksShowUnderTheStepTheyServe() {
        String name = fermion("submit", "squares").out().trim();
        pod(name, "sum--source(0)", "Succeeded", "digest 9f2c\n");
        pod(name, "sum(0)", "Succeeded", "total 14\n");
        status(
                name,
                "Succeeded",
                List.of(
                        node(name, name, "DAG", "Succeeded", null),
                        node(name, "sum--source(0)", "Pod", "Succeeded", null),
                        node(name, "sum(0)", "Pod", "Succeeded", null),
                        node(name, "fermion--finish-tracking", "Pod", "Succeeded", null)));

        CliTest.Result status = fermion("status", name);
        CliTest.Result logs = fermion("logs", name, "--step", "sum");

        assertThat(status.out())
                .containsPattern("Succeeded\\s+sum/source-digest\\(0\\) ")
                .containsPattern("Succeeded\\s+sum\\(0\\) ")
                .containsPattern("Succeeded\\s+fermion/finish-tracking ")
                .doesNotContain("--source", "fermion--");
        assertThat(logs.out()).contains("[sum/source-digest(0)] digest 9f2c\n").contains("[sum(0)] total 14\n");
    }

    @Test
    void logsFollowPrintsUntilTheWorkflowHasEnded() {
        String name = fermion("submit", "squares").out().trim();
        pod(name, "sum", "Succeeded", "total 14\n");
        status(
                name,
                "Failed",
                List.of(
                        node(name, name, "DAG", "Failed", null),
                        node(name, "sum", "Pod", "Failed", "Error (exit code 1)")));

        CliTest.Result r = fermion("logs", name, "--follow");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("[sum] total 14\n");
    }

    @Test
    void aTemplateNameTakenIsAUsageError() {
        assertThat(fermion("submit", "squares", "--kind", "template").exit()).isZero();
        CliTest.Result again = fermion("submit", "squares", "--kind", "template");

        assertThat(again.exit()).isEqualTo(FermionCli.USAGE);
        assertThat(again.err())
                .contains("WorkflowTemplate named 'squares' already exists in namespace test")
                .contains("fermion templates apply squares");
    }

    @Test
    void anUnreachableClusterIsAUsageError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        kubeconfig = kubeconfig("http://127.0.0.1:" + port);
        CliTest.Result r = fermion("submit", "squares");

        assertThat(r.exit()).isEqualTo(FermionCli.USAGE);
        assertThat(r.err()).startsWith("fermion: cannot reach the Kubernetes API server at http://127.0.0.1:" + port);
    }

    @ParameterizedTest
    @ValueSource(ints = {403, 404})
    void refusalsOfTheApiServerAreUsageErrors(int code) throws Exception {
        KubernetesMockServer refusing = new KubernetesMockServer(false);
        refusing.init();
        try {
            refusing.expect()
                    .post()
                    .withPath("/apis/argoproj.io/v1alpha1/namespaces/test/workflows")
                    .andReturn(
                            code,
                            new StatusBuilder()
                                    .withCode(code)
                                    .withStatus("Failure")
                                    .withMessage(code == 403 ? "workflows.argoproj.io is forbidden" : "not found")
                                    .build())
                    .once();
            kubeconfig = kubeconfig(refusing.url("/"));
            CliTest.Result r = fermion("submit", "squares");

            assertThat(r.exit()).isEqualTo(FermionCli.USAGE);
            assertThat(r.err())
                    .contains(
                            code == 403
                                    ? "not allowed to create workflows.argoproj.io in namespace test"
                                    : "Argo Workflows is not installed");
        } finally {
            refusing.destroy();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"submit", "status", "logs", "templates", "templates apply"})
    void clusterCommandsHaveHelp(String command) {
        CliTest.Result r = CliTest.fermion((command + " --help").split(" "));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: fermion " + command);
    }

    @Test
    void watchOnlyFollowsWorkflows() {
        CliTest.Result r = fermion("submit", "squares", "--kind", "template", "--watch");
        assertThat(r.exit()).isEqualTo(FermionCli.USAGE);
        assertThat(r.err()).contains("--watch follows a run");
    }
}
