package dev.fermion.maven;

import dev.fermion.compiler.CompiledWorkflow;
import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.dsl.Pipeline;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Compiles the project's pipelines to Argo YAML: {@code <outputDirectory>/<pipeline>-<kind>.yaml} for each
 * pipeline and kind. A CronWorkflow is written only for pipelines that have a schedule.
 */
@Mojo(
        name = "compile",
        defaultPhase = LifecyclePhase.PACKAGE,
        requiresDependencyResolution = ResolutionScope.RUNTIME,
        threadSafe = true)
public final class CompileMojo extends PipelineMojo {
    /** workflow, template and/or cron; by default workflow. */
    @Parameter(property = "fermion.kinds")
    List<String> kinds;

    @Parameter(
            property = "fermion.outputDirectory",
            defaultValue = "${project.build.directory}/fermion",
            required = true)
    File outputDirectory;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping Fermion compile (fermion.skip)");
            return;
        }
        List<WorkflowKind> chosen = new ArrayList<>();
        for (String kind : kinds == null || kinds.isEmpty() ? List.of("workflow") : kinds) {
            chosen.add(kind(kind));
        }
        withPipelines(found -> {
            CompilerOptions options = options(namespace);
            for (Pipeline pipeline : found) {
                for (WorkflowKind kind : chosen) {
                    if (kind == WorkflowKind.CRON && pipeline.plan().schedule().isEmpty()) {
                        getLog().info("Pipeline " + pipeline.name() + " has no schedule: no CronWorkflow written");
                        continue;
                    }
                    write(compile(pipeline, kind, options));
                }
            }
        });
    }

    private void write(CompiledWorkflow compiled) throws MojoExecutionException {
        Path file = outputDirectory.toPath().resolve(compiled.name() + "-" + fileKind(compiled.kind()) + ".yaml");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, compiled.yaml(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot write " + file + ": " + e.getMessage(), e);
        }
        getLog().info(String.format(
                "Wrote %s (%,d bytes, %.1f%% of Argo's 1 MiB limit)",
                file, compiled.sizeBytes(), 100.0 * compiled.sizeBytes() / (1024 * 1024)));
    }
}
