package dev.fermion.runtime.container;

/**
 * A container or script step that cannot start on this machine: no working container engine, an engine
 * that was asked for but does not work, or a command host mode cannot run. The message names the step and
 * says how to proceed; command-line runs exit with {@link #EXIT_CODE}, like other setup errors.
 */
public class ContainerSetupException extends RuntimeException {
    public static final int EXIT_CODE = 2;

    public ContainerSetupException(String message) {
        super(message);
    }
}
