package dev.fermion.dsl;

/**
 * Where in a definition a value was created, to decide where it may be read: a step's outputs are visible
 * in its own scope and in scopes nested inside it, never in a sibling branch, outside a loop body, or in
 * the exit handler (which runs after the main graph and sees only parameters and the status).
 */
final class Scope {
    enum Kind {
        PIPELINE,
        SUB_PIPELINE,
        BRANCH,
        LOOP_BODY,
        EXIT_HANDLER
    }

    /** Which block of its {@link Branch} a branch scope is. */
    enum Side {
        THEN,
        OTHERWISE
    }

    /** Where a constant lives: every scope sees it. */
    static final Scope ANYWHERE = new Scope(Kind.PIPELINE, null, "a constant");

    final Kind kind;
    final Scope parent;
    final String label;
    /** For a branch scope: its branch and block, so two blocks of one {@code when} are known to exclude each other. */
    final Branch<?> branch;

    final Side side;

    Scope(Kind kind, Scope parent, String label) {
        this(kind, parent, label, null, null);
    }

    Scope(Kind kind, Scope parent, String label, Branch<?> branch, Side side) {
        this.kind = kind;
        this.parent = parent;
        this.label = label;
        this.branch = branch;
        this.side = side;
    }

    /** Whether a step output or loop item created in {@code origin} may be read from this scope. */
    boolean sees(Scope origin) {
        if (origin == ANYWHERE) {
            return true;
        }
        for (Scope s = this; s != null; s = s.parent) {
            if (s == origin) {
                return true;
            }
            if (s.kind == Kind.EXIT_HANDLER || s.kind == Kind.SUB_PIPELINE) {
                return false;
            }
        }
        return false;
    }

    /** Whether a pipeline parameter (created in {@code root}) may be read from here. */
    boolean seesParamsOf(Scope root) {
        for (Scope s = this; s != null; s = s.parent) {
            if (s == root) {
                return true;
            }
            if (s.kind == Kind.SUB_PIPELINE) {
                return false;
            }
        }
        return false;
    }

    /** The nearest scope around this one that is not a branch: where a value of this scope always exists. */
    Scope unconditional() {
        Scope s = this;
        while (s.kind == Kind.BRANCH) {
            s = s.parent;
        }
        return s;
    }

    /** Whether this and {@code other} are the two blocks of one {@code when}, so exactly one of them runs. */
    boolean complements(Scope other) {
        return kind == Kind.BRANCH
                && other.kind == Kind.BRANCH
                && branch != null
                && branch == other.branch
                && side != other.side
                && parent == other.parent;
    }

    Scope enclosingLoop() {
        for (Scope s = this; s != null; s = s.parent) {
            if (s.kind == Kind.LOOP_BODY) {
                return s;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return label;
    }
}
