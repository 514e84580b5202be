package dev.fermion.maven;

import dev.fermion.compiler.CompilerOptions;
import dev.fermion.runtime.container.ContainerEngine;
import dev.fermion.runtime.container.ContainerRuntime;
import dev.fermion.runtime.container.ContainerSetupException;
import dev.fermion.runtime.container.EngineSelector;
import dev.fermion.runtime.container.UserImage;
import java.io.File;
import java.io.IOException;
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
 * Builds the project's own runtime image, {@code runtimeImage}: Fermion's runtime image plus the project's
 * runtime dependencies that image lacks (one layer) and its classes (the last layer, the one a code change
 * re-sends), with Docker or Podman. The compile and submit goals write the same {@code runtimeImage} into the
 * workflows, so their pods find the project's components. {@code push} sends the image to its registry and
 * {@code saveTo} writes it to a file; otherwise it stays in the engine's local images.
 */
@Mojo(
        name = "image",
        defaultPhase = LifecyclePhase.PACKAGE,
        requiresDependencyResolution = ResolutionScope.RUNTIME,
        threadSafe = true)
public final class ImageMojo extends PipelineMojo {
    /** The runtime image to build on; by default the one the compiler writes for this Fermion version. */
    @Parameter(property = "fermion.baseImage")
    String baseImage;

    /** Push the image to its registry after building it. */
    @Parameter(property = "fermion.push", defaultValue = "false")
    boolean push;

    /** Also write the image to this file as a docker-archive (e.g. for {@code ctr images import}). */
    @Parameter(property = "fermion.saveImage")
    File saveTo;

    /** auto (a working docker or podman), docker or podman. */
    @Parameter(property = "fermion.containerRuntime", defaultValue = "auto")
    String containerRuntime;

    @Parameter(defaultValue = "${project.build.directory}", readonly = true, required = true)
    File buildDirectory;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping Fermion image (fermion.skip)");
            return;
        }
        if (runtimeImage == null || runtimeImage.isBlank()) {
            throw new MojoFailureException("set <runtimeImage> (or -Dfermion.runtimeImage): the image to build, "
                    + "[REGISTRY/]REPOSITORY:TAG; the compile and submit goals write the same name");
        }
        ContainerRuntime setting;
        try {
            setting = ContainerRuntime.parse(containerRuntime);
            CompilerOptions.defaults().withRuntimeImage(runtimeImage);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
        String base = baseImage != null
                ? baseImage
                : options(null).withImages(dev.fermion.contract.ImageMap.NONE).image(false);
        List<Path> project = new ArrayList<>();
        List<Path> dependencies = new ArrayList<>();
        List<String> elements = new ArrayList<>(List.of(classesDirectory.getPath()));
        elements.addAll(classpathElements == null ? List.of() : classpathElements);
        for (String element : elements) {
            Path path = Path.of(element).toAbsolutePath().normalize();
            if (Files.isDirectory(path)) {
                if (!project.contains(path)) {
                    project.add(path);
                }
            } else if (Files.isRegularFile(path) && !dependencies.contains(path)) {
                dependencies.add(path);
            }
        }
        try {
            EngineSelector engines = new EngineSelector(System.getenv());
            ContainerEngine engine = engines.select(setting, "the image goal", base);
            Path work = Files.createDirectories(buildDirectory.toPath().resolve("fermion-image"));
            Path log = work.resolve(engine.name() + ".log");
            Files.deleteIfExists(log);
            getLog().info("Building " + runtimeImage + " on " + base + " with " + engine.name() + " (output in " + log
                    + ")");
            UserImage.Built built = UserImage.build(
                    engines, engine, new UserImage.Spec(base, runtimeImage, project, dependencies), work, log);
            getLog().info("Built " + runtimeImage + ": " + built.added().size() + " jar(s) added, "
                    + built.inBase().size() + " already in the base");
            built.otherVersions()
                    .forEach((jar, inBase) -> getLog().warn("the base holds " + inBase
                            + ", which comes first on the classpath, so " + jar + " will not be used"));
            if (saveTo != null) {
                UserImage.save(engine, runtimeImage, saveTo.toPath().toAbsolutePath(), log);
                getLog().info("Saved " + runtimeImage + " to " + saveTo);
            }
            if (push) {
                UserImage.push(engine, runtimeImage, log);
                getLog().info("Pushed " + runtimeImage);
            }
        } catch (ContainerSetupException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot build image " + runtimeImage + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("interrupted while building image " + runtimeImage, e);
        }
    }
}
