package dev.fermion.dsl;

import dev.fermion.plan.Names;

/**
 * A resource component that creates one Kubernetes object per run, with a generated name, and offers the
 * two ways to clean it up, combinable: {@link #deletedAtEnd()} deletes it when the run ends (on Argo from
 * the exit handler), and {@link #deletedWithWorkflow()} makes the workflow its owner, so Kubernetes
 * deletes it when the workflow object is deleted, for example by Argo's TTL.
 *
 * @param <S> the component itself, so the settings chain
 */
public abstract class CreatedObject<S extends CreatedObject<S>> extends ResourceComponent {
    private boolean ownedByWorkflow;
    private boolean deletedAtEnd;

    /** Kubernetes deletes the object when the workflow is deleted. */
    public S deletedWithWorkflow() {
        this.ownedByWorkflow = true;
        return self();
    }

    /** The object is deleted when the run ends, whatever its outcome (see {@link ResourceCommand#deletedAtEnd()}). */
    public S deletedAtEnd() {
        this.deletedAtEnd = true;
        return self();
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /** {@code command} with the clean-up this step asked for. */
    protected final ResourceCommand cleanedUp(ResourceCommand command) {
        if (ownedByWorkflow) {
            command.ownedByWorkflow();
        }
        if (deletedAtEnd) {
            command.deletedAtEnd();
        }
        return command;
    }

    /** {@code name} if it is a valid name for a class of objects (storage class, snapshot class). */
    static String className(String name, String what) {
        String clean = Names.sanitize(name);
        if (clean == null || !clean.equals(name)) {
            throw new IllegalArgumentException("invalid " + what + " '" + name + "': use a lowercase DNS-1123 name");
        }
        return name;
    }
}
