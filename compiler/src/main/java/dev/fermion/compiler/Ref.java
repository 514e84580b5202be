package dev.fermion.compiler;

import dev.fermion.contract.ValueCodec;
import dev.fermion.types.ValueType;

/**
 * A value as Argo sees it: a parameter, as a template reference ({@code value}) and as an expression
 * variable ({@code variable}; for a literal its quoted text; for a computed value the expression of its
 * written form, and {@code carried} the expression of its transport form when it is simpler than armouring
 * the written form), or an artifact reference with its digest parameter.
 */
record Ref(
        String value,
        String variable,
        Transport transport,
        boolean plain,
        String artifact,
        String digest,
        String carried) {

    /**
     * How a parameter value travels. {@code EXACT}: in Fermion's transport form ({@link ValueCodec#armour}),
     * as literals, workflow parameters and launcher outputs are. {@code RAW}: as a tool wrote it (a container
     * or script step's output), which Argo would hand on verbatim, so it is armoured on its way to a step.
     * {@code COMPUTED}: made by an expression from other values (a fan-in list, a field, a formatted string),
     * known only as that expression of the value as written. {@code LITERAL}: written in the definition, armoured
     * as a template value and quoted as an expression.
     */
    enum Transport {
        EXACT,
        RAW,
        COMPUTED,
        LITERAL
    }

    static Ref literal(String encoded) {
        return new Ref(
                ValueCodec.armour(encoded), ArgoExpressions.quote(encoded), Transport.LITERAL, false, null, null, null);
    }

    static Ref param(String value, String variable) {
        return new Ref(value, variable, Transport.EXACT, false, null, null, null);
    }

    static Ref raw(String value, String variable) {
        return new Ref(value, variable, Transport.RAW, false, null, null, null);
    }

    /** A value computed by {@code written}, an expression evaluating to the value as written. */
    static Ref computed(String written) {
        return computed(written, null);
    }

    /** A computed value whose transport form {@code carried} computes directly; null: armour the written form. */
    static Ref computed(String written, String carried) {
        return new Ref(null, written, Transport.COMPUTED, false, null, null, carried);
    }

    static Ref artifact(String artifact, String digest) {
        return new Ref(null, null, Transport.EXACT, false, artifact, digest, null);
    }

    /** An input parameter of the template: exact, since every argument is passed in transport form. */
    static Ref input(String name) {
        return param("{{inputs.parameters." + name + "}}", ArgoExpressions.input(name));
    }

    /** This value, known to be of {@code type}: its exact text needs no armour when the type is plain. */
    Ref of(ValueType<?> type) {
        return isArtifact()
                ? this
                : new Ref(value, variable, transport, ValueCodec.isPlain(type), artifact, digest, carried);
    }

    boolean isArtifact() {
        return artifact != null;
    }

    /**
     * The value as a task argument: always in transport form, so every template input is exact. A tool's
     * output is armoured whatever its declared type, since nothing checked what the tool wrote; a computed
     * value is armoured unless its type is plain.
     */
    String argument() {
        return switch (transport) {
            case RAW, COMPUTED -> ArgoExpressions.tag(transported());
            case EXACT, LITERAL -> value;
        };
    }

    /** An expression evaluating to the value in transport form: a DAG output's {@code valueFrom.expression}. */
    String transported() {
        return switch (transport) {
            case RAW -> ArgoExpressions.armoured(variable);
            case COMPUTED -> carried != null ? carried : plain ? variable : ArgoExpressions.armoured(variable);
            case LITERAL -> ArgoExpressions.quote(value);
            case EXACT -> variable;
        };
    }

    /** An expression evaluating to the value as it was written, before any armour. */
    String written() {
        return transport != Transport.EXACT || plain ? variable : ArgoExpressions.disarmed(variable);
    }

    private static boolean holdsDouble(ValueType<?> type) {
        return type.kind() == ValueType.Kind.DOUBLE
                || (type.kind() == ValueType.Kind.LIST && holdsDouble(type.elementType()));
    }

    /** Whether the value is a plain template reference, usable where Argo takes no expression. */
    boolean isReference() {
        return transport == Transport.EXACT && value != null;
    }

    /**
     * The items of this list of {@code element}s for {@code withParam}, each in transport form and as a local run
     * gives it ({@link ArgoExpressions#render}).
     */
    String items(ValueType<?> element) {
        // Argo keeps each element's JSON text when it expands a list, so a plain list needs no rewriting, but for
        // doubles: a list may hold 1.0E7 where a whole value is written 10000000.0, or the reverse.
        boolean asListed = plain && !holdsDouble(element);
        if (asListed && transport == Transport.EXACT) {
            return value;
        }
        return ArgoExpressions.tag(
                asListed && transport == Transport.COMPUTED ? variable : ArgoExpressions.itemList(element, written()));
    }
}
