package dev.fermion.runtime.local;

/**
 * Hears about a run while it happens (the terminal view, tests). Calls come from runner threads, possibly
 * several at once; implementations must be thread-safe and quick.
 */
public interface RunListener {
    RunListener NONE = new RunListener() { };

    default void runStarted(RunRecord run) {
    }

    default void stepChanged(StepRecord step) {
    }

    default void runFinished(RunRecord run) {
    }
}
