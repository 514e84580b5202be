package dev.fermion.deploy.kubernetes;

import dev.fermion.dsl.Dag;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.ResourceCommand;
import dev.fermion.dsl.ResourceComponent;
import dev.fermion.dsl.Step;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Applies one Kubernetes object from the workflow itself, as an Argo {@code resource} step, for pipelines
 * that deploy a model already published where the cluster reads it:
 *
 * <pre>{@code
 * ClusterSettings iris = new ClusterSettings("iris", "3", "models", image, "s3://models/iris/3", null,
 *         ClusterSettings.DEFAULT_STORAGE_INITIALIZER, 2, 6, "1", "2Gi", 0, 70, 0);
 * ApplyObject.steps(p, iris);
 * }</pre>
 *
 * The manifest is fixed when the pipeline is compiled, so the model URI must be too; to deploy the model a
 * run just trained, use the {@code Deploy} component, which builds the objects at run time. The workflow's
 * service account needs {@link KubernetesDeployment#deployerRbac}.
 */
public final class ApplyObject extends ResourceComponent {
    public static final Output<String> NAME = output("name", String.class);

    private final HasMetadata object;

    public ApplyObject(HasMetadata object) {
        this.object = Objects.requireNonNull(object, "object");
    }

    @Override
    protected ResourceCommand command() {
        ResourceCommand command = ResourceCommand.apply(Manifests.yaml(object)).output(NAME, "{.metadata.name}");
        // An updated Deployment keeps its old pods until new ones are ready, so one available pod means served.
        return object instanceof Deployment ? command.successWhen("status.availableReplicas > 0") : command;
    }

    /** One apply step per object of {@link KubernetesDeployment#manifests}, named {@code apply-<kind>}. */
    public static List<Step<ApplyObject>> steps(Dag dag, ClusterSettings settings) {
        List<Step<ApplyObject>> steps = new ArrayList<>();
        for (HasMetadata object : KubernetesDeployment.manifests(settings)) {
            steps.add(dag.step("apply-" + object.getKind().toLowerCase(Locale.ROOT), new ApplyObject(object)));
        }
        return steps;
    }
}
