package dev.fermion.plan;

import java.util.Objects;

/**
 * A value the pipeline declares as one of its results ({@code p.result(...)}): what a run of it is
 * compared by, shown in the run's summary and on its tracking run.
 */
public record ResultSpec(String name, Expr value) {
    public ResultSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
