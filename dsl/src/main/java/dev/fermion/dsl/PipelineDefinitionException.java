package dev.fermion.dsl;

/**
 * A pipeline definition that cannot run. The message names the pipeline, the step and the port where
 * they apply, and says how to fix it.
 */
public class PipelineDefinitionException extends RuntimeException {
    private final String pipeline;
    private final String step;

    public PipelineDefinitionException(String pipeline, String step, String message) {
        super(format(pipeline, step, message));
        this.pipeline = pipeline;
        this.step = step;
    }

    public PipelineDefinitionException(String pipeline, String step, String message, Throwable cause) {
        super(format(pipeline, step, message), cause);
        this.pipeline = pipeline;
        this.step = step;
    }

    private static String format(String pipeline, String step, String message) {
        StringBuilder where = new StringBuilder("pipeline '").append(pipeline).append('\'');
        if (step != null) {
            where.append(", step '").append(step).append('\'');
        }
        return where + ": " + message;
    }

    public String pipeline() {
        return pipeline;
    }

    /** The step the problem is in, or null for pipeline-wide problems. */
    public String step() {
        return step;
    }
}
