package dev.fermion.runtime.container;

import dev.fermion.contract.ImageMap;
import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.ContainerSpec;
import dev.fermion.plan.Node;
import dev.fermion.plan.PortSpec;
import dev.fermion.runtime.launch.ContentDigest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs container and script steps locally with the same ports as on Argo. Every attempt gets this
 * layout under its step directory:
 *
 * <pre>
 * root/fermion/inputs/PORT              a copy of each input artifact
 * root/fermion/outputs/params/PORT      where each parameter output is written (the file's text is the value)
 * root/fermion/outputs/artifacts/PORT   an empty directory per artifact output
 * root/fermion/script                   the source of a script step
 * work/                                 the working directory in host mode
 * </pre>
 *
 * With Docker or Podman these directories are mounted at the container paths of {@link ContainerSpec} and the
 * command runs without root as in a pod ({@link ContainerEngine#run}), so the placeholders keep their Argo
 * values; images named in {@code --image} mappings are replaced, and every image is checked (and pulled when
 * missing) before the run starts; in host mode
 * the placeholders are rewritten to these host paths and the command runs here, in {@code work/}, with this
 * process's environment plus the step's. Arguments always travel as an argv list, never through a shell.
 * Parameter outputs lose one trailing newline ({@code echo 5 > file} gives {@code 5}) and must decode as
 * their declared type.
 */
public final class ContainerStepRunner {
    private final ContainerRuntime setting;
    private final Map<String, String> environment;
    private final EngineSelector engines;
    private final ImageMap images;

    /** Uses this process's environment, to find the engines and as the base environment of host-mode commands. */
    public ContainerStepRunner(ContainerRuntime setting, ImageMap images) {
        this(setting, System.getenv(), images, new EngineSelector(System.getenv()));
    }

    public ContainerStepRunner(ContainerRuntime setting, Map<String, String> environment) {
        this(setting, environment, ImageMap.NONE, new EngineSelector(environment));
    }

    /** Shares {@code engines} (and what it learnt about engines and images) with the run's other container work. */
    public ContainerStepRunner(
            ContainerRuntime setting, Map<String, String> environment, ImageMap images, EngineSelector engines) {
        this.setting = setting;
        this.environment = Map.copyOf(environment);
        this.engines = engines;
        this.images = images;
    }

    /**
     * Fails unless {@code node} can run here with this setting, so a run stops before its first step rather
     * than after hours of training.
     *
     * @throws ContainerSetupException naming the step and how to proceed
     */
    public void requireEngine(String pipeline, Node.ContainerNode node) {
        String where = "pipeline '" + pipeline + "', step '" + node.name() + "'";
        ContainerEngine engine = engines.select(setting, where, images.apply(node.image()));
        engines.requireImage(engine, images.apply(node.image()), node.image(), where);
    }

    /**
     * Runs one attempt to its end.
     *
     * @throws ContainerSetupException when the step cannot start here; nothing has run then
     */
    public ContainerStepResult run(ContainerStep step) throws IOException, InterruptedException {
        ContainerEngine engine =
                engines.select(setting, step.where(), images.apply(step.node().image()));
        Node.ContainerNode node = step.node();
        ContainerSpec spec = node.container();
        Path root = step.stepDir().resolve("root");
        Path work = step.stepDir().resolve("work");
        Files.createDirectories(work);
        Files.createDirectories(root.resolve(relative(ContainerSpec.OUTPUT_PARAMS)));
        for (PortSpec port : node.component().inputs()) {
            Path source = step.inputArtifacts().get(port.name());
            if (port.isArtifact() && source != null) {
                copyTree(source, host(root, ContainerSpec.inputPath(port.name())));
            }
        }
        for (PortSpec port : node.component().outputs()) {
            if (port.isArtifact()) {
                Files.createDirectories(host(root, ContainerSpec.outputPath(port.name(), true)));
            }
        }
        Path script = root.resolve("fermion/script");
        if (spec.isScript()) {
            Files.writeString(script, spec.source(), StandardCharsets.UTF_8);
        }

        boolean onHost = engine.onHost();
        Function<String, String> paths = onHost ? p -> host(root, p).toString() : p -> p;
        Map<String, String> stepEnv = stepEnvironment(step, paths);
        String container = ContainerEngine.containerName(step.pipeline() + "-" + node.name());
        if (!onHost) {
            engines.requireImage(engine, images.apply(node.image()), node.image(), step.where());
            Path artifacts = Files.createDirectories(root.resolve(relative(ContainerSpec.OUTPUT_ARTIFACTS)));
            engine.prepareWritable(List.of(root.resolve(relative(ContainerSpec.OUTPUT_PARAMS)), artifacts));
        }
        List<String> argv = onHost
                ? hostCommand(step, paths, script)
                : engineCommand(step, engine, container, root, script, stepEnv.keySet(), paths);

        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(step.logFile().toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().putAll(stepEnv);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ContainerSetupException(step.where() + ": cannot start " + argv.get(0) + " (" + e.getMessage()
                    + ")" + (onHost ? ": in host mode the command must be installed on this machine" : ""));
        }
        Duration timeout = node.options().timeout();
        int exit;
        if (timeout == null) {
            exit = process.waitFor();
        } else if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            exit = process.exitValue();
        } else {
            if (!onHost) {
                // Killing the CLI would leave the container running under the engine.
                engine.stop(container);
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return ContainerStepResult.failed(
                    -1,
                    step.where() + " timed out after " + timeout.toSeconds()
                            + "s (its timeout); the command was stopped");
        }
        if (exit != 0) {
            return ContainerStepResult.failed(
                    exit,
                    step.where() + ": the command exited with status " + exit + "; see its log " + step.logFile());
        }
        return collect(step, root);
    }

    /** The command's own variables, then the step's {@code env(...)}; secrets are taken from this environment. */
    private Map<String, String> stepEnvironment(ContainerStep step, Function<String, String> paths) {
        Map<String, String> env = new TreeMap<>();
        step.node().container().env().forEach((name, word) -> env.put(name, render(word, step, paths)));
        env.putAll(step.node().options().env());
        for (String name : step.node().options().secretEnv().keySet()) {
            String value = environment.get(name);
            if (value == null) {
                throw new ContainerSetupException(step.where() + " reads environment variable " + name + " from a "
                        + "Kubernetes Secret, which local runs cannot read: export " + name
                        + " before running locally");
            }
            env.put(name, value);
        }
        return env;
    }

    private List<String> hostCommand(ContainerStep step, Function<String, String> paths, Path script) {
        ContainerSpec spec = step.node().container();
        List<String> argv = new ArrayList<>();
        spec.command().forEach(w -> argv.add(render(w, step, paths)));
        if (argv.isEmpty()) {
            throw new ContainerSetupException(step.where() + " relies on the entrypoint of image "
                    + step.node().image()
                    + ", which --container-runtime host cannot know: give the command explicitly with "
                    + "ContainerCommand.command(...), or run with Docker or Podman");
        }
        if (spec.isScript()) {
            argv.add(script.toString());
        }
        spec.args().forEach(w -> argv.add(render(w, step, paths)));
        return argv;
    }

    /**
     * {@code docker run} (or podman) with the step directories mounted at the container paths. Variables are
     * passed by name ({@code -e NAME}), so their values come from the CLI's environment and never appear in
     * its arguments.
     */
    private List<String> engineCommand(
            ContainerStep step,
            ContainerEngine engine,
            String container,
            Path root,
            Path script,
            Iterable<String> envNames,
            Function<String, String> paths) {
        ContainerSpec spec = step.node().container();
        List<String> argv = new ArrayList<>(engine.run(container, root));
        if (step.network() != null) {
            argv.addAll(List.of("--network", step.network()));
        }
        for (PortSpec port : step.node().component().inputs()) {
            if (port.isArtifact() && step.inputArtifacts().containsKey(port.name())) {
                String inside = ContainerSpec.inputPath(port.name());
                argv.addAll(List.of("-v", host(root, inside) + ":" + inside + ":ro"));
            }
        }
        argv.addAll(List.of("-v", host(root, ContainerSpec.OUTPUT_PARAMS) + ":" + ContainerSpec.OUTPUT_PARAMS));
        for (PortSpec port : step.node().component().outputs()) {
            if (port.isArtifact()) {
                String inside = ContainerSpec.outputPath(port.name(), true);
                argv.addAll(List.of("-v", host(root, inside) + ":" + inside));
            }
        }
        String scriptInside = "/fermion/script";
        if (spec.isScript()) {
            argv.addAll(List.of("-v", script + ":" + scriptInside + ":ro"));
        }
        for (String name : envNames) {
            argv.addAll(List.of("-e", name));
        }
        List<String> command =
                spec.command().stream().map(w -> render(w, step, paths)).toList();
        if (!command.isEmpty()) {
            argv.addAll(List.of("--entrypoint", command.get(0)));
        }
        argv.add(images.apply(step.node().image()));
        if (!command.isEmpty()) {
            argv.addAll(command.subList(1, command.size()));
        }
        if (spec.isScript()) {
            argv.add(scriptInside);
        }
        spec.args().forEach(w -> argv.add(render(w, step, paths)));
        return argv;
    }

    private static String render(ContainerSpec.Word word, ContainerStep step, Function<String, String> paths) {
        ContainerSpec.Part.Visitor<String> rendered = new ContainerSpec.Part.Visitor<>() {
            @Override
            public String text(ContainerSpec.Part.Text text) {
                return text.text();
            }

            @Override
            public String inputValue(ContainerSpec.Part.InputValue value) {
                String encoded = step.params().get(value.port());
                if (encoded == null) {
                    throw new IllegalArgumentException(step.where() + ": input '" + value.port() + "' has no value");
                }
                return encoded;
            }

            @Override
            public String inputPath(ContainerSpec.Part.InputPath path) {
                return paths.apply(ContainerSpec.inputPath(path.port()));
            }

            @Override
            public String outputPath(ContainerSpec.Part.OutputPath out) {
                boolean artifact = step.node()
                        .component()
                        .output(out.port())
                        .map(PortSpec::isArtifact)
                        .orElse(false);
                return paths.apply(ContainerSpec.outputPath(out.port(), artifact));
            }
        };
        StringBuilder b = new StringBuilder();
        for (ContainerSpec.Part part : word.parts()) {
            b.append(part.accept(rendered));
        }
        return b.toString();
    }

    private static ContainerStepResult collect(ContainerStep step, Path root) {
        Map<String, String> params = new LinkedHashMap<>();
        Map<String, Path> artifacts = new LinkedHashMap<>();
        Map<String, String> digests = new LinkedHashMap<>();
        for (PortSpec port : step.node().component().outputs()) {
            Path path = host(root, ContainerSpec.outputPath(port.name(), port.isArtifact()));
            if (port.isArtifact()) {
                artifacts.put(port.name(), path);
                digests.put(port.name(), ContentDigest.of(path));
                continue;
            }
            if (!Files.isRegularFile(path)) {
                return ContainerStepResult.failed(
                        0,
                        step.where() + ": the command succeeded but did not write output '"
                                + port.name() + "' (" + port.type().displayName()
                                + ") to the file given by p.outputPath("
                                + port.name() + ")");
            }
            String text = readValue(path);
            try {
                ValueCodec.decode(port.type(), text);
            } catch (IllegalArgumentException e) {
                return ContainerStepResult.failed(
                        0,
                        step.where() + ": output '" + port.name() + "' is not a valid "
                                + port.type().displayName() + ": " + e.getMessage());
            }
            params.put(port.name(), text);
        }
        return new ContainerStepResult(true, 0, params, artifacts, digests, null);
    }

    private static String readValue(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.endsWith("\r\n")) {
                return text.substring(0, text.length() - 2);
            }
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read output " + file, e);
        }
    }

    /** The host path of container path {@code inside} under {@code root}. */
    private static Path host(Path root, String inside) {
        return root.resolve(relative(inside));
    }

    private static String relative(String inside) {
        return inside.substring(1);
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path from : (Iterable<Path>) walk::iterator) {
                Path to = target.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
