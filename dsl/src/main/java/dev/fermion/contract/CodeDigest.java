package dev.fermion.contract;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A digest of a component's bytecode (the class, its superclasses below {@code dev.fermion.dsl}, and its
 * nested classes), so editing a component's code changes its cache key even when nobody bumps its version.
 */
public final class CodeDigest {
    private static final Map<Class<?>, String> CACHE = new ConcurrentHashMap<>();

    private CodeDigest() {}

    public static String of(Class<?> type) {
        return CACHE.computeIfAbsent(type, CodeDigest::compute);
    }

    private static String compute(Class<?> type) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Class<?>> classes = new ArrayList<>();
            for (Class<?> c = type;
                    c != null && !c.getName().startsWith("dev.fermion.dsl.") && c != Object.class;
                    c = c.getSuperclass()) {
                classes.add(c);
                addNested(c, classes);
            }
            classes.sort(Comparator.comparing(Class::getName));
            for (Class<?> c : classes) {
                md.update(c.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(bytecode(c));
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    private static void addNested(Class<?> c, List<Class<?>> into) {
        for (Class<?> nested : c.getDeclaredClasses()) {
            into.add(nested);
            addNested(nested, into);
        }
    }

    private static byte[] bytecode(Class<?> c) {
        String resource = c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = c.getResourceAsStream(resource)) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bytecode of " + c.getName(), e);
        }
    }
}
