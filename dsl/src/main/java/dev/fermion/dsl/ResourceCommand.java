package dev.fermion.dsl;

import dev.fermion.plan.ManifestField;
import dev.fermion.plan.ResourceSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link ResourceComponent} does to a Kubernetes object given as YAML text:
 *
 * <pre>{@code
 * return ResourceCommand.create("""
 *         apiVersion: batch/v1
 *         kind: Job
 *         metadata:
 *           generateName: spark-pi-
 *         spec: ...
 *         """)
 *     .successWhen("status.succeeded > 0").failWhen("status.failed > 3")
 *     .ownedByWorkflow()
 *     .output(JOB_NAME, "{.metadata.name}");
 * }</pre>
 *
 * The manifest is fixed text, with one exception: {@link #input} writes a step input into one field of
 * the object, and such inputs only take Kubernetes object names (a constant name, or the name another
 * resource step read from its object), so no value can change the object's YAML:
 *
 * <pre>{@code
 * return ResourceCommand.create(snapshotYaml)
 *     .input(CLAIM, "{.spec.source.persistentVolumeClaimName}")
 *     .successWhen("status.readyToUse == true")
 *     .output(SNAPSHOT_NAME, "{.metadata.name}");
 * }</pre>
 *
 * Build manifests from fabric8 model objects with the deploy module's {@code Manifests.yaml(object)} if
 * you prefer typed builders.
 */
public final class ResourceCommand {
    private final ResourceSpec.Action action;
    private final String manifest;
    private final String mergeStrategy;
    private String successCondition;
    private String failureCondition;
    private boolean ownedByWorkflow;
    private boolean deletedAtEnd;
    private final Map<Output<?>, String> outputs = new LinkedHashMap<>();
    private final Map<Input<String>, ManifestField> inputs = new LinkedHashMap<>();

    private ResourceCommand(ResourceSpec.Action action, String manifest, String mergeStrategy) {
        this.action = action;
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        this.mergeStrategy = mergeStrategy;
    }

    /** Creates the object; use {@code metadata.generateName} so every run creates its own. */
    public static ResourceCommand create(String manifest) {
        return new ResourceCommand(ResourceSpec.Action.CREATE, manifest, null);
    }

    /** Creates the object or updates it to match, like {@code kubectl apply}. */
    public static ResourceCommand apply(String manifest) {
        return new ResourceCommand(ResourceSpec.Action.APPLY, manifest, null);
    }

    /** Patches the object named in the manifest; the strategy is one of "strategic", "merge" or "json". */
    public static ResourceCommand patch(String manifest, String strategy) {
        if (!java.util.List.of("strategic", "merge", "json").contains(strategy)) {
            throw new IllegalArgumentException(
                    "unknown patch strategy '" + strategy + "': use strategic, merge or json");
        }
        return new ResourceCommand(ResourceSpec.Action.PATCH, manifest, strategy);
    }

    /** Deletes the object named in the manifest. */
    public static ResourceCommand delete(String manifest) {
        return new ResourceCommand(ResourceSpec.Action.DELETE, manifest, null);
    }

    /** The step succeeds once this holds for the object, e.g. {@code status.phase == Bound}. */
    public ResourceCommand successWhen(String condition) {
        this.successCondition = condition(condition);
        return this;
    }

    /** The step fails once this holds for the object, e.g. {@code status.failed > 3}. */
    public ResourceCommand failWhen(String condition) {
        this.failureCondition = condition(condition);
        return this;
    }

    /** Kubernetes deletes the object when the workflow that created it is deleted. */
    public ResourceCommand ownedByWorkflow() {
        this.ownedByWorkflow = true;
        return this;
    }

    /**
     * Deletes the object when the run ends, whatever its outcome: on Argo from the exit handler, locally
     * when the run finishes. Only for objects created or applied once per run, so not inside loops or
     * sub-pipelines; a created object with {@code generateName} is named {@code <workflow name>-<step>} on Argo
     * so the exit handler can find it.
     */
    public ResourceCommand deletedAtEnd() {
        if (action != ResourceSpec.Action.CREATE && action != ResourceSpec.Action.APPLY) {
            throw new IllegalArgumentException("only created or applied objects can be deleted at the end, not the "
                    + "object of a " + action.verb());
        }
        this.deletedAtEnd = true;
        return this;
    }

    /** Sets parameter output {@code output} to the field at {@code jsonPath} (e.g. {@code {.metadata.name}}). */
    public ResourceCommand output(Output<?> output, String jsonPath) {
        if (output.type().isArtifact()) {
            throw new IllegalArgumentException("output '" + output.name() + "' is an artifact; a resource step can "
                    + "only set parameter outputs, read from the object by JSONPath");
        }
        if (jsonPath == null || !jsonPath.startsWith("{") || !jsonPath.endsWith("}")) {
            throw new IllegalArgumentException("output '" + output.name() + "': '" + jsonPath + "' is not a JSONPath "
                    + "template; write it as kubectl does, e.g. \"{.metadata.name}\"");
        }
        plain(jsonPath, "the JSONPath of output '" + output.name() + "'");
        if (outputs.putIfAbsent(output, jsonPath) != null) {
            throw new IllegalArgumentException("output '" + output.name() + "' is read twice; give one JSONPath");
        }
        return this;
    }

    /**
     * Writes input {@code input} into the field at {@code fieldPath} (e.g.
     * {@code {.spec.source.persistentVolumeClaimName}}) before the action; objects on the way that the
     * manifest lacks are created. The step must bind the input to a Kubernetes object name: a constant, or
     * an output another resource step reads from {@code {.metadata.name}}.
     */
    public ResourceCommand input(Input<String> input, String fieldPath) {
        Objects.requireNonNull(input, "input");
        ManifestField field;
        try {
            field = new ManifestField(fieldPath);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("input '" + input.name() + "': " + e.getMessage(), e);
        }
        input.defaultValue()
                .ifPresent(name ->
                        ManifestField.requireObjectName(name, "the default value of input '" + input.name() + "'"));
        if (inputs.putIfAbsent(input, field) != null) {
            throw new IllegalArgumentException("input '" + input.name() + "' is written twice; give one field");
        }
        return this;
    }

    ResourceSpec toSpec(Definition definition) {
        if (manifest.isBlank()) {
            throw new IllegalArgumentException("the manifest is empty: give the object's YAML");
        }
        plain(manifest, "the manifest");
        Map<String, String> paths = new LinkedHashMap<>();
        outputs.forEach((output, path) -> {
            if (!definition.ports().declares(output)) {
                throw new IllegalArgumentException(
                        output + " is not an output of " + definition.getClass().getSimpleName());
            }
            paths.put(output.name(), path);
        });
        for (Output<?> output : definition.ports().outputs()) {
            if (!paths.containsKey(output.name())) {
                throw new IllegalArgumentException(
                        "output '" + output.name() + "' is never read from the object: " + "add .output("
                                + Placeholders.constant(output.name()) + ", \"{.metadata.name}\") or another JSONPath");
            }
        }
        Map<String, ManifestField> fields = new LinkedHashMap<>();
        inputs.forEach((input, field) -> {
            if (!definition.ports().declares(input)) {
                throw new IllegalArgumentException(
                        input + " is not an input of " + definition.getClass().getSimpleName());
            }
            fields.put(input.name(), field);
        });
        for (Input<?> input : definition.ports().inputs()) {
            if (!fields.containsKey(input.name()) && !input.isOptional()) {
                throw new IllegalArgumentException("input '" + input.name() + "' is never written into the manifest: "
                        + "add .input(" + Placeholders.constant(input.name()) + ", \"{.path.to.field}\"), or make "
                        + "the input optional() if only some settings use it");
            }
        }
        return new ResourceSpec(
                action,
                manifest,
                mergeStrategy,
                successCondition,
                failureCondition,
                ownedByWorkflow,
                deletedAtEnd,
                paths,
                fields);
    }

    private static String condition(String condition) {
        if (condition == null || condition.isBlank()) {
            throw new IllegalArgumentException("a condition must not be empty: write e.g. \"status.phase == Bound\"");
        }
        plain(condition, "the condition");
        return condition.trim();
    }

    /** Argo would evaluate {@code {{...}}} in the manifest, which must reach Kubernetes as written. */
    private static void plain(String text, String what) {
        if (text.contains("{{") || text.contains("}}")) {
            throw new IllegalArgumentException(what + " contains '{{' or '}}', which Argo would evaluate as an "
                    + "expression; write the object without them");
        }
    }
}
