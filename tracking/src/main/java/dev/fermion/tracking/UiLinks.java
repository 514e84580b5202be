package dev.fermion.tracking;

import java.util.Map;

/**
 * Pages of the MLflow UI for a tracked pipeline run. {@code run} is null, and steps or models are missing,
 * while what they show has not reached MLflow (it may be waiting in the spool).
 *
 * @param steps  step path to its child run's page
 * @param models "step/output" to the logged model's page
 */
public record UiLinks(String experiment, String run, Map<String, String> steps, Map<String, String> models) {
    public UiLinks {
        steps = Map.copyOf(steps);
        models = Map.copyOf(models);
    }
}
