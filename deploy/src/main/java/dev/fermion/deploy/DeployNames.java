package dev.fermion.deploy;

import java.util.regex.Pattern;

/**
 * The checks on names and versions. A deployment's name becomes a Kubernetes object name, a model name in
 * URLs and a file name in the local registry, so it follows the strictest of these: a DNS-1035 label short
 * enough to take the {@code -canary} suffix. A version becomes a label value and a directory name.
 */
public final class DeployNames {
    public static final int MAX_NAME = 63 - "-canary".length();
    private static final Pattern NAME = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    private DeployNames() {}

    public static String name(String name) {
        if (name == null || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Deployment name '" + name + "' is not usable: use lower-case letters, "
                    + "digits and '-', starting with a letter and ending with a letter or digit, at most " + MAX_NAME
                    + " characters, since it names Kubernetes objects, URLs and files");
        }
        return name;
    }

    public static String version(String version) {
        if (version == null
                || version.length() > 63
                || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("Model version '" + version + "' is not usable: use letters, digits, "
                    + "'-', '_' and '.', starting and ending with a letter or digit, at most 63 characters, since it "
                    + "becomes a Kubernetes label value and a directory name");
        }
        return version;
    }
}
