package dev.fermion.testfixtures;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;
import dev.fermion.dsl.Value;
import dev.fermion.types.ValueType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loops over records and over lists built from values, as Kubeflow Pipelines and Hera write them: the fields of
 * a step's list-of-records output and of a constant list of records, a list of maps mixing a parameter, a step's
 * output and constants, and a list of lists of the same. Shared by the compiler's golden files and the local
 * runner's tests, so both show the same semantics: with {@code n = 7} each {@code take} step sees
 * {@code id/weight/name} of its item, {@code take-map} sees {@code {n=7, one=11}} then {@code {k=3}}, and
 * {@code nested} sees {@code [[7, 1], [11]]}.
 */
public final class LoopItems {
    private LoopItems() {}

    /** An item of the loops. */
    public record Shard(int id, double weight, String name) {}

    public static Pipeline pipeline() {
        return Pipeline.named("loop-items").define(p -> {
            var n = p.param("n", 7);
            var one = p.step("one", new Increment()).with(Increment.X, 10);
            var listed = p.step("list", new ListShards());
            p.forEach(
                    "from-step",
                    listed.out(ListShards.SHARDS),
                    (b, shard) -> b.step("take", new Take())
                            .with(Take.ID, shard.get(Shard::id))
                            .with(Take.WEIGHT, shard.get(Shard::weight))
                            .with(Take.NAME, shard.get(Shard::name)));
            p.forEach(
                    "constant",
                    ValueType.of(Shard.class),
                    List.of(new Shard(3, 0.25, "c"), new Shard(4, 1.5, "d's {{x}}")),
                    (b, shard) -> b.step("take-constant", new Take())
                            .with(Take.ID, shard.get(Shard::id))
                            .with(Take.WEIGHT, shard.get(Shard::weight))
                            .with(Take.NAME, shard.get(Shard::name)));
            p.forEach(
                    "maps",
                    Value.listOf(
                            Value.mapOf(Map.of("n", n, "one", one.out(Increment.Y))),
                            Value.mapOf(Map.of("k", Value.of(3)))),
                    (b, map) -> b.step("take-map", new TakeMap()).with(TakeMap.VALUES, map));
            p.step("nested", new TakeNested())
                    .with(
                            TakeNested.VALUES,
                            Value.listOf(Value.listOf(n, Value.of(1)), Value.listOf(one.out(Increment.Y))));
        });
    }

    /** Gives {@code x + 1}. */
    public static final class Increment extends Component {
        public static final Input<Integer> X = input("x", Integer.class);
        public static final Output<Integer> Y = output("y", Integer.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(Y, ctx.get(X) + 1);
        }
    }

    /** Lists two shards, {@code 1/0.5/a} and {@code 2/2.0/b}. */
    public static final class ListShards extends Component {
        public static final Output<List<Shard>> SHARDS = output("shards", ValueType.listOf(Shard.class));

        @Override
        protected void run(StepContext ctx) {
            ctx.put(SHARDS, List.of(new Shard(1, 0.5, "a"), new Shard(2, 2.0, "b")));
        }
    }

    /** Says the fields it was given as {@code id/weight/name}. */
    public static final class Take extends Component {
        public static final Input<Integer> ID = input("id", Integer.class);
        public static final Input<Double> WEIGHT = input("weight", Double.class);
        public static final Input<String> NAME = input("name", String.class);
        public static final Output<String> SEEN = output("seen", String.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(SEEN, ctx.get(ID) + "/" + ctx.get(WEIGHT) + "/" + ctx.get(NAME));
        }
    }

    /** Says the map it was given, its keys in order. */
    public static final class TakeMap extends Component {
        public static final Input<Map<String, Integer>> VALUES = input("values", ValueType.mapOf(Integer.class));
        public static final Output<String> SEEN = output("seen", String.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(SEEN, new TreeMap<>(ctx.get(VALUES)).toString());
        }
    }

    /** Says the lists it was given. */
    public static final class TakeNested extends Component {
        public static final Input<List<List<Integer>>> VALUES =
                input("values", ValueType.listOf(ValueType.listOf(Integer.class)));
        public static final Output<String> SEEN = output("seen", String.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(SEEN, ctx.get(VALUES).toString());
        }
    }
}
