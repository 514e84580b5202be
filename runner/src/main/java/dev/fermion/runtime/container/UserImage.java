package dev.fermion.runtime.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A user's image: the runtime image (which holds Fermion and its components) plus the user's classes and the
 * libraries they need that the runtime image lacks, so pods of the user's pipelines find the user's components.
 * Layered as Jib layers an application, by how often each part changes: first the dependency jars (a layer that
 * changes when the dependencies do), then the project's class directories and jars (the layer a code change
 * re-sends). Both sit under {@value #ROOT} and are put on the launcher's {@code FERMION_CLASSPATH}, after
 * the image's own {@code lib/}: a dependency jar the image holds already is left out, and one the image
 * holds in another version is reported, since the image's comes first.
 */
public final class UserImage {
    /** Where the user's part of the image lives. */
    public static final String ROOT = "/opt/fermion/user";
    /** The runtime image's libraries. */
    static final String IMAGE_LIB = "/opt/fermion/lib";

    private static final Pattern VERSIONED = Pattern.compile("(.+?)-[0-9][^/]*\\.jar");

    /**
     * What to build.
     *
     * @param base         the runtime image (or an image built on it)
     * @param name         the image to build, {@code [REGISTRY/]REPOSITORY:TAG}
     * @param project      the project's class directories or jars: the layer that changes with the code
     * @param dependencies the jars the project needs at run time
     */
    public record Spec(String base, String name, List<Path> project, List<Path> dependencies) {
        public Spec {
            project = List.copyOf(project);
            dependencies = List.copyOf(dependencies);
        }
    }

    /**
     * What was built: the jars added, those the base holds already, and those the base holds in another version
     * (name, then the base's file).
     */
    public record Built(String name, List<String> added, List<String> inBase, Map<String, String> otherVersions) {}

    private UserImage() {}

    /**
     * Builds {@code spec.name()} with {@code engine}, its output going to {@code log}; the image is then in the
     * engine's local store.
     *
     * @throws ContainerSetupException when the base is missing, the build fails, or an input is not there
     */
    public static Built build(EngineSelector engines, ContainerEngine engine, Spec spec, Path work, Path log)
            throws IOException, InterruptedException {
        engines.requireImage(engine, spec.base(), spec.base(), "the image " + spec.name());
        Set<String> baseJars = new LinkedHashSet<>(engine.list(spec.base(), IMAGE_LIB));
        Map<String, String> baseArtifacts = new HashMap<>();
        baseJars.forEach(jar -> baseArtifacts.put(artifact(jar), jar));

        Path context = Files.createDirectories(work.resolve("context"));
        Path lib = Files.createDirectories(context.resolve("lib"));
        Path app = Files.createDirectories(context.resolve("app"));
        List<String> added = new ArrayList<>();
        List<String> inBase = new ArrayList<>();
        Map<String, String> otherVersions = new java.util.TreeMap<>();
        for (Path jar : spec.dependencies()) {
            String file = jar.getFileName().toString();
            if (!Files.isRegularFile(jar)) {
                throw new ContainerSetupException("dependency " + jar + " of image " + spec.name() + " is not a file");
            }
            if (baseJars.contains(file)) {
                inBase.add(file);
                continue;
            }
            String other = baseArtifacts.get(artifact(file));
            if (other != null) {
                otherVersions.put(file, other);
            }
            Files.copy(jar, lib.resolve(file), StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
            added.add(file);
        }
        List<String> classpath = new ArrayList<>();
        for (int i = 0; i < spec.project().size(); i++) {
            Path entry = spec.project().get(i);
            if (Files.isDirectory(entry)) {
                String dir = "classes-" + i;
                copyTree(entry, app.resolve(dir));
                classpath.add(ROOT + "/app/" + dir);
            } else if (Files.isRegularFile(entry)) {
                Files.copy(
                        entry,
                        app.resolve(entry.getFileName().toString()),
                        StandardCopyOption.COPY_ATTRIBUTES,
                        StandardCopyOption.REPLACE_EXISTING);
            } else {
                throw new ContainerSetupException(
                        "project entry " + entry + " of image " + spec.name() + " is neither a directory nor a jar");
            }
        }
        classpath.add(ROOT + "/app/*");
        classpath.add(ROOT + "/lib/*");
        Path containerfile = work.resolve("Containerfile");
        Files.writeString(containerfile, containerfile(spec, classpath), StandardCharsets.UTF_8);

        List<String> args = new ArrayList<>(List.of("build"));
        args.addAll(engine.settings());
        args.addAll(List.of("-f", containerfile.toString(), "-t", spec.name(), context.toString()));
        int exit = engine.call(args, log);
        if (exit != 0) {
            throw new ContainerSetupException(engine.name() + " build of image " + spec.name() + " failed (exit " + exit
                    + "); its output is in " + log);
        }
        return new Built(spec.name(), added, inBase, otherVersions);
    }

    /** The build file: the base, the dependencies' layer, the project's layer, and the classpath. */
    static String containerfile(Spec spec, List<String> classpath) {
        return "FROM " + spec.base() + "\n"
                + "COPY lib/ " + ROOT + "/lib/\n"
                + "COPY app/ " + ROOT + "/app/\n"
                + "ENV FERMION_CLASSPATH=" + String.join(":", classpath) + "\n";
    }

    /** Pushes {@code name} to its registry. */
    public static void push(ContainerEngine engine, String name, Path log) throws IOException, InterruptedException {
        if (engine.call(List.of("push", name), log) != 0) {
            throw new ContainerSetupException(engine.name() + " push " + name + " failed; its output is in " + log
                    + " (log in to the registry first: " + engine.name() + " login REGISTRY)");
        }
    }

    /** Writes {@code name} to {@code file} as a docker-archive, e.g. for {@code ctr images import}. */
    public static void save(ContainerEngine engine, String name, Path file, Path log)
            throws IOException, InterruptedException {
        Files.deleteIfExists(file);
        if (engine.call(List.of("save", "-o", file.toString(), name), log) != 0) {
            throw new ContainerSetupException(engine.name() + " save " + name + " failed; its output is in " + log);
        }
    }

    /** A jar's artifact without its version: {@code jackson-core-2.17.0.jar} gives {@code jackson-core}. */
    static String artifact(String jar) {
        Matcher m = VERSIONED.matcher(jar);
        return m.matches() ? m.group(1) : jar;
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path from : (Iterable<Path>) walk.sorted(Comparator.naturalOrder())::iterator) {
                Path to = target.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
