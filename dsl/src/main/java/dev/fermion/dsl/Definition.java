package dev.fermion.dsl;

import dev.fermion.types.ValueType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a step runs: a Java {@link Component} or a {@link SubPipeline}. Its ports are the
 * {@code public static final} {@link Input} and {@link Output} fields of its class, found once by
 * reflection, so the class itself is the single description of its interface.
 */
public abstract class Definition {
    private static final Map<Class<?>, Ports> PORTS = new ConcurrentHashMap<>();

    protected Definition() {}

    protected static <T> Input<T> input(String name, Class<T> type) {
        return new Input<>(name, ValueType.of(type), null, false, null);
    }

    protected static <T> Input<T> input(String name, ValueType<T> type) {
        return new Input<>(name, type, null, false, null);
    }

    protected static <T> Output<T> output(String name, Class<T> type) {
        return new Output<>(name, ValueType.of(type), null);
    }

    protected static <T> Output<T> output(String name, ValueType<T> type) {
        return new Output<>(name, type, null);
    }

    /**
     * The version of this definition's behaviour. Part of every cache key together with a digest of the
     * class's bytecode, so a code change invalidates cached results even if nobody bumps the version.
     */
    public String version() {
        return "1";
    }

    /**
     * False for definitions whose result depends on, or changes, something outside the pipeline: reading a
     * file path, a table or a URL without digesting it (a cache key would see the path, not what it points
     * to; see {@link Component#sourceDigest}), or publishing, deploying or notifying (a cache hit would skip
     * the effect). Such steps are cached only when the step asks for it with {@code cached()}, so a cache hit
     * never hides a changed file or a missing deployment.
     */
    public boolean cacheableByDefault() {
        return true;
    }

    /**
     * True for a definition that cannot run without a GPU (CUDA kernels, a model too large for a CPU). Its steps
     * get one GPU unless they ask for more, and a local run on a machine without a GPU stops before its first step
     * with a message naming them, instead of running them on the CPU as it does steps that merely ask for GPUs.
     */
    public boolean requiresGpu() {
        return false;
    }

    public final Ports ports() {
        return ports(getClass());
    }

    public static Ports ports(Class<? extends Definition> type) {
        return PORTS.computeIfAbsent(type, Definition::discover);
    }

    private static Ports discover(Class<?> type) {
        Map<String, Input<?>> inputs = new LinkedHashMap<>();
        Map<String, Output<?>> outputs = new LinkedHashMap<>();
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> c = type; c != null && Definition.class.isAssignableFrom(c); c = c.getSuperclass()) {
            hierarchy.add(0, c);
        }
        for (Class<?> c : hierarchy) {
            for (Field field : c.getDeclaredFields()) {
                int mod = field.getModifiers();
                if (!Modifier.isStatic(mod) || !(Input.class == field.getType() || Output.class == field.getType())) {
                    continue;
                }
                Object value = read(field);
                if (value instanceof Input<?> in) {
                    putUnique(type, inputs, in.name(), in, "input");
                } else if (value instanceof Output<?> out) {
                    putUnique(type, outputs, out.name(), out, "output");
                }
            }
        }
        requireOwnNames(type, inputs, outputs);
        return new Ports(List.copyOf(inputs.values()), List.copyOf(outputs.values()));
    }

    /**
     * Fermion names a few Argo parameters after ports: {@code fermion-*} inputs, and {@code A-digest} and
     * {@code A-inline} beside artifact {@code A}. A port with such a name would be declared twice.
     */
    private static void requireOwnNames(Class<?> type, Map<String, Input<?>> inputs, Map<String, Output<?>> outputs) {
        for (String name : inputs.keySet()) {
            if (name.startsWith("fermion-")) {
                throw new IllegalStateException(type.getName() + " declares input '" + name + "': names starting with "
                        + "'fermion-' are Fermion's own; rename the port");
            }
        }
        inputs.values().stream().filter(i -> i.type().isArtifact()).forEach(artifact -> {
            for (String suffix : List.of("-digest", "-inline")) {
                if (inputs.containsKey(artifact.name() + suffix)) {
                    throw new IllegalStateException(type.getName() + " declares input '" + artifact.name() + suffix
                            + "' beside artifact input '" + artifact.name() + "', whose " + suffix.substring(1)
                            + " Fermion passes under that name; rename the port");
                }
            }
        });
        outputs.values().stream().filter(o -> o.type().isArtifact()).forEach(artifact -> {
            if (outputs.containsKey(artifact.name() + "-digest")) {
                throw new IllegalStateException(type.getName() + " declares output '" + artifact.name()
                        + "-digest' beside " + "artifact output '" + artifact.name()
                        + "', whose digest Fermion outputs under that name; rename the port");
            }
        });
    }

    private static <P> void putUnique(Class<?> type, Map<String, P> ports, String name, P port, String kind) {
        if (ports.putIfAbsent(name, port) != null && ports.get(name) != port) {
            throw new IllegalStateException(type.getName() + " declares two " + kind + "s named '" + name
                    + "': port names must be unique per component");
        }
    }

    private static Object read(Field field) {
        try {
            field.setAccessible(true);
            return field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot read port field " + field, e);
        }
    }

    /** The ports of a definition, in declaration order. Lookups are by identity of the declared field. */
    public record Ports(List<Input<?>> inputs, List<Output<?>> outputs) {
        public boolean declares(Input<?> input) {
            return identityContains(inputs, input);
        }

        public boolean declares(Output<?> output) {
            return identityContains(outputs, output);
        }

        public Optional<Input<?>> input(String name) {
            return inputs.stream().filter(i -> i.name().equals(name)).findFirst();
        }

        public Optional<Output<?>> output(String name) {
            return outputs.stream().filter(o -> o.name().equals(name)).findFirst();
        }

        private static boolean identityContains(List<?> ports, Object port) {
            return ports.stream().anyMatch(p -> p == port || samePort(p, port));
        }

        /** Ports are immutable values; two fields declaring the same name and type are the same port. */
        private static boolean samePort(Object a, Object b) {
            if (a instanceof Input<?> x && b instanceof Input<?> y) {
                return x.name().equals(y.name()) && x.type().equals(y.type());
            }
            if (a instanceof Output<?> x && b instanceof Output<?> y) {
                return x.name().equals(y.name()) && x.type().equals(y.type());
            }
            return false;
        }

        public List<Input<?>> requiredInputs() {
            return Collections.unmodifiableList(
                    inputs.stream().filter(Input::isRequired).toList());
        }
    }
}
