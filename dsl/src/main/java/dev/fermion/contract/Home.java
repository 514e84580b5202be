package dev.fermion.contract;

import java.nio.file.Path;

/**
 * The Fermion home: where local runs, the step cache, published models and local endpoints live. The
 * system property {@value #PROPERTY} wins, so that {@code fermion run --home DIR} reaches steps running in
 * its own JVM; then the environment variable {@value #ENVIRONMENT}, which step processes and pods inherit;
 * then {@code ~/.fermion}.
 */
public final class Home {
    public static final String PROPERTY = "fermion.home";
    public static final String ENVIRONMENT = "FERMION_HOME";

    private Home() {}

    public static Path directory() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv(ENVIRONMENT);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".fermion");
    }
}
