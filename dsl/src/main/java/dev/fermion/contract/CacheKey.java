package dev.fermion.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one definition of a step's cache key, used by the local runner and (as Argo {@code memoize}) by the
 * compiler: a SHA-256 over the component's identity, its declared version, a digest of its code, the
 * encoded value of every parameter input, and the content digest of every input artifact. Two runs share
 * a result exactly when all of these are equal.
 *
 * <p>Parameter values are hashed in the form they travel in a workflow ({@link ValueCodec#armour}), since that
 * is the text Argo's {@code memoize} expression sees; the local runner passes plain values, so both backends
 * key the same inputs alike.
 */
public final class CacheKey {
    public static final String SCHEME = "fermion-cache-v1";
    /** How the digest of a step's external sources starts its line of the material. */
    public static final String SOURCE_FIELD = "source=";

    private CacheKey() {}

    /**
     * The text that is hashed, one field per line, maps sorted by name, so the same inputs give the same key
     * in every JVM and on every machine.
     */
    public static String material(
            String component,
            String version,
            String codeDigest,
            Map<String, String> params,
            Map<String, String> inputDigests) {
        return material(component, version, codeDigest, params, inputDigests, null);
    }

    /**
     * As {@link #material(String, String, String, Map, Map)}, for a step that reads data from outside the
     * pipeline: {@code sourceDigest} (its digest of what it reads, or null) is the last line.
     */
    public static String material(
            String component,
            String version,
            String codeDigest,
            Map<String, String> params,
            Map<String, String> inputDigests,
            String sourceDigest) {
        StringBuilder b = new StringBuilder(SCHEME)
                .append('\n')
                .append("component=")
                .append(escape(component))
                .append('\n')
                .append("version=")
                .append(escape(version))
                .append('\n')
                .append("code=")
                .append(escape(codeDigest))
                .append('\n');
        new TreeMap<>(params)
                .forEach((k, v) -> b.append("param:")
                        .append(escape(k))
                        .append('=')
                        .append(escape(ValueCodec.armour(v)))
                        .append('\n'));
        new TreeMap<>(inputDigests)
                .forEach((k, v) -> b.append("input:")
                        .append(escape(k))
                        .append('=')
                        .append(escape(v))
                        .append('\n'));
        if (sourceDigest != null) {
            b.append(SOURCE_FIELD).append(escape(sourceDigest)).append('\n');
        }
        return b.toString();
    }

    /**
     * Keeps every field on its own line: a value holding a line break (a string parameter can) would
     * otherwise read as further fields, and two different sets of inputs would share a key.
     */
    private static String escape(String field) {
        return field.replace("\\", "\\\\").replace("\n", "\\n");
    }

    public static String compute(
            String component,
            String version,
            String codeDigest,
            Map<String, String> params,
            Map<String, String> inputDigests) {
        return compute(component, version, codeDigest, params, inputDigests, null);
    }

    public static String compute(
            String component,
            String version,
            String codeDigest,
            Map<String, String> params,
            Map<String, String> inputDigests,
            String sourceDigest) {
        return sha256(material(component, version, codeDigest, params, inputDigests, sourceDigest));
    }

    public static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
