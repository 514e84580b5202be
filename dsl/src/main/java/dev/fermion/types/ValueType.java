package dev.fermion.types;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The type of a value that travels between steps. Parameters (scalars, enums, lists, maps and records)
 * travel as Argo parameters; {@link Artifact} types travel as artifacts.
 *
 * <p>Lists and maps are built with {@link #listOf(Class)} and {@link #mapOf(Class)}
 * ({@code ValueType.listOf(Double.class)}); any other generic type can be captured with an anonymous subclass,
 * {@code new ValueType<List<List<Double>>>() {}}.
 */
public abstract class ValueType<T> {

    /** How a value is carried between steps. */
    public enum Kind {
        STRING,
        INTEGER,
        LONG,
        DOUBLE,
        BOOLEAN,
        ENUM,
        LIST,
        MAP,
        RECORD,
        ARTIFACT
    }

    /** Read through {@link #type()}: list and generic types built in code override it. */
    private final Type type;

    private final Class<T> rawType;
    private final Kind kind;

    protected ValueType() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType parameterized)) {
            throw new IllegalStateException("ValueType must be created as new ValueType<X>() {}");
        }
        this.type = parameterized.getActualTypeArguments()[0];
        this.rawType = rawTypeOf(type);
        this.kind = kindOf(type, rawType);
    }

    private ValueType(Class<T> type) {
        this.type = type;
        this.rawType = type;
        this.kind = kindOf(type, type);
    }

    public static <T> ValueType<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return new ValueType<>(type) {};
    }

    /** The list type whose elements are {@code element}, e.g. {@code listOf(listOf(Double.class))}. */
    @SuppressWarnings("unchecked")
    public static <T> ValueType<List<T>> listOf(ValueType<T> element) {
        Type listType = new GenericTypeImpl(List.class, element.type());
        return new ValueType<List<T>>((Class<List<T>>) (Class<?>) List.class) {
            @Override
            public Type type() {
                return listType;
            }
        };
    }

    /** {@code List<element>}: {@code ValueType.listOf(Double.class)}. */
    public static <T> ValueType<List<T>> listOf(Class<T> element) {
        return listOf(of(element));
    }

    /** The map type from String keys to {@code value}s, {@code Map<String, value>}. */
    @SuppressWarnings("unchecked")
    public static <V> ValueType<Map<String, V>> mapOf(ValueType<V> value) {
        Type mapType = new GenericTypeImpl(Map.class, String.class, value.type());
        return new ValueType<Map<String, V>>((Class<Map<String, V>>) (Class<?>) Map.class) {
            @Override
            public Type type() {
                return mapType;
            }
        };
    }

    /** {@code Map<String, value>}: {@code ValueType.mapOf(Integer.class)}. */
    public static <V> ValueType<Map<String, V>> mapOf(Class<V> value) {
        return mapOf(of(value));
    }

    public Type type() {
        return type;
    }

    public Class<T> rawType() {
        return rawType;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isArtifact() {
        return kind == Kind.ARTIFACT;
    }

    public boolean isNumeric() {
        return kind == Kind.INTEGER || kind == Kind.LONG || kind == Kind.DOUBLE;
    }

    /** The element type of a list type. */
    public ValueType<?> elementType() {
        if (kind != Kind.LIST) {
            throw new IllegalStateException(this + " is not a list type");
        }
        Type element = type() instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : String.class;
        return fromType(element);
    }

    /** A readable name such as {@code List<Double>}, used in error messages and in generated docs. */
    public String displayName() {
        return type().getTypeName().replaceAll("[a-zA-Z0-9_$]+\\.", "");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ValueType<?> that && that.type().equals(type());
    }

    @Override
    public int hashCode() {
        return type().hashCode();
    }

    @Override
    public String toString() {
        return displayName();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static ValueType<?> fromType(Type type) {
        Class<?> raw = rawTypeOf(type);
        if (type instanceof Class<?>) {
            return of(raw);
        }
        Type captured = type;
        return new ValueType(raw) {
            @Override
            public Type type() {
                return captured;
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> rawTypeOf(Type type) {
        if (type instanceof Class<?> c) {
            return (Class<T>) c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<T>) p.getRawType();
        }
        throw new IllegalArgumentException("Unsupported value type " + type.getTypeName()
                + ": use a class, a List<...> or a Map<String, ...> of supported types");
    }

    private static Kind kindOf(Type type, Class<?> raw) {
        if (raw == String.class) return Kind.STRING;
        if (raw == Integer.class || raw == int.class) return Kind.INTEGER;
        if (raw == Long.class || raw == long.class) return Kind.LONG;
        if (raw == Double.class || raw == double.class) return Kind.DOUBLE;
        if (raw == Boolean.class || raw == boolean.class) return Kind.BOOLEAN;
        if (raw.isEnum()) return Kind.ENUM;
        if (List.class.isAssignableFrom(raw)) return Kind.LIST;
        if (Map.class.isAssignableFrom(raw)) {
            if (type instanceof ParameterizedType p && p.getActualTypeArguments()[0] != String.class) {
                throw new IllegalArgumentException("Map keys must be String, got " + type.getTypeName());
            }
            return Kind.MAP;
        }
        // Before the record test: the artifact types are records themselves.
        if (Artifact.class.isAssignableFrom(raw)) return Kind.ARTIFACT;
        if (raw.isRecord()) return Kind.RECORD;
        throw new IllegalArgumentException("Unsupported value type " + type.getTypeName()
                + ": use String, Integer, Long, Double, Boolean, an enum, a record, List/Map of these, "
                + "or an artifact type (Dataset, Model, Directory)");
    }

    /** {@code List<E>} or {@code Map<String, V>} built in code; equal to the same type captured by javac. */
    private record GenericTypeImpl(Class<?> raw, Type... arguments) implements ParameterizedType {
        @Override
        public Type[] getActualTypeArguments() {
            return arguments.clone();
        }

        @Override
        public Type getRawType() {
            return raw;
        }

        @Override
        public Type getOwnerType() {
            return null;
        }

        @Override
        public String getTypeName() {
            return raw.getName() + "<"
                    + String.join(
                            ", ",
                            java.util.Arrays.stream(arguments)
                                    .map(Type::getTypeName)
                                    .toList()) + ">";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ParameterizedType p
                    && p.getRawType() == raw
                    && p.getOwnerType() == null
                    && java.util.Arrays.equals(p.getActualTypeArguments(), arguments);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(arguments) ^ raw.hashCode();
        }

        @Override
        public String toString() {
            return getTypeName();
        }
    }
}
