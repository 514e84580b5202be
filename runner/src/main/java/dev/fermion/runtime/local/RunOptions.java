package dev.fermion.runtime.local;

import dev.fermion.runtime.container.ContainerImages;
import dev.fermion.runtime.container.ContainerRuntime;
import dev.fermion.runtime.launch.StepBody;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How the local runner runs a pipeline.
 *
 * @param parallelism  how many steps run at once
 * @param cache        false to ignore and not fill the step cache ({@code --no-cache})
 * @param classLoader  loads component classes (the user's classes plus Fermion)
 * @param classpath    extra classpath entries, given to step processes and recorded for resume; may be empty
 * @param pipelineRef  how the pipeline was named on the command line, recorded for resume; may be null
 * @param replacements step name to the double that runs instead of its component (tests); never cached
 * @param containerRuntime where container and script steps run: an engine, or (only when asked) this host
 * @param kubeconfig   the kubeconfig resource steps use; null: {@code $KUBECONFIG}, else {@code ~/.kube/config}
 * @param images       images replaced by local ones, and the image of Java steps with {@link Isolation#CONTAINER}
 * @param tracking     where the run is recorded besides the Fermion home (MLflow), and the model it registers; may be null
 */
public record RunOptions(
        FermionHome home,
        Isolation isolation,
        int parallelism,
        boolean cache,
        ClassLoader classLoader,
        String classpath,
        String pipelineRef,
        Map<String, StepBody> replacements,
        RunListener listener,
        ContainerRuntime containerRuntime,
        Path kubeconfig,
        ContainerImages images,
        Tracking tracking) {

    public RunOptions {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(isolation, "isolation");
        Objects.requireNonNull(classLoader, "classLoader");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        classpath = classpath == null ? "" : classpath;
        replacements = Map.copyOf(replacements);
        listener = listener == null ? RunListener.NONE : listener;
        containerRuntime = containerRuntime == null ? ContainerRuntime.AUTO : containerRuntime;
        images = images == null ? ContainerImages.NONE : images;
    }

    /** In-process, one step per core, cache on, under {@code $FERMION_HOME} or {@code ~/.fermion}. */
    public static RunOptions defaults() {
        return new RunOptions(
                FermionHome.fromEnvironment(),
                Isolation.IN_PROCESS,
                Runtime.getRuntime().availableProcessors(),
                true,
                RunOptions.class.getClassLoader(),
                "",
                null,
                Map.of(),
                RunListener.NONE,
                ContainerRuntime.AUTO,
                null,
                ContainerImages.NONE,
                null);
    }

    public RunOptions withHome(FermionHome value) {
        return new RunOptions(
                value,
                isolation,
                parallelism,
                cache,
                classLoader,
                classpath,
                pipelineRef,
                replacements,
                listener,
                containerRuntime,
                kubeconfig,
                images,
                tracking);
    }

    public RunOptions withIsolation(Isolation value) {
        return new RunOptions(
                home,
                value,
                parallelism,
                cache,
                classLoader,
                classpath,
                pipelineRef,
                replacements,
                listener,
                containerRuntime,
                kubeconfig,
                images,
                tracking);
    }

    public RunOptions withParallelism(int value) {
        return new RunOptions(
                home,
                isolation,
                value,
                cache,
                classLoader,
                classpath,
                pipelineRef,
                replacements,
                listener,
                containerRuntime,
                kubeconfig,
                images,
                tracking);
    }

    public RunOptions withCache(boolean value) {
        return new RunOptions(
                home,
                isolation,
                parallelism,
                value,
                classLoader,
                classpath,
                pipelineRef,
                replacements,
                listener,
                containerRuntime,
                kubeconfig,
                images,
                tracking);
    }

    public RunOptions withClassLoader(ClassLoader value, String extraClasspath) {
        return new RunOptions(
                home,
                isolation,
                parallelism,
                cache,
                value,
                extraClasspath,
                pipelineRef,
                replacements,
                listener,
                containerRuntime,
                kubeconfig,
                images,
                tracking);
    }

    public RunOptions withPipelineRef(String value) {
        return new RunOptions(
                home,
                isolation,
                parallelism,
                cache,
                classLoader,
                classpath,
                value,
                replacements,
                listener,
                containerRuntime,
                kubeconfig,
                images,
                tracking);
    }

    public RunOptions withReplacements(Map<String, StepBody> value) {
        return new RunOptions(
                home,
                isolation,
                parallelism,
                cache,
                classLoader,
                classpath,
                pipelineRef,
                value,
                listener,
                containerRuntime,
                kubeconfig,
                images,
                tracking);
    }

    public RunOptions withListener(RunListener value) {
        return new RunOptions(
                home,
                isolation,
                parallelism,
                cache,
                classLoader,
                classpath,
                pipelineRef,
                replacements,
                value,
                containerRuntime,
                kubeconfig,
                images,
                tracking);
    }

    public RunOptions withContainerRuntime(ContainerRuntime value) {
        return new RunOptions(
                home,
                isolation,
                parallelism,
                cache,
                classLoader,
                classpath,
                pipelineRef,
                replacements,
                listener,
                value,
                kubeconfig,
                images,
                tracking);
    }

    public RunOptions withKubeconfig(Path value) {
        return new RunOptions(
                home,
                isolation,
                parallelism,
                cache,
                classLoader,
                classpath,
                pipelineRef,
                replacements,
                listener,
                containerRuntime,
                value,
                images,
                tracking);
    }

    public RunOptions withImages(ContainerImages value) {
        return new RunOptions(
                home,
                isolation,
                parallelism,
                cache,
                classLoader,
                classpath,
                pipelineRef,
                replacements,
                listener,
                containerRuntime,
                kubeconfig,
                value,
                tracking);
    }

    /** Records every run in {@code value}'s tracker too, and registers its model when the run succeeds. */
    public RunOptions withTracking(Tracking value) {
        return new RunOptions(
                home,
                isolation,
                parallelism,
                cache,
                classLoader,
                classpath,
                pipelineRef,
                replacements,
                listener,
                containerRuntime,
                kubeconfig,
                images,
                value);
    }
}
