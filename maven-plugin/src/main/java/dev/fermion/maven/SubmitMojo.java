package dev.fermion.maven;

import dev.fermion.compiler.CompiledWorkflow;
import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.dsl.Pipeline;
import dev.fermion.submit.ArgoCluster;
import dev.fermion.submit.ClusterException;
import dev.fermion.submit.Submitted;
import java.io.File;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Sends the project's pipelines to the cluster of the kubeconfig: a Workflow is created and starts to run;
 * a WorkflowTemplate or CronWorkflow is created, or updated when it exists.
 */
@Mojo(name = "submit", requiresDependencyResolution = ResolutionScope.RUNTIME, threadSafe = true)
public final class SubmitMojo extends PipelineMojo {
    /** workflow (runs now), template or cron. */
    @Parameter(property = "fermion.kind", defaultValue = "workflow")
    String kind;

    /** Kubeconfig to use; by default KUBECONFIG, else ~/.kube/config, else the pod's service account. */
    @Parameter(property = "fermion.kubeconfig")
    File kubeconfig;

    /** Kubeconfig context; by default its current context. */
    @Parameter(property = "fermion.context")
    String context;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping Fermion submit (fermion.skip)");
            return;
        }
        WorkflowKind chosen = kind(kind);
        withPipelines(found -> {
            try (ArgoCluster cluster = ArgoCluster.connect(kubeconfig == null ? null : kubeconfig.toPath(), context)) {
                String effectiveNamespace = cluster.namespace(namespace);
                CompilerOptions options = options(effectiveNamespace);
                for (Pipeline pipeline : found) {
                    CompiledWorkflow compiled = compile(pipeline, chosen, options);
                    Submitted sent = chosen == WorkflowKind.WORKFLOW
                            ? cluster.submit(compiled, effectiveNamespace)
                            : cluster.apply(compiled, effectiveNamespace);
                    getLog().info(sent.resourceKind() + " " + sent.name() + " "
                            + (chosen == WorkflowKind.WORKFLOW ? "submitted" : sent.created() ? "created" : "updated")
                            + " in namespace " + sent.namespace());
                }
            } catch (ClusterException e) {
                if (e.setupProblem()) {
                    throw new MojoFailureException(e.getMessage(), e);
                }
                throw new MojoExecutionException(e.getMessage(), e);
            }
        });
    }
}
