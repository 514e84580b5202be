package dev.fermion.plan;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The naming rules shared by the DSL and every backend. Step, loop and pipeline names become Kubernetes
 * and Argo names (DNS-1123 labels); port and parameter names become Argo parameter names.
 */
public final class Names {
    /** DNS-1123 label: what Argo accepts for task names and what Kubernetes accepts for most names. */
    /** Kubernetes resource quantity syntax, e.g. {@code 500m}, {@code 2}, {@code 4Gi}, {@code 1.5G}. */
    public static final Pattern QUANTITY =
            Pattern.compile("^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][0-9]+)?$");

    public static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** Argo parameter and artifact names. */
    public static final Pattern PORT = Pattern.compile("[a-zA-Z][a-zA-Z0-9_-]*");

    public static final int MAX_LABEL = 63;

    private Names() {}

    /**
     * Turns a user-supplied name into a DNS-1123 label when that is safe: case is folded and runs of
     * characters other than letters and digits become one dash. Returns null when nothing usable is left.
     */
    public static String sanitize(String name) {
        if (name == null) {
            return null;
        }
        if (isLabel(name)) {
            return name; // already what the rewriting below would make of it; most names are, and it is on every step
        }
        String s = name.trim()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (s.isEmpty() || s.length() > MAX_LABEL) {
            return null;
        }
        return s;
    }

    /** Whether {@code name} is a DNS-1123 label without a double dash: what {@link #sanitize} leaves unchanged. */
    private static boolean isLabel(String name) {
        int length = name.length();
        if (length == 0 || length > MAX_LABEL || name.charAt(0) == '-' || name.charAt(length - 1) == '-') {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            if (c == '-' ? name.charAt(i - 1) == '-' : !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private static final String K8S_NAME = "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?";
    /** A Kubernetes label or annotation key: an optional DNS prefix and '/', then a name. */
    public static final Pattern LABEL_KEY =
            Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?" + K8S_NAME);

    public static final Pattern LABEL_VALUE = Pattern.compile("(" + K8S_NAME + ")?");
    /** A DNS-1123 subdomain: most Kubernetes object names. */
    public static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /**
     * {@code text} if Argo would take it as it is: it must hold no <code>{{</code> or <code>}}</code>, which Argo evaluates
     * in any text of a workflow (labels, annotations, images, selectors, environment values) where no armour
     * can protect it. Checked when a pipeline is defined, so a local run and the compiler agree.
     *
     * @throws IllegalArgumentException naming {@code what}
     */
    public static String requirePlain(String text, String what) {
        if (text != null && (text.contains("{{") || text.contains("}}"))) {
            throw new IllegalArgumentException(
                    "The " + what + " '" + text + "' contains '{{' or '}}', which Argo would "
                            + "evaluate as an expression; remove the braces (pass such text as a step input instead)");
        }
        return text;
    }

    public static String requirePortName(String name) {
        if (name == null || !PORT.matcher(name).matches() || name.length() > MAX_LABEL) {
            throw new IllegalArgumentException("Invalid port name '" + name + "': use letters, digits, '-' or '_', "
                    + "starting with a letter, at most " + MAX_LABEL + " characters (for example \"learning-rate\")");
        }
        return name;
    }
}
