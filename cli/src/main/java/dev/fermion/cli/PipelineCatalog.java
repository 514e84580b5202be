package dev.fermion.cli;

import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.PipelineDefinitionException;
import dev.fermion.dsl.PipelineSource;

import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds pipelines: every {@link PipelineSource} registered through {@link ServiceLoader} on the classpath
 * (plus the user's {@code --classpath}), or a class named on the command line that is a PipelineSource or has
 * a public static {@code Pipeline} field or no-argument method.
 */
public final class PipelineCatalog {
    private final ClassLoader loader;

    public PipelineCatalog(ClassLoader loader) {
        this.loader = loader;
    }

    /** A catalog over this process's classpath plus {@code extraClasspath} (jars or class directories). */
    public static PipelineCatalog withClasspath(String extraClasspath) {
        ClassLoader parent = PipelineCatalog.class.getClassLoader();
        if (extraClasspath == null || extraClasspath.isBlank()) {
            return new PipelineCatalog(parent);
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : extraClasspath.split(File.pathSeparator)) {
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
        return new PipelineCatalog(new URLClassLoader(urls.toArray(URL[]::new), parent));
    }

    public ClassLoader classLoader() {
        return loader;
    }

    /** An entry of {@code fermion list}: the pipeline's name and the class that defines it. */
    public record Entry(String name, String className, Pipeline pipeline) { }

    public List<Entry> list() {
        List<Entry> entries = new ArrayList<>();
        for (ServiceLoader.Provider<PipelineSource> provider : ServiceLoader.load(PipelineSource.class, loader).stream().toList()) {
            PipelineSource source = provider.get();
            Pipeline pipeline = source.pipeline();
            entries.add(new Entry(pipeline.name(), source.getClass().getName(), pipeline));
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    /** Resolves a pipeline by its name or by the class that defines it. */
    public Pipeline find(String nameOrClass) {
        for (Entry entry : list()) {
            if (entry.name().equals(nameOrClass) || entry.className().equals(nameOrClass)) {
                return entry.pipeline();
            }
        }
        if (nameOrClass.contains(".")) {
            return fromClass(nameOrClass);
        }
        List<String> known = list().stream().map(Entry::name).toList();
        throw new UsageException("no pipeline named '" + nameOrClass + "'; known pipelines: "
                + (known.isEmpty() ? "none (add --classpath with your project's classes)" : String.join(", ", known))
                + ". Run '" + Invocation.command() + " list' to see them with their classes");
    }

    private Pipeline fromClass(String className) {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new UsageException("class '" + className + "' is not on the classpath; pass your project's jar or "
                    + "classes directory with --classpath", e);
        }
        try {
            if (PipelineSource.class.isAssignableFrom(type)) {
                return ((PipelineSource) type.getConstructor().newInstance()).pipeline();
            }
            for (Method m : type.getMethods()) {
                if (Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0 && m.getReturnType() == Pipeline.class) {
                    return (Pipeline) m.invoke(null);
                }
            }
            for (Field f : type.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == Pipeline.class) {
                    return (Pipeline) f.get(null);
                }
            }
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof PipelineDefinitionException pde) {
                throw pde;
            }
            throw new IllegalStateException("defining the pipeline in " + className + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new UsageException("cannot create " + className + ": it needs a public no-argument constructor", e);
        }
        throw new UsageException("class '" + className + "' defines no pipeline: implement PipelineSource, or add a "
                + "public static Pipeline field or no-argument method");
    }
}
