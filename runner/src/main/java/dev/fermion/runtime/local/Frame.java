package dev.fermion.runtime.local;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One execution of a graph: the pipeline body, one loop iteration, one sub-pipeline call, or the exit
 * handler. Lookups walk outwards, as the DSL's scoping allows, but never out of a sub-pipeline body, whose
 * step names belong to another namespace.
 *
 * @param prefix  the path of nodes in this frame, e.g. {@code sweep/2/}
 * @param stop    set once a node of this top-level graph failed: no new node starts (Argo's fail-fast)
 * @param depth   how many sub-pipeline calls deep this frame is, to bound recursion
 */
record Frame(
        Frame parent,
        String prefix,
        boolean boundary,
        String loop,
        Resolved item,
        Map<String, Resolved> inputs,
        Map<String, NodeResult> results,
        AtomicBoolean stop,
        int depth) {

    static Frame top(String prefix) {
        return new Frame(null, prefix, true, null, null, Map.of(), new ConcurrentHashMap<>(), new AtomicBoolean(), 0);
    }

    Frame iteration(String loopName, int index, Resolved value) {
        return new Frame(
                this,
                prefix + loopName + "/" + index + "/",
                false,
                loopName,
                value,
                Map.of(),
                new ConcurrentHashMap<>(),
                stop,
                depth);
    }

    Frame call(String step, Map<String, Resolved> values, int callDepth) {
        return new Frame(
                this,
                prefix + step + "/",
                true,
                null,
                null,
                Map.copyOf(values),
                new ConcurrentHashMap<>(),
                stop,
                callDepth);
    }

    String path(String node) {
        return prefix + node;
    }

    NodeResult result(String step) {
        for (Frame f = this; f != null; f = f.boundary ? null : f.parent) {
            NodeResult r = f.results.get(step);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    Resolved loopItem(String loopName) {
        for (Frame f = this; f != null; f = f.boundary ? null : f.parent) {
            if (loopName.equals(f.loop)) {
                return f.item;
            }
        }
        return null;
    }

    Resolved input(String name) {
        for (Frame f = this; f != null; f = f.parent) {
            if (f.boundary) {
                return f.inputs.get(name);
            }
        }
        return null;
    }

    /** The outcome of this frame's graph: failed or errored if any node did, succeeded if all succeeded or were skipped. */
    StepStatus outcome() {
        List<StepStatus> statuses =
                results.values().stream().map(NodeResult::status).toList();
        if (statuses.contains(StepStatus.ERROR)) {
            return StepStatus.ERROR;
        }
        if (statuses.contains(StepStatus.FAILED)) {
            return StepStatus.FAILED;
        }
        if (statuses.contains(StepStatus.OMITTED)) {
            return StepStatus.OMITTED;
        }
        return StepStatus.SUCCEEDED;
    }
}
