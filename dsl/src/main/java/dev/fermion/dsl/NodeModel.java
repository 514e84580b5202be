package dev.fermion.dsl;

import dev.fermion.plan.Cond;
import dev.fermion.plan.StepOptions;
import dev.fermion.types.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mutable record of one node while a pipeline is being defined. Handles ({@link Step}, {@link Loop})
 * write into it; {@link PlanBuilder} turns the finished set into immutable plan records.
 */
abstract sealed class NodeModel permits NodeModel.StepModel, NodeModel.LoopModel {
    final String name;
    final Scope scope;
    final GraphModel graph;
    final Cond when;
    final List<Value<?>> whenOperands;
    final Set<NodeModel> after = new LinkedHashSet<>();

    NodeModel(String name, Dag dag) {
        this.name = name;
        this.scope = dag.scope;
        this.graph = dag.graph;
        this.when = dag.branchCondition;
        this.whenOperands = List.copyOf(dag.branchOperands);
    }

    static final class StepModel extends NodeModel {
        final Definition definition;
        final Map<String, Value<?>> bindings = new LinkedHashMap<>();
        StepOptions options = StepOptions.NONE;
        /** Values the step's settings read (claim names of {@link Step#mountClaim}, its image): it waits for them like for inputs. */
        final List<Value<?>> mountReads = new ArrayList<>();
        /** For a sub-pipeline calling itself ({@link Dag#recurse}): the deepest level it may reach; 0 otherwise. */
        int maxDepth;

        StepModel(String name, Dag dag, Definition definition) {
            super(name, dag);
            this.definition = definition;
        }
    }

    static final class LoopModel extends NodeModel {
        final Value<?> items;
        final ValueType<?> itemType;
        final GraphModel body;
        final Scope bodyScope;
        int parallelism;

        LoopModel(String name, Dag dag, Value<?> items, ValueType<?> itemType) {
            super(name, dag);
            this.items = items;
            this.itemType = itemType;
            this.bodyScope = new Scope(Scope.Kind.LOOP_BODY, dag.scope, "loop '" + name + "'");
            this.body = new GraphModel(name, this, dag.graph);
        }
    }

    /** The nodes of one graph, plus where the graph sits: inside a loop of an enclosing graph, or at the top. */
    static final class GraphModel {
        final String name;
        final LoopModel owner;
        final GraphModel parent;
        final List<NodeModel> nodes = new ArrayList<>();

        GraphModel(String name, LoopModel owner, GraphModel parent) {
            this.name = name;
            this.owner = owner;
            this.parent = parent;
        }

        /** The node of this graph that is {@code node} or contains it, or null if {@code node} is not inside. */
        NodeModel containing(NodeModel node) {
            for (NodeModel n = node; n != null; n = n.graph.owner) {
                if (n.graph == this) {
                    return n;
                }
            }
            return null;
        }
    }
}
