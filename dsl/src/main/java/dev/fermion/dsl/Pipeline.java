package dev.fermion.dsl;

import dev.fermion.plan.Lifecycle;
import dev.fermion.plan.Names;
import dev.fermion.plan.Plan;
import dev.fermion.plan.Schedule;
import dev.fermion.plan.StepOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A validated, immutable pipeline. Build one with {@link #named}:
 *
 * <pre>{@code
 * Pipeline iris = Pipeline.named("iris-classifier").experiment("iris")
 *     .defaults(d -> d.memory("2Gi").retries(2))
 *     .define(p -> { ... });
 * }</pre>
 *
 * Every definition error is raised by {@code define} as a {@link PipelineDefinitionException} naming the
 * pipeline, the step and the fix.
 */
public final class Pipeline {
    /** The longest name of a scheduled pipeline: its CronWorkflow's workflows get a suffix of 11 characters. */
    static final int MAX_CRON_NAME = 52;

    private final Plan plan;

    private Pipeline(Plan plan) {
        this.plan = plan;
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    public String name() {
        return plan.name();
    }

    /** The backend-neutral plan that compilers and runners consume. */
    public Plan plan() {
        return plan;
    }

    @Override
    public String toString() {
        return "Pipeline(" + plan.name() + ")";
    }

    /** Pipeline-wide settings, then {@link #define}. */
    public static final class Builder {
        private final String name;
        String experiment;
        String description;
        String version;
        Schedule schedule;
        StepOptions defaults = StepOptions.NONE;
        Lifecycle lifecycle = Lifecycle.NONE;

        private Builder(String name) {
            String clean = Names.sanitize(name);
            if (clean == null) {
                throw new PipelineDefinitionException(
                        String.valueOf(name),
                        null,
                        "not a usable pipeline name: use letters, digits and '-', at most " + Names.MAX_LABEL
                                + " characters");
            }
            this.name = clean;
        }

        /** The MLflow experiment runs are tracked in; defaults to the pipeline name. */
        public Builder experiment(String value) {
            this.experiment = plain(Objects.requireNonNull(value, "experiment"), "experiment name");
            return this;
        }

        public Builder description(String value) {
            this.description = plain(value, "description");
            return this;
        }

        /** The pipeline's own version, recorded with every run. */
        public Builder version(String value) {
            this.version = plain(value, "version");
            return this;
        }

        /** Metadata Argo keeps as annotations, where it would evaluate an expression. */
        private String plain(String value, String what) {
            try {
                return Names.requirePlain(value, what);
            } catch (IllegalArgumentException e) {
                throw new PipelineDefinitionException(name, null, e.getMessage(), e);
            }
        }

        /** Makes the pipeline schedulable as a CronWorkflow. */
        public Builder schedule(Schedule value) {
            this.schedule = Objects.requireNonNull(value, "schedule");
            if (name.length() > MAX_CRON_NAME) {
                throw new PipelineDefinitionException(
                        name,
                        null,
                        "a scheduled pipeline's name has at most " + MAX_CRON_NAME
                                + " characters (Kubernetes limits CronWorkflow names so that the workflows they create fit 63); "
                                + "this one has " + name.length() + ": shorten the name");
            }
            return this;
        }

        /**
         * The longest a run may take: then its running steps are stopped and it fails, and its exit handler still
         * runs (Argo's {@code activeDeadlineSeconds}; locally the same).
         */
        public Builder timeout(Duration limit) {
            lifecycle = lifecycle(() -> lifecycle.withTimeout(Objects.requireNonNull(limit, "timeout")));
            return this;
        }

        /**
         * How long the cluster keeps a finished workflow before deleting it: after any end, or separately after
         * success and failure (Argo's {@code ttlStrategy}); null leaves one unset. Local runs keep their records.
         */
        public Builder keepFinished(Duration afterCompletion, Duration afterSuccess, Duration afterFailure) {
            lifecycle = lifecycle(() -> lifecycle.withTtl(afterCompletion, afterSuccess, afterFailure));
            return this;
        }

        /** How long the cluster keeps a finished workflow, whatever its outcome. */
        public Builder keepFinished(Duration afterCompletion) {
            return keepFinished(Objects.requireNonNull(afterCompletion, "keepFinished"), null, null);
        }

        /** When the cluster deletes the workflow's pods (Argo's {@code podGC}); local runs start no pods. */
        public Builder deletePods(Lifecycle.PodGc when) {
            lifecycle = lifecycle(() -> lifecycle.withPodGc(Objects.requireNonNull(when, "deletePods")));
            return this;
        }

        private Lifecycle lifecycle(java.util.function.Supplier<Lifecycle> change) {
            try {
                return change.get();
            } catch (IllegalArgumentException e) {
                throw new PipelineDefinitionException(name, null, e.getMessage(), e);
            }
        }

        /** Settings every step gets unless it sets its own. */
        public Builder defaults(Consumer<Defaults> settings) {
            Defaults d = new Defaults(defaults);
            try {
                settings.accept(d);
            } catch (IllegalArgumentException e) {
                throw new PipelineDefinitionException(name, null, "in defaults: " + e.getMessage(), e);
            }
            defaults = d.options;
            return this;
        }

        public Pipeline define(Consumer<Dag> body) {
            Namespace ns = new Namespace(name, null, new Namespace.Shared(PlanBuilder.stepDefaults(defaults)));
            ns.mainGraph = new NodeModel.GraphModel(name, null, null);
            try {
                body.accept(new Dag(ns, ns.root, ns.mainGraph, null, List.of()));
            } catch (IllegalArgumentException e) {
                // Settings and conditions (a bad quantity, ordering strings) are checked where no pipeline
                // is in reach; name it here so every definition error reads the same.
                throw new PipelineDefinitionException(name, null, e.getMessage(), e);
            }
            if (ns.mainGraph.nodes.isEmpty()) {
                throw ns.error(null, "the pipeline adds no steps");
            }
            return new Pipeline(PlanBuilder.build(ns, this));
        }
    }

    /** Pipeline-wide step settings, with the same fluent methods as a step. */
    public static final class Defaults implements Configurable<Defaults> {
        private StepOptions options;

        private Defaults(StepOptions options) {
            this.options = options;
        }

        /** Every step's image from a pipeline parameter (steps with an image of their own keep theirs). */
        @Override
        public Defaults image(Value<String> reference) {
            if (!(reference instanceof Param<?>)) {
                throw new IllegalArgumentException(
                        "defaults: image(...) takes a pipeline parameter; a step reads other "
                                + "values with its own image(...)");
            }
            return configure(o -> o.withImageFrom(reference.expr()));
        }

        @Override
        public Defaults configure(UnaryOperator<StepOptions> change) {
            options = change.apply(options);
            return this;
        }
    }
}
