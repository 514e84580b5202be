package dev.fermion.runtime.local;

import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.ParamSpec;
import dev.fermion.plan.Plan;
import dev.fermion.tracking.TrackingSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a {@link Plan} on this machine with the semantics it has on Argo, keeping a record of every run
 * under the Fermion home so that runs can be listed, shown and resumed.
 *
 * <pre>{@code
 * RunResult result = new LocalRunner(RunOptions.defaults()).run(pipeline.plan(), Map.of("epochs", "5"));
 * }</pre>
 */
public final class LocalRunner {
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final RunOptions options;
    private final RunStore store;

    public LocalRunner(RunOptions options) {
        this.options = options;
        this.store = new RunStore(options.home());
    }

    public RunStore store() {
        return store;
    }

    /**
     * Runs {@code plan} with parameter overrides given as text ({@code -p name=value}); unknown names, values
     * of the wrong type and missing required parameters are a {@link RunSetupException} before anything runs.
     */
    public RunResult run(Plan plan, Map<String, String> overrides) {
        Map<String, String> params = bindParams(plan, overrides);
        String runId = newRunId();
        RunRecord record = new RunRecord(
                RunRecord.FORMAT,
                runId,
                plan.name(),
                options.pipelineRef(),
                options.classpath(),
                params,
                options.isolation().cliName(),
                options.parallelism(),
                options.cache(),
                RunStatus.RUNNING,
                Instant.now().toString(),
                null,
                ProcessHandle.current().pid(),
                null,
                null,
                Map.of());
        return execute(plan, record, Map.of());
    }

    /**
     * Finishes run {@code runId} of {@code plan}: steps that succeeded before, with unchanged inputs and code,
     * keep their results; the rest run now, in the same run directory and record.
     */
    public RunResult resume(String runId, Plan plan) {
        RunRecord prior = store.load(runId);
        if (prior.status() == RunStatus.RUNNING
                && !prior.interrupted()
                && prior.runnerPid() != ProcessHandle.current().pid()) {
            throw new RunSetupException("run " + runId + " is still running (process " + prior.runnerPid()
                    + "); wait for it or stop that process before resuming");
        }
        if (!prior.pipeline().equals(plan.name())) {
            throw new RunSetupException("run " + runId + " ran pipeline '" + prior.pipeline() + "', not '" + plan.name()
                    + "'; resume it with the pipeline it ran");
        }
        Map<String, String> params = new TreeMap<>(prior.params());
        for (ParamSpec spec : plan.params()) {
            if (!params.containsKey(spec.name())) {
                throw new RunSetupException("run " + runId + " has no value for parameter '" + spec.name()
                        + "', which the pipeline now declares; start a new run instead");
            }
        }
        RunRecord resumed = new RunRecord(
                RunRecord.FORMAT,
                runId,
                prior.pipeline(),
                prior.pipelineRef(),
                prior.classpath(),
                params,
                options.isolation().cliName(),
                options.parallelism(),
                options.cache(),
                RunStatus.RUNNING,
                prior.startedAt(),
                null,
                ProcessHandle.current().pid(),
                runId,
                null,
                prior.steps());
        return execute(plan, resumed, prior.steps());
    }

    /** Runs {@code record}'s steps not kept from {@code kept}, recorded in the tracker too when the options ask. */
    private RunResult execute(Plan plan, RunRecord record, Map<String, StepRecord> kept) {
        Tracking tracking = options.tracking();
        TrackingListener tracked =
                tracking == null ? null : new TrackingListener(tracking.tracker(), plan, tracking.warnings());
        RunOptions run = tracked == null ? options : options.withListener(RunListener.all(options.listener(), tracked));
        RunRecord finished;
        try (ExternalSteps external = ExternalSteps.prepare(plan, run)) {
            finished = new Execution(plan, run, store, record, kept, external).execute();
        }
        Path runDir = options.home().run(record.runId());
        return tracked == null
                ? new RunResult(finished, runDir)
                : new RunResult(finished, runDir, finishTracking(tracked, tracking.registration(), finished));
    }

    /** Registers the model when the run produced it, then ends the tracked run. */
    private static TrackingReport finishTracking(
            TrackingListener tracked, ModelRegistration registration, RunRecord run) {
        String notRegistered = null;
        boolean registering = false;
        if (registration != null) {
            Optional<StepRecord> step = run.step(registration.step());
            if (run.status() != RunStatus.SUCCEEDED) {
                notRegistered = "the run did not succeed";
            } else if (step.isEmpty() || step.get().status() != StepStatus.SUCCEEDED) {
                notRegistered = "step '" + registration.step() + "' did not run";
            } else {
                // A cached step registers the model it reused, which the run that computed it logged.
                tracked.registerModel(
                        registration.step(), registration.output(), registration.name(), registration.alias());
                registering = true;
            }
        }
        TrackingSummary summary = tracked.finish(run);
        if (registering && (summary == null || !summary.complete())) {
            notRegistered = summary == null ? "MLflow tracking stopped during the run" : "MLflow has not taken it yet";
        }
        return new TrackingReport(summary, registration, registering && notRegistered == null, notRegistered);
    }

    /** Every parameter's encoded value: overrides (validated against the declared type) over defaults. */
    public static Map<String, String> bindParams(Plan plan, Map<String, String> overrides) {
        for (String name : overrides.keySet()) {
            if (plan.param(name).isEmpty()) {
                throw new RunSetupException("pipeline " + plan.name() + " has no parameter '" + name
                        + "'; its parameters are "
                        + (plan.params().isEmpty()
                                ? "none"
                                : plan.params().stream().map(ParamSpec::name).toList()));
            }
        }
        Map<String, String> bound = new LinkedHashMap<>();
        for (ParamSpec spec : plan.params()) {
            String text = overrides.get(spec.name());
            if (text != null) {
                Object value;
                try {
                    value = ValueCodec.decode(spec.type(), text);
                } catch (IllegalArgumentException e) {
                    throw new RunSetupException("parameter '" + spec.name() + "' of pipeline " + plan.name()
                            + " expects " + spec.type().displayName() + ": " + e.getMessage());
                }
                bound.put(spec.name(), ValueCodec.encode(spec.type(), value));
            } else if (spec.defaultValue() != null) {
                bound.put(spec.name(), ValueCodec.encode(spec.type(), spec.defaultValue()));
            } else {
                throw new RunSetupException(
                        "parameter '" + spec.name() + "' (" + spec.type().displayName() + ") of pipeline " + plan.name()
                                + " has no default: give it with -p " + spec.name() + "=VALUE");
            }
        }
        return bound;
    }

    private String newRunId() {
        while (true) {
            byte[] random = new byte[3];
            ThreadLocalRandom.current().nextBytes(random);
            String id = ID_TIME.format(Instant.now()) + "-" + HexFormat.of().formatHex(random);
            if (!Files.exists(options.home().run(id))) {
                return id;
            }
        }
    }
}
