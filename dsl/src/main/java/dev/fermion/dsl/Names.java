package dev.fermion.dsl;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The naming rules shared by the DSL and every backend. Step, loop and pipeline names become Kubernetes
 * and Argo names (DNS-1123 labels); port and parameter names become Argo parameter names.
 */
public final class Names {
    /** DNS-1123 label: what Argo accepts for task names and what Kubernetes accepts for most names. */
    public static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** Argo parameter and artifact names. */
    public static final Pattern PORT = Pattern.compile("[a-zA-Z][a-zA-Z0-9_-]*");
    public static final int MAX_LABEL = 63;

    private Names() {
    }

    /**
     * Turns a user-supplied name into a DNS-1123 label when that is safe: case is folded and runs of
     * characters other than letters and digits become one dash. Returns null when nothing usable is left.
     */
    public static String sanitize(String name) {
        if (name == null) {
            return null;
        }
        String s = name.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (s.isEmpty() || s.length() > MAX_LABEL) {
            return null;
        }
        return s;
    }

    static String requirePortName(String name) {
        if (name == null || !PORT.matcher(name).matches() || name.length() > MAX_LABEL) {
            throw new IllegalArgumentException("Invalid port name '" + name + "': use letters, digits, '-' or '_', "
                    + "starting with a letter, at most " + MAX_LABEL + " characters (for example \"learning-rate\")");
        }
        return name;
    }
}
