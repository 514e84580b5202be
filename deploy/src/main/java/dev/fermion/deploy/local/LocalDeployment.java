package dev.fermion.deploy.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.net.URI;
import java.util.Objects;

/**
 * One entry of the local registry, {@code deployments/<name>.json} under the Fermion home: the server that
 * serves {@code name} now (or last did, once stopped) and the version before it, for rollback.
 *
 * @param pid          the server's process id; with {@code processStart} it identifies the process even
 *                     after the id is reused; null once stopped
 * @param processStart when the operating system says the process started, ISO-8601; null if it cannot tell
 * @param url          the server's base URL, e.g. {@code http://127.0.0.1:40123}
 * @param modelPath    the registry's own copy of the bundle, which outlives the run that trained it
 * @param modelDigest  the bundle's {@link dev.fermion.deploy.ModelDigest}; null in records written before
 *                     digests were kept
 * @param runId        the run that started the server, so that run's end can stop it
 * @param keepRunning  false: stopped when {@code runId} ends
 * @param stoppedAt    when it was stopped, ISO-8601; null while it should be serving
 * @param previous     the version served before this one, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LocalDeployment(
        String name,
        String version,
        Long pid,
        String processStart,
        String url,
        String modelPath,
        String modelDigest,
        String runId,
        String startedAt,
        boolean keepRunning,
        String stoppedAt,
        Version previous) {

    /** A version that was served: what rollback starts again. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Version(String version, String modelPath) {
        public Version {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(modelPath, "modelPath");
        }
    }

    public LocalDeployment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(modelPath, "modelPath");
    }

    /** The Open Inference Protocol URL of the model: append {@code /infer}, {@code /ready}. */
    public URI modelUrl() {
        return URI.create(url + "/v2/models/" + name);
    }

    public Version asVersion() {
        return new Version(version, modelPath);
    }

    LocalDeployment stopped(String at) {
        return new LocalDeployment(
                name, version, null, null, url, modelPath, modelDigest, runId, startedAt, keepRunning, at, previous);
    }

    /** The same server, stopped by the end of run {@code runId} unless {@code keepRunning}. */
    LocalDeployment lifetime(String runId, boolean keepRunning) {
        return new LocalDeployment(
                name,
                version,
                pid,
                processStart,
                url,
                modelPath,
                modelDigest,
                runId,
                startedAt,
                keepRunning,
                stoppedAt,
                previous);
    }
}
