package dev.fermion.dsl;

import dev.fermion.plan.Descriptions;
import dev.fermion.plan.Expr;
import dev.fermion.plan.ManifestField;
import dev.fermion.plan.ResourceManifest;
import dev.fermion.plan.ResourceSpec;
import java.util.Map;

/**
 * The checks of a resource step: its manifest is valid, an object deleted at the end of the run is created once per
 * run, and every input it writes into its manifest is bound to a Kubernetes object name.
 */
final class ResourceSteps {
    private static final String NAME_PATH = "{.metadata.name}";
    private final Namespace ns;
    private final Dependencies dependencies;

    ResourceSteps(Namespace ns, Dependencies dependencies) {
        this.ns = ns;
        this.dependencies = dependencies;
    }

    /** The step's object as its definition writes it, checked before any of its inputs. */
    ResourceSpec spec(NodeModel.StepModel step, ResourceComponent definition) {
        ResourceSpec spec;
        try {
            spec = definition.resourceSpec();
        } catch (IllegalArgumentException e) {
            throw new PipelineDefinitionException(
                    ns.pipeline, step.name, "in " + definition.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        try {
            ResourceManifest.parse(
                    spec, "step '" + step.name + "' (" + definition.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            throw new PipelineDefinitionException(ns.pipeline, step.name, e.getMessage(), e);
        }
        if (spec.deletedAtEnd()
                && (ns.subPipeline != null
                        || step.scope.enclosingLoop() != null
                        || PlanBuilder.inExitHandler(step.scope))) {
            throw ns.error(
                    step.name,
                    "an object deleted at the end of the run must be created once per run: add the "
                            + "step at the top level of the pipeline, not inside a loop, a sub-pipeline or the exit handler");
        }
        return spec;
    }

    /** Every input bound here is written into the manifest with these settings. */
    void requireWritten(NodeModel.StepModel step, ResourceSpec spec) {
        String definition = step.definition.getClass().getSimpleName();
        for (String bound : step.bindings.keySet()) {
            if (!spec.inputs().containsKey(bound)) {
                throw ns.error(
                        step.name,
                        "input '" + bound + "' is bound, but " + definition + " does not write it "
                                + "into its manifest with these settings; remove the binding or change the settings");
            }
        }
    }

    /** Every input the manifest is written with has a value among {@code bindings}, and that value is an object name. */
    void requireObjectNames(NodeModel.StepModel step, ResourceSpec spec, Map<String, Expr> bindings) {
        String definition = step.definition.getClass().getSimpleName();
        spec.inputs().forEach((input, field) -> {
            Expr value = bindings.get(input);
            if (value == null) {
                throw ns.error(
                        step.name,
                        definition + " writes input '" + input + "' into " + field + ", but it is "
                                + "not bound here: bind it with .with(" + definition + "."
                                + PlanBuilder.constantName(input)
                                + ", ...)");
            }
            requireObjectName(step, input, value);
        });
    }

    private void requireObjectName(NodeModel.StepModel step, String input, Expr value) {
        if (value instanceof Expr.Literal literal) {
            try {
                ManifestField.requireObjectName(String.valueOf(literal.value()), "input '" + input + "'");
            } catch (IllegalArgumentException e) {
                throw new PipelineDefinitionException(ns.pipeline, step.name, e.getMessage(), e);
            }
            return;
        }
        if (value instanceof Expr.StepOutput out
                && dependencies.producer(out) instanceof NodeModel.StepModel producer
                && producer.definition instanceof ResourceComponent resource
                && readsName(resource, out.port())) {
            return;
        }
        throw ns.error(
                step.name,
                "input '" + input + "' is written into a Kubernetes manifest, so it takes only "
                        + "object names: a constant name, or an output another resource step reads from " + NAME_PATH
                        + " (such as VolumeClaim.CLAIM_NAME); " + Descriptions.source(value) + " could hold any text");
    }

    /** Whether {@code output} of {@code resource} is its object's name; a broken producer is reported at its own step. */
    private static boolean readsName(ResourceComponent resource, String output) {
        try {
            return NAME_PATH.equals(resource.resourceSpec().outputs().get(output));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
