package dev.fermion.runtime.local;

/** Runs one step attempt to its end; blocking, called on a runner pool thread. */
interface AttemptRunner {
    AttemptOutcome run(Attempt attempt);

    /**
     * Writes the step's digest of its external sources ({@code Component#sourceDigest}) to {@code digestFile},
     * where its attempts would run, so the cache key covers what the step will read; blocking.
     */
    AttemptOutcome digestSources(Attempt attempt, java.nio.file.Path digestFile);

    /** Called once, as the run ends and after its last attempt. */
    default void close() {}

    static AttemptRunner of(RunOptions options, ExternalSteps external) {
        if (options.isolation() == Isolation.PROCESS) {
            return new ProcessAttempts(options.classpath(), options.home().root());
        }
        if (options.isolation() == Isolation.CONTAINER) {
            return external.javaSteps(options, new InProcessAttempts(options.classLoader()));
        }
        return new InProcessAttempts(options.classLoader());
    }

    static String timeoutMessage(Attempt attempt) {
        return "step '" + attempt.spec().step() + "' timed out after "
                + attempt.timeout().toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                + " (its timeout); the attempt was stopped";
    }
}
