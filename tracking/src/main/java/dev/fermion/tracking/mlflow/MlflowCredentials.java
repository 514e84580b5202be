package dev.fermion.tracking.mlflow;

import dev.fermion.contract.TrackingEnv;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How requests to MLflow authenticate, read from the variables MLflow's own clients use: a user name and
 * password ({@value TrackingEnv#USERNAME}, {@value TrackingEnv#PASSWORD}; HTTP basic auth, as MLflow's
 * {@code basic-auth} app expects) or a bearer token ({@value TrackingEnv#TOKEN}). Like MLflow's Python client,
 * a user name and password win over a token. The secrets are never part of {@link #toString()} or of any message.
 */
public final class MlflowCredentials {
    private static final MlflowCredentials NONE = new MlflowCredentials(null, "none");

    private final String authorization;
    private final String description;

    private MlflowCredentials(String authorization, String description) {
        this.authorization = authorization;
        this.description = description;
    }

    /** No credentials: the server is open. */
    public static MlflowCredentials none() {
        return NONE;
    }

    public static MlflowCredentials token(String token) {
        requireText(token, "the MLflow token");
        return new MlflowCredentials("Bearer " + token, "token");
    }

    public static MlflowCredentials basic(String username, String password) {
        requireText(username, "the MLflow user name");
        requireText(password, "the MLflow password");
        if (username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("the MLflow user name must not contain ':', which HTTP basic auth "
                    + "uses to separate it from the password");
        }
        String pair = username + ":" + password;
        return new MlflowCredentials(
                "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
                "user " + username);
    }

    /**
     * The credentials the environment gives: user name and password, else a token, else none.
     *
     * @throws IllegalArgumentException when only one of user name and password is set
     */
    public static MlflowCredentials fromEnvironment(Map<String, String> env) {
        String username = blankToNull(env.get(TrackingEnv.USERNAME));
        String password = blankToNull(env.get(TrackingEnv.PASSWORD));
        if (username != null && password != null) {
            return basic(username, password);
        }
        if (username != null || password != null) {
            String set = username != null ? TrackingEnv.USERNAME : TrackingEnv.PASSWORD;
            String unset = username != null ? TrackingEnv.PASSWORD : TrackingEnv.USERNAME;
            throw new IllegalArgumentException(set + " is set but " + unset + " is not: set both for an MLflow "
                    + "server with basic auth, or neither");
        }
        String token = blankToNull(env.get(TrackingEnv.TOKEN));
        return token != null ? token(token) : NONE;
    }

    /** The value of the {@code Authorization} header, if any. */
    public Optional<String> authorization() {
        return Optional.ofNullable(authorization);
    }

    public boolean present() {
        return authorization != null;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MlflowCredentials c && Objects.equals(authorization, c.authorization);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(authorization);
    }

    /** Says which kind of credentials, and the user name, never a secret. */
    @Override
    public String toString() {
        return "MlflowCredentials[" + description + "]";
    }
}
