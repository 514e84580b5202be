package dev.fermion.dsl;

import dev.fermion.plan.Graph;
import dev.fermion.plan.Names;
import dev.fermion.plan.StepOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names and shared state of one definition being built: a pipeline, or one sub-pipeline's body.
 * Step and loop names are unique within it, loop bodies and the exit handler included.
 */
final class Namespace {
    final String pipeline;
    final Scope root;
    final Scope exitScope;
    final SubPipeline subPipeline;
    final Map<String, String> declaredNames = new HashMap<>();
    final Map<String, NodeModel> nodes = new LinkedHashMap<>();
    final List<Param<?>> params = new ArrayList<>();
    final Map<String, Object> paramDefaults = new LinkedHashMap<>();
    final Map<String, String> paramDescriptions = new LinkedHashMap<>();
    final Map<String, Value<?>> outputs = new LinkedHashMap<>();
    /** The pipeline's declared results, in declaration order. */
    final Map<String, Value<?>> results = new LinkedHashMap<>();

    final Shared shared;
    NodeModel.GraphModel mainGraph;
    NodeModel.GraphModel exitGraph;
    boolean frozen;

    /** State shared by a pipeline and every sub-pipeline body built for it. */
    static final class Shared {
        final Map<String, Graph> subPipelines = new LinkedHashMap<>();
        final Set<String> building = new java.util.LinkedHashSet<>();
        /** The pipeline's step defaults, also applied inside sub-pipeline bodies, which are built first. */
        final StepOptions defaults;

        Shared(StepOptions defaults) {
            this.defaults = defaults;
        }
    }

    Namespace(String pipeline, SubPipeline subPipeline, Shared shared) {
        this.pipeline = pipeline;
        this.subPipeline = subPipeline;
        this.shared = shared;
        this.root = new Scope(
                subPipeline == null ? Scope.Kind.PIPELINE : Scope.Kind.SUB_PIPELINE,
                null,
                subPipeline == null ? "pipeline '" + pipeline + "'" : "sub-pipeline '" + pipeline + "'");
        this.exitScope = new Scope(Scope.Kind.EXIT_HANDLER, root, "the exit handler");
    }

    PipelineDefinitionException error(String step, String message) {
        return new PipelineDefinitionException(pipeline, step, message);
    }

    /**
     * Adds {@code others} to what {@code self} (named {@code name}, a "step" or a "loop") runs after: each must be a
     * node of this pipeline (the very handle, not another pipeline's node of the same name) other than {@code self}.
     */
    void addAfter(NodeModel self, String name, String what, Node... others) {
        for (Node other : others) {
            NodeModel target = nodes.get(other.name());
            if (target == null
                    || (other instanceof Step<?> s && s.model() != target)
                    || (other instanceof Loop<?> l && l.model() != target)) {
                throw error(name, "after(" + other.name() + "): that step is not part of this pipeline");
            }
            if (target == self) {
                throw error(name, "a " + what + " cannot run after itself");
            }
            self.after.add(target);
        }
    }

    /** Sanitises and reserves a step or loop name. */
    String claim(String declared, String what) {
        if (frozen) {
            throw error(declared, "the pipeline is already defined; add steps inside define(...)");
        }
        String name = Names.sanitize(declared);
        if (name == null) {
            throw error(
                    declared,
                    "'" + declared + "' is not a usable " + what + " name: use letters, digits and '-', " + "at most "
                            + Names.MAX_LABEL + " characters (for example \"train-model\")");
        }
        String previous = declaredNames.putIfAbsent(name, declared);
        if (previous != null) {
            String why = previous.equals(declared)
                    ? "duplicate " + what + " name '" + declared + "'"
                    : "'" + declared + "' and '" + previous + "' both become the Kubernetes name '" + name + "'";
            throw error(declared, why + ": give each step and loop of a pipeline its own name");
        }
        return name;
    }
}
