package dev.fermion.serving.model;

/**
 * A request refused because every worker of its model is busy and its queue of waiting requests is full:
 * the server answers it at once rather than let waiting requests pile up without bound.
 */
public final class AtCapacityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AtCapacityException(String model, int workers, int maxQueued) {
        super("Model '" + model + "' is at capacity: its " + workers + " worker" + (workers == 1 ? " is" : "s are")
                + " busy and " + maxQueued + " request" + (maxQueued == 1 ? " waits" : "s wait")
                + "; retry later");
    }
}
