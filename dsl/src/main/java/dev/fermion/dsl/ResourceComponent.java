package dev.fermion.dsl;

import dev.fermion.plan.ResourceSpec;

/**
 * A step that creates, applies, patches or deletes a Kubernetes object (a Job, a Spark application, a
 * PersistentVolumeClaim) instead of running code. It declares parameter outputs like a {@link Component}
 * and says with {@link ResourceCommand#output} which field of the object each one is. Its inputs are
 * Kubernetes object names, each written into one field of the manifest ({@link ResourceCommand#input}),
 * such as the claim a {@link VolumeSnapshot} copies. On Argo it is a {@code resource} template; locally it is applied
 * through the Kubernetes client when a kubeconfig is configured, and fails with a clear error otherwise.
 *
 * <p>Unlike Java components, a resource component may keep settings in fields and take constructor
 * arguments ({@link VolumeClaim} does): it is never instantiated by name, the plan carries what it does.
 */
public abstract class ResourceComponent extends Definition {

    protected abstract ResourceCommand command();

    /** What the step does, checked against this definition's ports. */
    public final ResourceSpec resourceSpec() {
        ResourceCommand command = command();
        if (command == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".command() returned null: "
                    + "return ResourceCommand.create(...), apply(...), patch(...) or delete(...)");
        }
        return command.toSpec(this);
    }

    /** Resources are not cached: their effect lives in the cluster, not in their outputs. */
    @Override
    public boolean cacheableByDefault() {
        return false;
    }
}
