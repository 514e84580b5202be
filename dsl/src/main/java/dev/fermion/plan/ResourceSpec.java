package dev.fermion.plan;

import java.util.Map;
import java.util.Objects;

/**
 * What a Kubernetes-resource step does: {@code action} on the object {@code manifest} (YAML text), done
 * once {@code successCondition} holds and failed once {@code failureCondition} does (either null: not
 * waited for). Conditions use Argo's syntax, requirements on fields of the object joined by commas, all of
 * which must hold: {@code status.phase == Bound}, {@code status.succeeded > 0, status.active == 0}.
 * {@code outputs} maps each parameter output to the JSONPath ({@code {.metadata.name}}) read from the object
 * once the action is done. {@code inputs} maps each parameter input to the field of the object it is
 * written into before the action ({@link ManifestField}); inputs hold Kubernetes object names only.
 *
 * @param mergeStrategy for {@link Action#PATCH}: {@code strategic}, {@code merge} or {@code json}; null otherwise
 * @param ownedByWorkflow the object gets the workflow as its owner, so Kubernetes deletes it with the workflow
 * @param deletedAtEnd    the object is deleted when the run ends, whatever its outcome (create and apply only)
 */
public record ResourceSpec(
        Action action,
        String manifest,
        String mergeStrategy,
        String successCondition,
        String failureCondition,
        boolean ownedByWorkflow,
        boolean deletedAtEnd,
        Map<String, String> outputs,
        Map<String, ManifestField> inputs) {

    public enum Action {
        CREATE,
        APPLY,
        PATCH,
        DELETE;

        /** The name Argo and kubectl use. */
        public String verb() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ResourceSpec {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(manifest, "manifest");
        outputs = Map.copyOf(outputs);
        inputs = Map.copyOf(inputs);
    }
}
