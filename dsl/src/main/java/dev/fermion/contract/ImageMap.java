package dev.fermion.contract;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Images replaced by others, as {@code fermion run --image FROM=TO} and {@code fermion compile --image FROM=TO}
 * give them: on a machine or cluster that cannot pull {@code python:3.12-slim}, a step naming it runs
 * {@code localhost/python:3} instead. A name is replaced only when it is written exactly as {@code FROM}; the
 * pipeline itself keeps the name it was written with (and so do cache keys).
 */
public record ImageMap(Map<String, String> replacements) {
    /** A reference as Docker and Podman accept one: no whitespace, no shell or YAML metacharacters. */
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]*");

    public static final ImageMap NONE = new ImageMap(Map.of());

    public ImageMap {
        replacements = Map.copyOf(new TreeMap<>(replacements));
    }

    /**
     * Parses {@code FROM=TO} pairs.
     *
     * @throws IllegalArgumentException naming the pair that is not {@code FROM=TO} with two image references,
     *                                  or an image given two replacements
     */
    public static ImageMap parse(Collection<String> pairs) {
        Map<String, String> map = new TreeMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String from = eq < 0 ? "" : pair.substring(0, eq).trim();
            String to = eq < 0 ? "" : pair.substring(eq + 1).trim();
            if (!REFERENCE.matcher(from).matches() || !REFERENCE.matcher(to).matches()) {
                throw new IllegalArgumentException("'" + pair + "' is not IMAGE=REPLACEMENT with two image names, "
                        + "e.g. python:3.12-slim=localhost/python:3");
            }
            String before = map.put(from, to);
            if (before != null && !before.equals(to)) {
                throw new IllegalArgumentException(
                        "image " + from + " is mapped twice, to " + before + " and to " + to);
            }
        }
        return new ImageMap(map);
    }

    /** The image to use for {@code image}: its replacement, or itself. */
    public String apply(String image) {
        return replacements.getOrDefault(image, image);
    }

    public boolean isEmpty() {
        return replacements.isEmpty();
    }
}
