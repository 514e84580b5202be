package dev.fermion.maven;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.testfixtures.Kubeconfigs;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class SubmitMojoTest {
    private static final ResourceDefinitionContext TEMPLATES = new ResourceDefinitionContext.Builder()
            .withGroup("argoproj.io")
            .withVersion("v1alpha1")
            .withKind("WorkflowTemplate")
            .withPlural("workflowtemplates")
            .withNamespaced(true)
            .build();

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void appliesTheTemplateToTheKubeconfigsCluster(@TempDir Path dir) throws Exception {
        Path kubeconfig = Kubeconfigs.write(
                dir.resolve("kubeconfig"), client.getMasterUrl().toString(), "ml", "t");
        SubmitMojo mojo = new SubmitMojo();
        mojo.classesDirectory = dir.toFile();
        mojo.classpathElements = List.of();
        mojo.pipelines = List.of(Fixtures.Doubling.class.getName());
        mojo.kind = "template";
        mojo.kubeconfig = kubeconfig.toFile();

        mojo.execute();
        mojo.execute();

        GenericKubernetesResource template = client.genericKubernetesResources(TEMPLATES)
                .inNamespace("ml")
                .withName("doubling")
                .get();
        assertThat(template).isNotNull();
        assertThat(template.getMetadata().getLabels()).containsEntry("fermion.dev/pipeline", "doubling");
    }
}
