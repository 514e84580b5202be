package dev.fermion.submit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Follows one workflow until it ends: its changes and its steps' logs go to a listener. The watch's events are
 * handled on the caller's thread, through a queue, so a listener never runs on the client's threads.
 */
final class WorkflowWatch {
    private final ClusterCalls calls;
    private final WorkflowStates states;
    private final PodLogs pods;

    WorkflowWatch(ClusterCalls calls, WorkflowStates states, PodLogs pods) {
        this.calls = calls;
        this.states = states;
        this.pods = pods;
    }

    private record Event(Watcher.Action action, GenericKubernetesResource resource, WatcherException closedBy) {}

    WorkflowState watch(String name, String ns, String step, WorkflowListener listener) {
        states.workflow(name, ns);
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Watch watch = openWatch(name, ns, events);
        try (LogFollowers logs = new LogFollowers(calls, pods, name, ns, step, listener)) {
            while (true) {
                Event event = take(events, name);
                if (event.closedBy() != null) {
                    if (!event.closedBy().isHttpGone()) {
                        throw calls.translate(
                                event.closedBy().asClientException(), "watch", ArgoTypes.WORKFLOWS, ns, name);
                    }
                    // the server forgot the version we watched from; a fresh watch starts with the current state
                    watch.close();
                    watch = openWatch(name, ns, events);
                    continue;
                }
                if (event.action() == Watcher.Action.DELETED) {
                    throw new ClusterException(
                            ClusterException.Reason.NOT_FOUND,
                            "workflow '" + name + "' in namespace " + ns + " was deleted before it finished",
                            null);
                }
                if (event.action() != Watcher.Action.ADDED && event.action() != Watcher.Action.MODIFIED) {
                    continue;
                }
                WorkflowState state = WorkflowStates.of(event.resource(), ns);
                listener.changed(state);
                logs.follow(state);
                if (state.finished()) {
                    logs.drain();
                    return state;
                }
            }
        } finally {
            watch.close();
        }
    }

    private Watch openWatch(String name, String ns, BlockingQueue<Event> events) {
        return calls.call(
                "watch",
                ArgoTypes.WORKFLOWS,
                ns,
                name,
                () -> calls.resources(ArgoTypes.WORKFLOWS, ns)
                        .withName(name)
                        .watch(new Watcher<GenericKubernetesResource>() {
                            @Override
                            public void eventReceived(Action action, GenericKubernetesResource resource) {
                                events.add(new Event(action, resource, null));
                            }

                            @Override
                            public void onClose(WatcherException cause) {
                                events.add(new Event(null, null, cause));
                            }
                        }));
    }

    private static Event take(BlockingQueue<Event> events, String name) {
        try {
            return events.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(
                    ClusterException.Reason.FAILED,
                    "stopped watching workflow '" + name + "': interrupted; the workflow goes on running",
                    e);
        }
    }
}
