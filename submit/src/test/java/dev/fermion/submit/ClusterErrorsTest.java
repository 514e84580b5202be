package dev.fermion.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fermion.compiler.ArgoCompiler;
import dev.fermion.compiler.CompiledWorkflow;
import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.compiler.fixtures.SamplePipelines;
import dev.fermion.testfixtures.Kubeconfigs;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API server's refusals, scripted as expectations, each become one clear message. */
@EnableKubernetesMockClient
class ClusterErrorsTest {
    private static final String WORKFLOWS = "/apis/argoproj.io/v1alpha1/namespaces/test/workflows";

    KubernetesMockServer server;
    KubernetesClient client;

    private static CompiledWorkflow workflow() {
        return new ArgoCompiler(CompilerOptions.defaults().withNamespace("test"))
                .compile(SamplePipelines.linearChain().plan(), WorkflowKind.WORKFLOW, Map.of());
    }

    private static Object status(int code, String reason, String message) {
        return new StatusBuilder()
                .withCode(code)
                .withReason(reason)
                .withMessage(message)
                .withStatus("Failure")
                .build();
    }

    @Test
    void forbiddenNamesTheMissingPermission() {
        server.expect()
                .post()
                .withPath(WORKFLOWS)
                .andReturn(
                        403,
                        status(
                                403,
                                "Forbidden",
                                "workflows.argoproj.io is forbidden: User \"ci\" cannot create resource \"workflows\""))
                .once();
        assertThatThrownBy(() -> new ArgoCluster(client).submit(workflow(), "test"))
                .isInstanceOfSatisfying(ClusterException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ClusterException.Reason.FORBIDDEN);
                    assertThat(e.getMessage())
                            .contains("not allowed to create workflows.argoproj.io in namespace test")
                            .contains("User \"ci\" cannot create");
                });
    }

    @Test
    void aClusterWithoutArgoSaysToInstallIt() {
        server.expect()
                .post()
                .withPath(WORKFLOWS)
                .andReturn(404, status(404, "NotFound", "the server could not find the requested resource"))
                .once();
        assertThatThrownBy(() -> new ArgoCluster(client).submit(workflow(), "test"))
                .isInstanceOfSatisfying(ClusterException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ClusterException.Reason.ARGO_MISSING);
                    assertThat(e.getMessage())
                            .contains("has no workflows.argoproj.io resource")
                            .contains("Argo Workflows is not installed");
                });
    }

    @Test
    void statusOnAClusterWithoutArgoIsNotAMissingWorkflow() {
        server.expect()
                .get()
                .withPath(WORKFLOWS + "?limit=1")
                .andReturn(404, status(404, "NotFound", "the server could not find the requested resource"))
                .once();
        assertThatThrownBy(() -> new ArgoCluster(client).status("iris-x", "test"))
                .isInstanceOfSatisfying(
                        ClusterException.class,
                        e -> assertThat(e.reason()).isEqualTo(ClusterException.Reason.ARGO_MISSING));
    }

    @Test
    void anUnreachableClusterIsReportedWithItsAddressAndNoCredentials(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path kubeconfig = Kubeconfigs.write(dir.resolve("config"), "http://127.0.0.1:" + port, "test", "s3cr3t-token");
        try (ArgoCluster cluster = ArgoCluster.connect(kubeconfig, null)) {
            assertThat(cluster.namespace(null)).isEqualTo("test");
            assertThatThrownBy(() -> cluster.submit(workflow(), null))
                    .isInstanceOfSatisfying(ClusterException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ClusterException.Reason.UNREACHABLE);
                        assertThat(e.getMessage())
                                .contains("cannot reach the Kubernetes API server at http://127.0.0.1:" + port)
                                .doesNotContain("s3cr3t-token");
                    });
        }
    }

    @Test
    void aMissingKubeconfigIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> ArgoCluster.connect(dir.resolve("absent"), null))
                .isInstanceOfSatisfying(
                        ClusterException.class, e -> assertThat(e.getMessage()).contains("does not exist"));
    }
}
