package dev.fermion.tracking;

import dev.fermion.tracking.mlflow.RetryPolicy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how to track.
 *
 * @param token         bearer token for the server, or null; never printed
 * @param fermionHome   where the spool lives ({@code <home>/tracking/spool})
 * @param strict        fail the run when tracking fails, instead of spooling and going on
 * @param queueCapacity operations that may wait for the background sender before they overflow to the spool
 * @param closeTimeout  how long the end of a run waits for the sender before spooling the rest
 * @param projectDir    where to look for {@code .git} to tag runs with the commit, or null
 */
public record TrackingOptions(URI trackingUri, String token, Path fermionHome, boolean strict, int queueCapacity,
                              Duration closeTimeout, RetryPolicy retry, Path projectDir) {

    /** Non-strict tracking to {@code trackingUri} with the token from {@code MLFLOW_TRACKING_TOKEN}. */
    public static TrackingOptions of(URI trackingUri, Path fermionHome) {
        return new TrackingOptions(trackingUri, System.getenv("MLFLOW_TRACKING_TOKEN"), fermionHome, false,
                10_000, Duration.ofMinutes(2), RetryPolicy.defaults(), Path.of("").toAbsolutePath());
    }

    public TrackingOptions withStrict(boolean value) {
        return new TrackingOptions(trackingUri, token, fermionHome, value, queueCapacity, closeTimeout, retry,
                projectDir);
    }

    public TrackingOptions withRetry(RetryPolicy value) {
        return new TrackingOptions(trackingUri, token, fermionHome, strict, queueCapacity, closeTimeout, value,
                projectDir);
    }

    @Override
    public String toString() {
        // Keeps the token out of logs and exception messages that print the options.
        return "TrackingOptions[trackingUri=" + trackingUri + ", token=" + (token == null ? "none" : "***")
                + ", fermionHome=" + fermionHome + ", strict=" + strict + "]";
    }
}
