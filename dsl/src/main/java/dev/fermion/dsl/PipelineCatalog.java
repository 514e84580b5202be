package dev.fermion.dsl;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds pipelines: every {@link PipelineSource} registered through {@link ServiceLoader} and every element
 * {@link FermionPipeline} lists on the classpath (plus the user's {@code --classpath}), or a class named on the
 * command line that is a PipelineSource or has a public static {@code Pipeline} field or no-argument method.
 * Each is defined on its own, so one that fails to define leaves the others usable. The command line, the Maven
 * plugin and tests find pipelines through it alike.
 */
public final class PipelineCatalog {
    private final ClassLoader loader;

    public PipelineCatalog(ClassLoader loader) {
        this.loader = loader;
    }

    public ClassLoader classLoader() {
        return loader;
    }

    /**
     * An entry of {@code fermion list}: the pipeline's name and what defines it (a class, or {@code CLASS#MEMBER}
     * for an annotated method or field), and the pipeline, or why defining it failed ({@code error}, with the name
     * the failure reported, or the class's simple name when it reported none).
     */
    public record Entry(String name, String className, Pipeline pipeline, RuntimeException error) {
        public boolean broken() {
            return error != null;
        }
    }

    private List<Entry> entries;

    /**
     * Every registered pipeline, each defined on its own: one that fails to define is a broken entry, and the
     * others are listed and usable all the same.
     */
    public List<Entry> list() {
        if (entries != null) {
            return entries;
        }
        List<Entry> found = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ServiceLoader.Provider<PipelineSource> provider :
                ServiceLoader.load(PipelineSource.class, loader).stream().toList()) {
            String className = provider.type().getName();
            if (seen.add(className)) {
                found.add(entry(className, () -> provider.get().pipeline()));
            }
        }
        for (String reference : indexed()) {
            if (seen.add(reference)) {
                found.add(entry(reference, () -> fromReference(reference)));
            }
        }
        found.sort(Comparator.comparing(Entry::name).thenComparing(Entry::className));
        entries = List.copyOf(found);
        return entries;
    }

    private static Entry entry(String reference, java.util.function.Supplier<Pipeline> define) {
        try {
            Pipeline pipeline = define.get();
            return new Entry(pipeline.name(), reference, pipeline, null);
        } catch (PipelineDefinitionException e) {
            return new Entry(e.pipeline(), reference, null, e);
        } catch (RuntimeException | LinkageError e) {
            Throwable cause =
                    e instanceof ExceptionInInitializerError init && init.getCause() != null ? init.getCause() : e;
            if (cause instanceof PipelineDefinitionException pde) {
                return new Entry(pde.pipeline(), reference, null, pde);
            }
            String simple = reference.substring(reference.lastIndexOf('.') + 1);
            return new Entry(
                    simple,
                    reference,
                    null,
                    new IllegalStateException(
                            "defining the pipeline of " + reference + " failed: "
                                    + (cause.getMessage() == null ? cause.toString() : cause.getMessage()),
                            cause));
        }
    }

    /** The pipelines {@code @FermionPipeline} lists on the classpath, in every jar and classes directory. */
    private List<String> indexed() {
        List<String> references = new ArrayList<>();
        try {
            for (URL url : java.util.Collections.list(loader.getResources(FermionPipeline.INDEX))) {
                try (var in = url.openStream()) {
                    new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                            .lines()
                            .map(String::strip)
                            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                            .forEach(references::add);
                }
            }
        } catch (java.io.IOException e) {
            throw new PipelineLookupException(
                    "cannot read the pipeline index " + FermionPipeline.INDEX + ": " + e.getMessage(), e);
        }
        return references;
    }

    /** Resolves a pipeline by its name or by what defines it; a broken pipeline fails with its own error. */
    public Pipeline find(String nameOrClass) {
        for (Entry entry : list()) {
            if (entry.name().equals(nameOrClass) || entry.className().equals(nameOrClass)) {
                if (entry.broken()) {
                    throw entry.error();
                }
                return entry.pipeline();
            }
        }
        if (nameOrClass.contains(".")) {
            return fromReference(nameOrClass);
        }
        List<String> known =
                list().stream().filter(e -> !e.broken()).map(Entry::name).toList();
        throw new UnknownPipelineException(nameOrClass, known);
    }

    /** {@code CLASS#MEMBER} (an annotated method or field) or a class. */
    private Pipeline fromReference(String reference) {
        int hash = reference.indexOf('#');
        if (hash < 0) {
            return fromClass(reference);
        }
        String className = reference.substring(0, hash);
        String member = reference.substring(hash + 1);
        Class<?> type = load(className);
        try {
            for (Method m : type.getMethods()) {
                if (m.getName().equals(member)
                        && Modifier.isStatic(m.getModifiers())
                        && m.getParameterCount() == 0
                        && m.getReturnType() == Pipeline.class) {
                    return (Pipeline) m.invoke(null);
                }
            }
            Field field = type.getField(member);
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == Pipeline.class) {
                return (Pipeline) field.get(null);
            }
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw definitionFailure(reference, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new PipelineLookupException("'" + reference + "' names no public static Pipeline method or field", e);
        }
        throw new PipelineLookupException("'" + reference + "' names no public static Pipeline method or field");
    }

    private static RuntimeException definitionFailure(String reference, Throwable cause) {
        if (cause instanceof PipelineDefinitionException pde) {
            return pde;
        }
        return new IllegalStateException("defining the pipeline in " + reference + " failed: " + cause, cause);
    }

    private Class<?> load(String className) {
        try {
            return Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            if (e instanceof ExceptionInInitializerError init
                    && init.getCause() instanceof PipelineDefinitionException pde) {
                throw pde;
            }
            throw new PipelineLookupException(
                    "class '" + className + "' is not on the classpath; pass your project's jar or "
                            + "classes directory with --classpath",
                    e);
        }
    }

    private Pipeline fromClass(String className) {
        Class<?> type = load(className);
        try {
            if (PipelineSource.class.isAssignableFrom(type)) {
                return ((PipelineSource) type.getConstructor().newInstance()).pipeline();
            }
            for (Method m : type.getMethods()) {
                if (Modifier.isStatic(m.getModifiers())
                        && m.getParameterCount() == 0
                        && m.getReturnType() == Pipeline.class) {
                    return (Pipeline) m.invoke(null);
                }
            }
            for (Field f : type.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == Pipeline.class) {
                    return (Pipeline) f.get(null);
                }
            }
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw definitionFailure(className, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new PipelineLookupException(
                    "cannot create " + className + ": it needs a public no-argument constructor", e);
        }
        throw new PipelineLookupException(
                "class '" + className + "' defines no pipeline: implement PipelineSource, or add a "
                        + "public static Pipeline field or no-argument method");
    }
}
