package dev.fermion.compiler.argo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where an output parameter's value comes from: a file in the container ({@code path}), another
 * parameter ({@code parameter}), an expression over a DAG's tasks ({@code expression}, DAG outputs only), or a
 * field of a resource a resource template acted on ({@code jsonPath}); {@code default} is used when the file or
 * field is missing, kept when empty (an empty default is a real one: without it a missing file fails the step).
 */
public record ValueFrom(
        String path,
        String parameter,
        String expression,
        String jsonPath,

        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("default")
        String defaultValue) {}
