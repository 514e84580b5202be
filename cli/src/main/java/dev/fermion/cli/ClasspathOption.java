package dev.fermion.cli;

import picocli.CommandLine.Option;

/** {@code --classpath}: where a user's own pipelines live, shared by every command that resolves one. */
final class ClasspathOption {
    @Option(names = {"--classpath", "-cp"}, paramLabel = "PATH",
            description = "Extra jars or class directories holding your pipelines (separated by '${sys:path.separator}').")
    String classpath;

    PipelineCatalog catalog() {
        PipelineCatalog catalog = PipelineCatalog.withClasspath(classpath);
        Thread.currentThread().setContextClassLoader(catalog.classLoader());
        return catalog;
    }
}
