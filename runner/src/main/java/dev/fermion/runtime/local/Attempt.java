package dev.fermion.runtime.local;

import dev.fermion.contract.LaunchSpec;
import dev.fermion.runtime.launch.StepBody;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One attempt to hand to an {@link AttemptRunner}: the launcher arguments plus where its log goes; {@code image}
 * is the step's own image option (null: the runtime image), and {@code network} the engine network of the step's
 * sidecars (null: none), for {@link Isolation#CONTAINER}.
 */
record Attempt(
        LaunchSpec spec,
        Path logFile,
        Map<String, String> env,
        Duration timeout,
        StepBody replacement,
        String image,
        String network) {
    Attempt(
            LaunchSpec spec,
            Path logFile,
            Map<String, String> env,
            Duration timeout,
            StepBody replacement,
            String image) {
        this(spec, logFile, env, timeout, replacement, image, null);
    }
}
