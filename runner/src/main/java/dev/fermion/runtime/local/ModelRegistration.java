package dev.fermion.runtime.local;

import dev.fermion.plan.ComponentSpec;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import dev.fermion.plan.PortSpec;
import dev.fermion.types.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * The model a successful run registers: {@code step}'s Model output {@code output}, as a new version of the
 * registered model {@code name}, with {@code alias} (may be null) moved to it.
 */
public record ModelRegistration(String step, String output, String name, String alias) {

    /** {@code step/output}, as the user names it. */
    public String model() {
        return step + "/" + output;
    }

    /**
     * The registration of {@code plan}'s model as {@code name}, checked before anything runs: {@code model}
     * ({@code STEP/OUTPUT}) names a Model output of a step of the main graph, or, when null, the plan has exactly one
     * (steps inside loops have one output per iteration, so none of them is "the" model).
     *
     * @throws RunSetupException naming what is wrong and the Model outputs there are
     */
    public static ModelRegistration of(Plan plan, String model, String name, String alias) {
        if (name == null || name.isBlank() || (alias != null && alias.isBlank())) {
            throw new RunSetupException("a registered model needs a name (and an alias that is not empty)");
        }
        List<String> models = modelOutputs(plan);
        String chosen = model;
        if (chosen == null) {
            if (models.size() != 1) {
                throw new RunSetupException(
                        models.isEmpty()
                                ? "pipeline " + plan.name() + " has no step with a Model output to register"
                                : "pipeline " + plan.name() + " has several Model outputs " + models
                                        + "; choose one as STEP/OUTPUT");
            }
            chosen = models.get(0);
        } else if (!models.contains(chosen)) {
            throw new RunSetupException(chosen + ": pipeline " + plan.name()
                    + " has no such Model output; its Model outputs are " + models);
        }
        int slash = chosen.lastIndexOf('/');
        return new ModelRegistration(
                chosen.substring(0, slash),
                chosen.substring(slash + 1),
                name.strip(),
                alias == null ? null : alias.strip());
    }

    /**
     * The Model outputs a run can register, as {@code STEP/OUTPUT}: those of the steps of the main graph (steps inside
     * loops have one output per iteration, so none of them is "the" model).
     */
    public static List<String> modelOutputs(Plan plan) {
        List<String> models = new ArrayList<>();
        for (Node node : plan.graph().nodes()) {
            for (PortSpec port : node.runs().map(ComponentSpec::outputs).orElse(List.of())) {
                if (port.type().rawType() == Model.class) {
                    models.add(node.name() + "/" + port.name());
                }
            }
        }
        return models;
    }
}
