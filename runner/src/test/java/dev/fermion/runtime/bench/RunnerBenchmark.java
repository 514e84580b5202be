package dev.fermion.runtime.bench;

import dev.fermion.dsl.Pipeline;
import dev.fermion.runtime.fixtures.Steps.AddOne;
import dev.fermion.runtime.fixtures.Steps.Sum;
import dev.fermion.runtime.local.FermionHome;
import dev.fermion.runtime.local.Isolation;
import dev.fermion.runtime.local.LocalRunner;
import dev.fermion.runtime.local.RunOptions;
import dev.fermion.runtime.local.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Rough local-runner overheads, run by hand (not a test):
 * {@code java -cp <test classpath> dev.fermion.runtime.bench.RunnerBenchmark [fan-out] [chain] [repeats]}.
 * Steps do almost nothing, so the times are the runner's own cost per step: scheduling, launching, records.
 */
public final class RunnerBenchmark {
    private RunnerBenchmark() {}

    public static void main(String[] args) throws Exception {
        int fanOut = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int chain = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Pipeline wide = Pipeline.named("bench-wide").define(p -> {
            var loop = p.forEach(
                    "each",
                    IntStream.range(0, fanOut).boxed().toList(),
                    (body, item) -> body.step("inc", new AddOne()).with(AddOne.X, item));
            p.step("total", new Sum()).with(Sum.VALUES, loop.collect(AddOne.Y));
        });
        Pipeline deep = Pipeline.named("bench-deep").define(p -> {
            var previous = p.step("s0", new AddOne()).with(AddOne.X, 0);
            for (int i = 1; i < chain; i++) {
                previous = p.step("s" + i, new AddOne()).with(AddOne.X, previous.out(AddOne.Y));
            }
        });
        for (int r = 0; r < repeats; r++) {
            Path home = Files.createTempDirectory("fermion-bench-");
            RunOptions options = RunOptions.defaults().withHome(new FermionHome(home));
            time(
                    "wide " + fanOut + " steps, in-process, cold cache",
                    () -> new LocalRunner(options).run(wide.plan(), Map.of()));
            time(
                    "wide " + fanOut + " steps, in-process, all cached",
                    () -> new LocalRunner(options).run(wide.plan(), Map.of()));
            time(
                    "chain of " + chain + " steps, in-process, no cache",
                    () -> new LocalRunner(options.withCache(false)).run(deep.plan(), Map.of()));
            time(
                    "chain of 5 steps, process isolation, no cache",
                    () -> new LocalRunner(options.withCache(false).withIsolation(Isolation.PROCESS))
                            .run(
                                    Pipeline.named("bench-proc")
                                            .define(p -> {
                                                var prev = p.step("p0", new AddOne())
                                                        .with(AddOne.X, 0);
                                                for (int i = 1; i < 5; i++) {
                                                    prev = p.step("p" + i, new AddOne())
                                                            .with(AddOne.X, prev.out(AddOne.Y));
                                                }
                                            })
                                            .plan(),
                                    Map.of()));
        }
    }

    private static void time(String label, java.util.function.Supplier<RunResult> run) {
        long start = System.nanoTime();
        RunResult result = run.get();
        long millis = (System.nanoTime() - start) / 1_000_000;
        long steps = result.record().steps().values().stream()
                .filter(s -> "step".equals(s.kind()))
                .count();
        System.out.printf("%-50s %6d ms  %6.2f ms/step  %s%n", label, millis, (double) millis / steps, result.status());
    }
}
