package dev.fermion.maven;

import dev.fermion.compiler.ArgoCompiler;
import dev.fermion.compiler.CompiledWorkflow;
import dev.fermion.compiler.CompilerOptions;
import dev.fermion.compiler.WorkflowKind;
import dev.fermion.compiler.WorkflowTooLargeException;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.PipelineCatalog;
import dev.fermion.dsl.PipelineDefinitionException;
import dev.fermion.dsl.PipelineLookupException;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/** What the goals share: the project's pipelines, found on its compiled classes, and how to compile them. */
abstract class PipelineMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project.build.outputDirectory}", readonly = true, required = true)
    File classesDirectory;

    @Parameter(defaultValue = "${project.runtimeClasspathElements}", readonly = true, required = true)
    List<String> classpathElements;

    /** Pipeline names or defining classes; by default every pipeline the project registers ({@code @FermionPipeline} or META-INF/services). */
    @Parameter(property = "fermion.pipelines")
    List<String> pipelines;

    /** Registry of the runtime images, e.g. {@code registry.example.com/ml}. */
    @Parameter(property = "fermion.imageRegistry")
    String imageRegistry;

    /** Tag of the runtime images; by default the Fermion version. */
    @Parameter(property = "fermion.imageTag")
    String imageTag;

    /**
     * The project's own runtime image, built on Fermion's by the image goal: Java steps run it, so pods find the
     * project's components. Without it they run Fermion's runtime image, which lacks the project's classes.
     */
    @Parameter(property = "fermion.runtimeImage")
    String runtimeImage;

    /** Namespace written into the resources. */
    @Parameter(property = "fermion.namespace")
    String namespace;

    /** Values of pipeline parameters, by name; each goes to the pipelines that declare it. */
    @Parameter
    Map<String, String> params;

    @Parameter(property = "fermion.skip", defaultValue = "false")
    boolean skip;

    /** The task of a goal, given the project's pipelines. */
    interface Work {
        void run(List<Pipeline> found) throws MojoExecutionException, MojoFailureException;
    }

    /**
     * Runs {@code work} with the project's classes loadable, as the pipelines' code may load its own
     * resources through the context class loader.
     */
    void withPipelines(Work work) throws MojoExecutionException, MojoFailureException {
        List<URL> urls = new ArrayList<>();
        try {
            urls.add(classesDirectory.toURI().toURL());
            for (String element : classpathElements == null ? List.<String>of() : classpathElements) {
                urls.add(new File(element).toURI().toURL());
            }
        } catch (MalformedURLException e) {
            throw new MojoExecutionException("unusable classpath entry: " + e.getMessage(), e);
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // the plugin's own Fermion classes come first, so the project's pipelines share their types
        try (URLClassLoader loader =
                new URLClassLoader(urls.toArray(URL[]::new), getClass().getClassLoader())) {
            thread.setContextClassLoader(loader);
            PipelineCatalog catalog = new PipelineCatalog(loader);
            List<Pipeline> found = new ArrayList<>();
            try {
                if (pipelines == null || pipelines.isEmpty()) {
                    for (PipelineCatalog.Entry entry : catalog.list()) {
                        if (entry.broken()) {
                            // Every pipeline of the project is compiled, so a broken one fails the build.
                            throw new MojoFailureException(
                                    entry.className() + ": " + entry.error().getMessage(), entry.error());
                        }
                        found.add(entry.pipeline());
                    }
                } else {
                    for (String reference : pipelines) {
                        found.add(catalog.find(reference));
                    }
                }
            } catch (PipelineLookupException | PipelineDefinitionException e) {
                throw new MojoFailureException(e.getMessage(), e);
            }
            requireKnownParams(found);
            if (found.isEmpty()) {
                getLog().warn("No pipelines found in " + classesDirectory
                        + ": annotate them with @FermionPipeline, list "
                        + "your PipelineSource classes in META-INF/services/dev.fermion.dsl.PipelineSource, or name them "
                        + "in <pipelines>");
            }
            work.run(found);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot close the project's class loader: " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** A parameter no pipeline declares is a typo; left alone it would silently change nothing. */
    private void requireKnownParams(List<Pipeline> found) throws MojoFailureException {
        Set<String> unknown = new TreeSet<>(params == null ? Set.of() : params.keySet());
        found.forEach(p -> p.plan().params().forEach(spec -> unknown.remove(spec.name())));
        if (!unknown.isEmpty()) {
            throw new MojoFailureException("no pipeline has the parameter" + (unknown.size() > 1 ? "s " : " ") + unknown
                    + " given in <params>; the pipelines' parameters are "
                    + found.stream()
                            .flatMap(p -> p.plan().params().stream().map(spec -> p.name() + "." + spec.name()))
                            .toList());
        }
    }

    CompilerOptions options(String effectiveNamespace) {
        CompilerOptions options = CompilerOptions.defaults().withNamespace(effectiveNamespace);
        if (imageRegistry != null) {
            options = options.withRegistry(imageRegistry);
        }
        if (imageTag != null) {
            options = options.withTag(imageTag);
        }
        return runtimeImage == null || runtimeImage.isBlank() ? options : options.withRuntimeImage(runtimeImage);
    }

    CompiledWorkflow compile(Pipeline pipeline, WorkflowKind kind, CompilerOptions options)
            throws MojoFailureException {
        try {
            Map<String, String> own = new LinkedHashMap<>();
            pipeline.plan().params().forEach(spec -> {
                if (params != null && params.containsKey(spec.name())) {
                    own.put(spec.name(), params.get(spec.name()));
                }
            });
            return new ArgoCompiler(options).compile(pipeline.plan(), kind, own);
        } catch (WorkflowTooLargeException | IllegalArgumentException e) {
            throw new MojoFailureException("cannot compile pipeline '" + pipeline.name() + "': " + e.getMessage(), e);
        }
    }

    static WorkflowKind kind(String text) throws MojoFailureException {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "workflow" -> WorkflowKind.WORKFLOW;
            case "template", "workflowtemplate" -> WorkflowKind.TEMPLATE;
            case "cron", "cronworkflow" -> WorkflowKind.CRON;
            default -> throw new MojoFailureException("kind must be workflow, template or cron, got '" + text + "'");
        };
    }

    static String fileKind(WorkflowKind kind) {
        return switch (kind) {
            case WORKFLOW -> "workflow";
            case TEMPLATE -> "template";
            case CRON -> "cron";
        };
    }
}
