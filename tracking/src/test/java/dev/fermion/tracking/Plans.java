package dev.fermion.tracking;

import dev.fermion.dsl.StepOptions;
import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Plans and components for tracker tests; the tracker reads only their names and versions. */
final class Plans {
    private Plans() {
    }

    static Plan plan(String name, String experiment) {
        return new Plan(name, experiment, "Trains and evaluates a classifier.", "1.2.0", List.of(),
                new Graph(name, List.of(), List.of(), List.of()), Optional.empty(), StepOptions.NONE,
                Optional.empty(), Map.of());
    }

    static ComponentSpec component(String className) {
        return new ComponentSpec(className, "3", List.of(), List.of());
    }
}
