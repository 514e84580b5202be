package dev.fermion.compiler.argo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An Argo parameter. {@code value} and {@code default} are kept when empty: an empty string is a real
 * value, and dropping it would leave a template input unsupplied. An output with a {@code globalName} is also
 * published as {@code workflow.outputs.parameters.<globalName>}, which the exit handler can read.
 */
public record Parameter(
        String name,
        @JsonInclude(JsonInclude.Include.NON_NULL) String value,

        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("default")
        String defaultValue,

        @JsonProperty("enum") List<String> allowed,
        String description,
        ValueFrom valueFrom,
        String globalName) {

    public static Parameter declared(String name) {
        return new Parameter(name, null, null, null, null, null, null);
    }

    public static Parameter of(String name, String value) {
        return new Parameter(name, value, null, null, null, null, null);
    }

    public static Parameter fromPath(String name, String path) {
        return new Parameter(name, null, null, null, null, new ValueFrom(path, null, null, null, null), null);
    }

    public static Parameter fromParameter(String name, String reference) {
        return new Parameter(name, null, null, null, null, new ValueFrom(null, reference, null, null, null), null);
    }

    /** A DAG output computed by an expr-lang {@code expression} over the DAG's tasks (no {@code {{=...}}} tag). */
    public static Parameter fromExpression(String name, String expression) {
        return new Parameter(name, null, null, null, null, new ValueFrom(null, null, expression, null, null), null);
    }

    /** A file the container may write; {@code fallback} when it does not. */
    public static Parameter fromPathOrDefault(String name, String path, String fallback) {
        return new Parameter(name, null, null, null, null, new ValueFrom(path, null, null, null, fallback), null);
    }

    public static Parameter fromJsonPath(String name, String jsonPath) {
        return new Parameter(name, null, null, null, null, new ValueFrom(null, null, null, jsonPath, null), null);
    }

    /** This output, also published under {@code globalName} (Argo substitutes the template's inputs in it). */
    public Parameter withGlobalName(String globalName) {
        return new Parameter(name, value, defaultValue, allowed, description, valueFrom, globalName);
    }
}
