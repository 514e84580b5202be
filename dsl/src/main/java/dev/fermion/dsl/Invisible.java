package dev.fermion.dsl;

import dev.fermion.plan.Expr;

/** What a value that cannot be read here is, and why not, in the words of the error that says so. */
final class Invisible implements Expr.Visitor<String> {
    private final Scope origin;

    Invisible(Scope origin) {
        this.origin = origin;
    }

    @Override
    public String workflowStatus(Expr.WorkflowStatus status) {
        return "the pipeline status, which is only known in the exit handler: read status() in a step added "
                + "inside onExit(...)";
    }

    @Override
    public String loopItem(Expr.LoopItem item) {
        return "the item of loop '" + item.loop() + "' outside that loop's body: use the item only inside "
                + "forEach(...), or collect the loop's outputs";
    }

    @Override
    public String stepOutput(Expr.StepOutput out) {
        return "output '" + out.port() + "' of step '" + out.step() + "', which is not upstream here (it is "
                + "defined in " + origin + "): " + hint(origin);
    }

    @Override
    public String collected(Expr.Collected c) {
        return "the outputs collected from loop '" + c.loop() + "', which is not upstream here (it is defined in "
                + origin + ")";
    }

    // The values below are made of others, or known everywhere; one defined out of sight is named by its scope.

    @Override
    public String literal(Expr.Literal literal) {
        return definedElsewhere();
    }

    @Override
    public String inline(Expr.Inline inline) {
        return definedElsewhere();
    }

    @Override
    public String param(Expr.Param param) {
        return definedElsewhere();
    }

    @Override
    public String orElse(Expr.OrElse orElse) {
        return definedElsewhere();
    }

    @Override
    public String field(Expr.Field field) {
        return definedElsewhere();
    }

    @Override
    public String listOf(Expr.ListOf listOf) {
        return definedElsewhere();
    }

    @Override
    public String mapOf(Expr.MapOf mapOf) {
        return definedElsewhere();
    }

    @Override
    public String format(Expr.Format format) {
        return definedElsewhere();
    }

    @Override
    public String graphInput(Expr.GraphInput graphInput) {
        return definedElsewhere();
    }

    private String definedElsewhere() {
        return "a value defined in " + origin + ", which is not visible here";
    }

    private static String hint(Scope origin) {
        return switch (origin.kind) {
            case LOOP_BODY -> "read it through Loop.collect(...) after the loop";
            case BRANCH ->
                "a step in a branch may be skipped, so only steps in the same branch can read it; after the "
                        + "branch, read it with .orElse(fallback)";
            case EXIT_HANDLER -> "exit-handler steps run last and cannot feed other steps";
            default -> "the exit handler and sub-pipelines see only their own steps and inputs";
        };
    }
}
