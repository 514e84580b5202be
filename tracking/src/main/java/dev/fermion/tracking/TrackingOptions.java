package dev.fermion.tracking;

import dev.fermion.tracking.mlflow.MlflowCredentials;
import dev.fermion.tracking.mlflow.RetryPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how to track.
 *
 * @param credentials   how requests authenticate; never printed
 * @param fermionHome   where the spool lives ({@code <home>/tracking/spool})
 * @param strict        fail the run when tracking fails, instead of spooling and going on
 * @param queueCapacity operations that may wait for the background sender before they overflow to the spool
 * @param closeTimeout  how long the end of a run waits for the sender before spooling the rest
 * @param projectDir    where to look for {@code .git} to tag runs with the commit, or null
 */
public record TrackingOptions(
        URI trackingUri,
        MlflowCredentials credentials,
        Path fermionHome,
        boolean strict,
        int queueCapacity,
        Duration closeTimeout,
        RetryPolicy retry,
        Path projectDir) {

    public TrackingOptions {
        credentials = credentials == null ? MlflowCredentials.none() : credentials;
    }

    /**
     * Non-strict tracking to {@code trackingUri} with the credentials of this process's environment
     * ({@link MlflowCredentials#fromEnvironment}).
     *
     * @throws IllegalArgumentException when the environment's credentials are incomplete
     */
    public static TrackingOptions of(URI trackingUri, Path fermionHome) {
        return of(trackingUri, MlflowCredentials.fromEnvironment(System.getenv()), fermionHome);
    }

    /** Non-strict tracking to {@code trackingUri} with {@code credentials}. */
    public static TrackingOptions of(URI trackingUri, MlflowCredentials credentials, Path fermionHome) {
        return new TrackingOptions(
                trackingUri,
                credentials,
                fermionHome,
                false,
                10_000,
                Duration.ofMinutes(2),
                RetryPolicy.defaults(),
                Path.of("").toAbsolutePath());
    }

    public TrackingOptions withStrict(boolean value) {
        return new TrackingOptions(
                trackingUri, credentials, fermionHome, value, queueCapacity, closeTimeout, retry, projectDir);
    }

    public TrackingOptions withRetry(RetryPolicy value) {
        return new TrackingOptions(
                trackingUri, credentials, fermionHome, strict, queueCapacity, closeTimeout, value, projectDir);
    }

    public TrackingOptions withProjectDir(Path value) {
        return new TrackingOptions(
                trackingUri, credentials, fermionHome, strict, queueCapacity, closeTimeout, retry, value);
    }

    @Override
    public String toString() {
        return "TrackingOptions[trackingUri=" + trackingUri + ", credentials=" + credentials + ", fermionHome="
                + fermionHome + ", strict=" + strict + "]";
    }
}
