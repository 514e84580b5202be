package dev.fermion.cli;

import dev.fermion.compiler.CompilerOptions;
import dev.fermion.runtime.container.ContainerEngine;
import dev.fermion.runtime.container.ContainerRuntime;
import dev.fermion.runtime.container.ContainerSetupException;
import dev.fermion.runtime.container.EngineSelector;
import dev.fermion.runtime.container.UserImage;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "image",
        mixinStandardHelpOptions = true,
        description = "Your own runtime image: Fermion's runtime image plus your classes and libraries.",
        subcommands = {ImageCommand.Build.class})
final class ImageCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing command: try '" + spec.qualifiedName() + " build --help'");
    }

    @Command(
            name = "build",
            mixinStandardHelpOptions = true,
            description = {
                "Build IMAGE on the runtime image with Docker or Podman: the jars of --classpath that the",
                "runtime image lacks in one layer, its class directories in the next (a code change re-sends only",
                "that one), all on the launcher's classpath. The image is then in the engine's local images;",
                "--push sends it to its registry, --save writes it to a file. Pods of workflows compiled with",
                "--runtime-image IMAGE find your components. In a Maven build: the fermion-maven-plugin's",
                "'image' goal.",
                "Exit codes: 0 built, 1 the build, push or save failed, 2 bad usage or no engine or base."
            })
    static final class Build implements Callable<Integer> {
        @Option(
                names = "--name",
                paramLabel = "IMAGE",
                required = true,
                description = "The image to build: [REGISTRY/]REPOSITORY:TAG.")
        String name;

        @Option(
                names = {"--classpath", "-cp"},
                paramLabel = "PATH",
                required = true,
                description = {
                    "Your class directories and the jars they need (separated by '${sys:path.separator}'):",
                    "directories go into the image's last layer, jars into the one before."
                })
        String classpath;

        @Option(
                names = "--base",
                paramLabel = "IMAGE",
                description =
                        "The runtime image to build on (default: ${DEFAULT-VALUE}, what runtime-image/build.sh builds).")
        String base = CompilerOptions.defaults().image(false);

        @Option(names = "--push", description = "Push the image to its registry after building it.")
        boolean push;

        @Option(
                names = "--save",
                paramLabel = "FILE",
                description = "Also write the image to FILE as a docker-archive (e.g. for 'ctr images import').")
        Path save;

        @Option(
                names = "--container-runtime",
                paramLabel = "ENGINE",
                defaultValue = "auto",
                description = "auto (a working docker or podman), docker or podman. Default: ${DEFAULT-VALUE}.")
        String containerRuntime;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            ContainerRuntime setting;
            try {
                setting = ContainerRuntime.parse(containerRuntime);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--container-runtime: " + e.getMessage());
            }
            if (setting == ContainerRuntime.HOST) {
                throw new UsageException("--container-runtime host builds no image: use auto, docker or podman");
            }
            try {
                CompilerOptions.defaults().withRuntimeImage(name);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--name: " + e.getMessage());
            }
            List<Path> project = new ArrayList<>();
            List<Path> dependencies = new ArrayList<>();
            for (String entry : classpath.split(File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path path = Path.of(entry).toAbsolutePath().normalize();
                if (Files.isDirectory(path)) {
                    project.add(path);
                } else if (Files.isRegularFile(path) && path.toString().endsWith(".jar")) {
                    dependencies.add(path);
                } else {
                    throw new UsageException("--classpath: " + entry + " is neither a directory nor a jar");
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            EngineSelector engines = new EngineSelector(System.getenv());
            ContainerEngine engine;
            try {
                String command = Invocation.command() + " image build";
                engine = engines.select(setting, command, base);
                engines.requireImage(engine, base, base, command + " --name " + Invocation.quote(name));
            } catch (ContainerSetupException e) {
                throw new UsageException(e.getMessage(), e);
            }
            Path work = Files.createTempDirectory("fermion-image-");
            Path log = work.resolve(engine.name() + ".log");
            out.println("Building " + name + " on " + base + " with " + engine.name() + " (output in " + log + ")");
            out.flush();
            UserImage.Built built =
                    UserImage.build(engines, engine, new UserImage.Spec(base, name, project, dependencies), work, log);
            out.println("Built " + name + ": " + built.added().size() + " jar(s) added, "
                    + built.inBase().size() + " already in the base, " + project.size() + " class director"
                    + (project.size() == 1 ? "y" : "ies"));
            built.otherVersions()
                    .forEach((jar, inBase) -> err.println("fermion: warning: the base holds " + inBase
                            + ", which comes first on the classpath, so " + jar + " will not be used"));
            if (save != null) {
                UserImage.save(engine, name, save.toAbsolutePath(), log);
                out.println("Saved " + name + " to " + save);
            }
            if (push) {
                UserImage.push(engine, name, log);
                out.println("Pushed " + name);
            }
            out.println("Compile or submit with --runtime-image " + name
                    + " (or run locally with --isolation container " + "--runtime-image " + name + ")");
            out.flush();
            err.flush();
            return FermionCli.OK;
        }
    }
}
