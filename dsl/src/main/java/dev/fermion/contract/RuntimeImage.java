package dev.fermion.contract;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The names of Fermion's runtime images: what the compiler writes for Java steps unless told otherwise, and what a
 * deploy step's model server runs outside a compiled workflow. Their default tag is the version of this code, so a
 * workflow runs the image of the Fermion that compiled it.
 */
public final class RuntimeImage {
    public static final String DEFAULT_REGISTRY = "ghcr.io/fermion-ml";
    public static final String DEFAULT_REPOSITORY = "fermion-runtime";
    public static final String DEFAULT_GPU_REPOSITORY = "fermion-runtime-gpu";
    /** Only when this code runs from classes that Maven did not build (the version file is not filtered). */
    private static final String FALLBACK_VERSION = "0.1.0-SNAPSHOT";

    private RuntimeImage() {}

    /** {@code registry/repository:tag}; an empty registry names a local image, {@code repository:tag}. */
    public static String name(String registry, String repository, String tag) {
        String prefix = registry.isEmpty() ? "" : registry.replaceAll("/+$", "") + "/";
        return prefix + repository + ":" + tag;
    }

    /** The default runtime image for CPU steps or, with {@code gpu}, for GPU steps. */
    public static String defaultName(boolean gpu) {
        return name(DEFAULT_REGISTRY, gpu ? DEFAULT_GPU_REPOSITORY : DEFAULT_REPOSITORY, fermionVersion());
    }

    /** The version this code was built as. */
    public static String fermionVersion() {
        try (InputStream in = RuntimeImage.class.getResourceAsStream("fermion-version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String version = p.getProperty("version", "");
                if (!version.isBlank() && !version.contains("${")) {
                    return version.trim();
                }
            }
        } catch (IOException e) {
            return FALLBACK_VERSION;
        }
        String implementation = RuntimeImage.class.getPackage().getImplementationVersion();
        return implementation != null ? implementation : FALLBACK_VERSION;
    }
}
