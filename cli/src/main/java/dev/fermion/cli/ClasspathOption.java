package dev.fermion.cli;

import dev.fermion.dsl.PipelineCatalog;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --classpath}: where a user's own pipelines live, shared by every command that resolves one. */
final class ClasspathOption {
    @Option(
            names = {"--classpath", "-cp"},
            paramLabel = "PATH",
            description =
                    "Extra jars or class directories holding your pipelines (separated by '${sys:path.separator}').")
    String classpath;

    /** The pipelines on this process's classpath plus {@code --classpath}, whose loader becomes the thread's. */
    PipelineCatalog catalog() {
        return catalog(classpath);
    }

    /** As {@link #catalog()}, for {@code classpath} given otherwise (a resumed run's). */
    static PipelineCatalog catalog(String classpath) {
        PipelineCatalog catalog = new PipelineCatalog(loader(classpath));
        Thread.currentThread().setContextClassLoader(catalog.classLoader());
        return catalog;
    }

    private static ClassLoader loader(String classpath) {
        ClassLoader parent = ClasspathOption.class.getClassLoader();
        if (classpath == null || classpath.isBlank()) {
            return parent;
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path path = Path.of(entry);
            if (!Files.exists(path)) {
                throw new UsageException("--classpath entry '" + entry + "' does not exist");
            }
            try {
                urls.add(path.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new UsageException("--classpath entry '" + entry + "' is not a usable path", e);
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), parent);
    }
}
