package dev.fermion.dsl;

import java.util.List;

/** A name that is neither a known pipeline nor a class: the message lists the pipelines the catalog knows. */
public final class UnknownPipelineException extends PipelineLookupException {
    private final String name;
    private final List<String> known;

    public UnknownPipelineException(String name, List<String> known) {
        super("no pipeline named '" + name + "'; known pipelines: "
                + (known.isEmpty() ? "none (put your project's classes on the classpath)" : String.join(", ", known)));
        this.name = name;
        this.known = List.copyOf(known);
    }

    public String name() {
        return name;
    }

    public List<String> known() {
        return known;
    }
}
