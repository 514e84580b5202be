package dev.fermion.testfixtures;

import dev.fermion.contract.ValueCodec;
import dev.fermion.dsl.Component;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.StepContext;
import dev.fermion.dsl.Value;
import dev.fermion.types.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values written into a string with {@link Value#format}, read from the items of run-time lists: the fields of
 * records, whole records and doubles. Shared by the compiler's test, which evaluates the compiled expressions
 * with Argo's own code, and the local runner's, so both show that each iteration says {@link #said} of its
 * item, Java's text of each value.
 */
public final class FormattedValues {
    private FormattedValues() {}

    /** An item: every kind of scalar, a string that needs escaping in JSON, and a map given out of key order. */
    public record Sample(double rate, long count, int n, boolean on, String text, Map<String, Double> weights) {}

    public static final ValueType<List<Sample>> SAMPLES = ValueType.listOf(Sample.class);
    public static final ValueType<List<Double>> RATES = ValueType.listOf(Double.class);

    /** The doubles of the samples: where Go's JSON and Java's text differ, and where they agree. */
    public static final List<Double> DOUBLES = List.of(
            1.0, 0.1, 2.5e-7, 1e21, 123456789.0, -0.0, 0.0, 5.0e-4, 1.25e-4, 1234567.5, 1e7, 1e15, -3.5e300, 0.001);

    /** The longs at the edge of what Argo reads exactly: 2^53 - 1 is read as it is, 2^53 and beyond are refused. */
    public static final long LARGEST_EXACT = ValueCodec.EXACT_LONG_LIMIT - 1;

    public static final List<Long> INEXACT = List.of(ValueCodec.EXACT_LONG_LIMIT + 1, Long.MAX_VALUE, Long.MIN_VALUE);

    public static List<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < DOUBLES.size(); i++) {
            Map<String, Double> weights = new LinkedHashMap<>();
            weights.put("z", DOUBLES.get(i));
            weights.put("a<b", 0.5);
            samples.add(new Sample(
                    DOUBLES.get(i),
                    i == 0 ? LARGEST_EXACT : -i,
                    Integer.MIN_VALUE + i,
                    i % 2 == 0,
                    "it's \"q\" \\ <b>&\u2028\u000b\n{{x}} #" + i,
                    weights));
        }
        return samples;
    }

    /** What the step of the samples loop says for {@code sample}. */
    public static String said(Sample sample) {
        return ValueCodec.encode(ValueType.of(Double.class), sample.rate()) + "|" + sample.count() + "|" + sample.n()
                + "|" + sample.on() + "|" + sample.text() + "|"
                + ValueCodec.reread(ValueType.of(Sample.class), sample);
    }

    public static Pipeline pipeline() {
        return Pipeline.named("formatted-values").define(p -> {
            var samples = p.param("samples", SAMPLES, samples(), null);
            var rates = p.param("rates", RATES, DOUBLES, null);
            p.forEach(
                    "samples",
                    samples,
                    (b, sample) -> b.step("say", new Say())
                            .with(
                                    Say.TEXT,
                                    Value.format(
                                            "%s|%s|%s|%s|%s|%s",
                                            sample.get(Sample::rate),
                                            sample.get(Sample::count),
                                            sample.get(Sample::n),
                                            sample.get(Sample::on),
                                            sample.get(Sample::text),
                                            sample)));
            p.forEach(
                    "rates",
                    rates,
                    (b, rate) -> b.step("say-rate", new Say()).with(Say.TEXT, Value.format("%s", rate)));
        });
    }

    /** Says its text. */
    public static final class Say extends Component {
        public static final Input<String> TEXT = input("text", String.class);
        public static final Output<String> SAID = output("said", String.class);

        @Override
        protected void run(StepContext ctx) {
            ctx.put(SAID, ctx.get(TEXT));
        }
    }
}
