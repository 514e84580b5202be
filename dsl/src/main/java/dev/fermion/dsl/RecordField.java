package dev.fermion.dsl;

import dev.fermion.types.ValueType;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.function.Function;

/**
 * A component of a record named by its accessor, {@code Trial::learningRate}, for {@link Value#get}: javac
 * checks that the accessor belongs to the record and gives the component's type; Fermion reads the name from
 * the method reference.
 */
@FunctionalInterface
public interface RecordField<R, F> extends Function<R, F>, Serializable {

    /** The component's name and value type. */
    record Resolved(String name, ValueType<?> type) {}

    /** @throws IllegalArgumentException when {@code field} is not a method reference to a component of {@code record} */
    static Resolved resolve(RecordField<?, ?> field, ValueType<?> record) {
        if (record.kind() != ValueType.Kind.RECORD) {
            throw new IllegalArgumentException(
                    "get(...) reads a component of a record value; this value is a " + record.displayName());
        }
        String method = implementation(field);
        for (RecordComponent component : record.rawType().getRecordComponents()) {
            if (component.getName().equals(method)) {
                try {
                    Class<?> raw = component.getType();
                    // javac boxes a primitive component for the method reference, so the value type is the box.
                    java.lang.reflect.Type type = raw.isPrimitive()
                            ? java.lang.invoke.MethodType.methodType(raw).wrap().returnType()
                            : component.getGenericType();
                    return new Resolved(component.getName(), ValueType.fromType(type));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "component '" + method + "' of " + record.displayName() + " cannot travel between steps: "
                                    + e.getMessage(),
                            e);
                }
            }
        }
        RecordComponent[] components = record.rawType().getRecordComponents();
        String name = sourceName(record.rawType());
        String example = name + "::" + (components.length == 0 ? "component" : components[0].getName());
        throw new IllegalArgumentException("get(...) takes a method reference to an accessor of " + name + ", such as "
                + example + (method.startsWith("lambda$") ? ", not a lambda" : ", not " + method + "(...)"));
    }

    /** The class as source code names it: {@code Fixtures.Trial} for a nested record. */
    private static String sourceName(Class<?> type) {
        String canonical = type.getCanonicalName() != null ? type.getCanonicalName() : type.getName();
        String pkg = type.getPackageName();
        return pkg.isEmpty() ? canonical : canonical.substring(pkg.length() + 1);
    }

    private static String implementation(RecordField<?, ?> field) {
        try {
            Method writeReplace = field.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            SerializedLambda lambda = (SerializedLambda) writeReplace.invoke(field);
            return lambda.getImplMethodName();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "get(...) takes a method reference to a record accessor, such as " + "Trial::learningRate", e);
        }
    }
}
