package dev.fermion.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fermion.dsl.ContainerFixtures.Check;
import dev.fermion.dsl.ContainerFixtures.RecursesIntoOther;
import dev.fermion.dsl.ContainerFixtures.Rounds;
import dev.fermion.dsl.ContainerFixtures.Unconditional;
import dev.fermion.dsl.ContainerFixtures.While;
import dev.fermion.plan.Cond;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.types.ValueType;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Sub-pipelines that call themselves: do-while and while loops, bounded, and their misuse. */
class RecursionTest {

    private static PipelineDefinitionException failure(Consumer<Dag> body) {
        return assertThrows(
                PipelineDefinitionException.class, () -> Pipeline.named("demo").define(body));
    }

    @Test
    void doWhileBodyEndsWithAConditionalCallOfItself() {
        var plan = Pipeline.named("demo")
                .define(p -> p.step("rounds", new Rounds()))
                .plan();

        var call = (Node.CallNode) plan.graph().node("rounds").orElseThrow();
        Graph body = plan.subPipeline(call.pipeline());
        assertThat(body.nodes()).extracting(Node::name).containsExactly("check", "again");
        var again = (Node.RecurseNode) body.node("again").orElseThrow();
        assertThat(again.pipeline()).isEqualTo(call.pipeline()).isEqualTo(Rounds.class.getName());
        assertThat(again.maxDepth()).isEqualTo(4);
        assertThat(again.dependencies()).containsExactly("check");
        assertThat(again.bindings())
                .containsExactly(java.util.Map.entry(
                        "round", new Expr.StepOutput("check", "next", ValueType.of(Integer.class))));
        assertThat(again.when())
                .contains(new Cond.IsTrue(new Expr.StepOutput("check", "again", ValueType.of(Boolean.class))));
        assertThat(plan.subPipelines()).containsOnlyKeys(Rounds.class.getName());
    }

    @Test
    void whileGuardsTheWholeBodyWithTheDefaultDepth() {
        var plan = Pipeline.named("demo")
                .define(p -> p.step("loop", new While()).with(While.ROUND, 0))
                .plan();

        Graph body = plan.subPipeline(While.class.getName());
        var check = body.node("check").orElseThrow();
        var again = (Node.RecurseNode) body.node("again").orElseThrow();
        Cond guard = new Cond.Compare(
                new Expr.GraphInput("round", ValueType.of(Integer.class)),
                Cond.Op.LT,
                new Expr.Literal(ValueType.of(Integer.class), 3));
        assertThat(check.when()).contains(guard);
        assertThat(again.when()).contains(guard);
        assertThat(again.maxDepth()).isEqualTo(Dag.DEFAULT_MAX_DEPTH);
    }

    @Test
    void recursionNeedsACondition() {
        var e = failure(p -> p.step("loop", new Unconditional()).with(Unconditional.ROUND, 1));
        assertThat(e.getMessage())
                .contains(
                        "step 'loop'",
                        "in sub-pipeline",
                        "step 'again'",
                        "an unconditional recursion never ends",
                        "dag.when(condition, b -> b.recurse(...))");
    }

    @Test
    void recursionRunsTheSubPipelineBeingDefinedOnly() {
        var e = failure(p -> p.step("other", new RecursesIntoOther()));
        assertThat(e.getMessage())
                .contains(
                        "step 'other'",
                        "only available inside that SubPipeline's define()",
                        "this is RecursesIntoOther, not Rounds");

        e = failure(p -> {
            var check = p.step("check", new Check()).with(Check.ROUND, 1);
            p.when(check.out(Check.AGAIN).isTrue(), b -> b.recurse("again", new Rounds()));
        });
        assertThat(e.step()).isEqualTo("again");
        assertThat(e.getMessage()).contains("dag.recurse(name, this)");
    }

    @Test
    void theDepthMustBePositive() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new Node.RecurseNode(
                        "again", "p", java.util.Map.of(), 0, java.util.Set.of(), java.util.Optional.empty()));
        assertThat(e.getMessage()).contains("maxDepth must be at least 1");
        assertThat(List.of(Dag.DEFAULT_MAX_DEPTH)).containsExactly(10);
    }
}
