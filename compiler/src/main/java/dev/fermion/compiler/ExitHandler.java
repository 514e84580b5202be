package dev.fermion.compiler;

import dev.fermion.compiler.argo.DagTask;
import dev.fermion.compiler.argo.DagTemplate;
import dev.fermion.compiler.argo.Template;
import dev.fermion.contract.CompilerTasks;
import dev.fermion.contract.LaunchSpec;
import dev.fermion.plan.Plan;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The workflow's exit handler: the plan's own exit graph, then the deletion of the Kubernetes objects its
 * resource steps created and, with MLflow tracking, the step ending the workflow's parent run. Argo runs one
 * exit template, so these share it; a plan without an exit graph gets one holding just them.
 */
final class ExitHandler {
    /** The launcher's finishing mode, {@code StepLauncher.FINISH_TRACKING} of the runtime image. */
    private static final String FINISH_TRACKING_FLAG = "--finish-tracking";

    private final Plan plan;
    private final TemplateNames names;
    private final CompilerOptions options;
    private final ResourceTemplates resources;

    /**
     * The exit handler's template name and template (both null when there is nothing to run on exit), and the
     * tracking finaliser's template (null without tracking).
     */
    record Assembled(String name, Template template, Template finaliser) {}

    ExitHandler(Plan plan, TemplateNames names, CompilerOptions options, ResourceTemplates resources) {
        this.plan = plan;
        this.names = names;
        this.options = options;
        this.resources = resources;
    }

    /**
     * Called once every graph is compiled, when the resource steps needing cleanup are all known.
     *
     * @param declared the plan's exit graph compiled, named {@code name}; both null when the plan has none
     */
    Assembled assemble(String name, Template declared) {
        List<DagTask> cleanups = new ArrayList<>(resources.cleanupTasks());
        Template finaliser = null;
        if (options.mlflow() != null) {
            finaliser = trackingFinaliser(names.claim("finish-tracking"));
            cleanups.add(new DagTask(CompilerTasks.FINISH_TRACKING, finaliser.name(), null, null, null, null, null));
        }
        if (cleanups.isEmpty()) {
            return new Assembled(name, declared, finaliser);
        }
        List<DagTask> tasks = new ArrayList<>();
        String exitName = name;
        if (declared == null) {
            exitName = names.claim("exit-handler");
        } else {
            tasks.addAll(declared.dag().tasks());
        }
        tasks.addAll(cleanups);
        Template exit = Template.dag(
                exitName,
                declared == null ? null : declared.inputs(),
                declared == null ? null : declared.outputs(),
                null,
                new DagTemplate(tasks));
        return new Assembled(exitName, exit, finaliser);
    }

    /**
     * The exit handler's step that ends the workflow's MLflow parent run: only the exit handler knows how
     * the whole workflow ended, and which steps its cache hits took from earlier workflows ({@link TrackedRuns}).
     * It runs the launcher of the runtime image in its finishing mode.
     */
    private Template trackingFinaliser(String name) {
        Container container = new ContainerBuilder()
                .withImage(options.image(false))
                .withCommand(LaunchSpec.COMMAND)
                .withArgs(finaliserArgs())
                .withEnv(options.mlflow().env(ArgoCompiler.experiment(plan)))
                .withSecurityContext(ContainerTemplates.containerSecurity())
                .build();
        return Template.container(name, null, container);
    }

    private List<String> finaliserArgs() {
        List<String> args = new ArrayList<>(List.of(FINISH_TRACKING_FLAG, plan.name(), "{{workflow.status}}"));
        args.addAll(TrackedRuns.finaliserArgs(plan));
        return args;
    }
}
