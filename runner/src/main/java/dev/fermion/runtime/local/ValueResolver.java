package dev.fermion.runtime.local;

import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Exprs;
import dev.fermion.types.ValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the plan's expressions into values in a frame, as Argo substitutes a node's inputs: pipeline
 * parameters, outputs of steps that ran, loop items, fan-in over a loop's iterations, constant files and the
 * pipeline's status for the exit handler. A value that is not there is a {@link ResolveException}.
 */
final class ValueResolver {
    private final Map<String, String> params;
    private final Path runDir;
    /** How the main graph ended, for the exit handler's {@code workflowStatus}; null before it ended. */
    private volatile RunStatus mainStatus;

    ValueResolver(Map<String, String> params, Path runDir) {
        this.params = params;
        this.runDir = runDir;
    }

    void mainFinished(RunStatus status) {
        mainStatus = status;
    }

    /** The values bound to a node's inputs, {@code path} naming the node in messages. */
    Inputs inputs(Map<String, Expr> bindings, Frame frame, String path) {
        Map<String, String> paramInputs = new TreeMap<>();
        Map<String, Resolved> artifactInputs = new TreeMap<>();
        for (Map.Entry<String, Expr> binding : bindings.entrySet()) {
            Resolved value = resolve(binding.getValue(), frame, path + " input '" + binding.getKey() + "'");
            if (value.isArtifact()) {
                artifactInputs.put(binding.getKey(), value);
            } else {
                paramInputs.put(binding.getKey(), value.text());
            }
        }
        return new Inputs(paramInputs, artifactInputs);
    }

    Resolved resolve(Expr expr, Frame frame, String where) {
        return expr.accept(new Expr.Visitor<>() {
            @Override
            public Resolved literal(Expr.Literal literal) {
                return Resolved.text(literal.type(), ValueCodec.encode(literal.type(), literal.value()));
            }

            @Override
            public Resolved inline(Expr.Inline inline) {
                return Resolved.artifact(
                        inline.type(), inlineFile(inline, where), inline.file().digest());
            }

            @Override
            public Resolved param(Expr.Param param) {
                String value = params.get(param.name());
                if (value == null) {
                    throw new ResolveException(
                            where + " reads pipeline parameter '" + param.name() + "', which has no value");
                }
                return Resolved.text(param.type(), value);
            }

            @Override
            public Resolved stepOutput(Expr.StepOutput out) {
                NodeResult producer = frame.result(out.step());
                if (producer == null || producer.status() != StepStatus.SUCCEEDED) {
                    throw new ResolveException(where + " reads output '" + out.port() + "' of step '" + out.step()
                            + "', which "
                            + (producer == null
                                    ? "has not run"
                                    : "is " + producer.status().label().toLowerCase(Locale.ROOT)));
                }
                return output(
                        producer,
                        out.port(),
                        out.type(),
                        where + " (output '" + out.port() + "' of '" + out.step() + "')");
            }

            @Override
            public Resolved loopItem(Expr.LoopItem item) {
                Resolved value = frame.loopItem(item.loop());
                if (value == null) {
                    throw new ResolveException(where + " reads the item of loop '" + item.loop() + "' outside it");
                }
                return value;
            }

            @Override
            public Resolved collected(Expr.Collected collected) {
                return collect(collected, frame, where);
            }

            @Override
            public Resolved orElse(Expr.OrElse orElse) {
                Resolved value = available(orElse.value(), frame)
                        ? resolve(orElse.value(), frame, where)
                        : resolve(orElse.fallback(), frame, where);
                return Resolved.text(orElse.type(), value.text());
            }

            @Override
            public Resolved field(Expr.Field field) {
                Resolved record = resolve(field.of(), frame, where);
                try {
                    return Resolved.text(field.type(), ValueCodec.field(record.text(), field.name(), field.type()));
                } catch (IllegalArgumentException e) {
                    throw new ResolveException(where + " reads '" + field.name() + "' of a record: " + e.getMessage());
                }
            }

            @Override
            public Resolved listOf(Expr.ListOf list) {
                // Each element as it is, as Argo's expression joins them: a whole double stays 10000000.0.
                List<String> elements = new ArrayList<>();
                for (Expr element : list.elements()) {
                    elements.add(ValueCodec.element(
                            element.type(), resolve(element, frame, where).text()));
                }
                return Resolved.text(list.type(), "[" + String.join(",", elements) + "]");
            }

            @Override
            public Resolved mapOf(Expr.MapOf map) {
                List<String> entries = new ArrayList<>();
                map.entries()
                        .forEach((key, e) -> entries.add(ValueCodec.json(key) + ":"
                                + ValueCodec.element(
                                        e.type(), resolve(e, frame, where).text())));
                return Resolved.text(map.type(), "{" + String.join(",", entries) + "}");
            }

            @Override
            public Resolved format(Expr.Format format) {
                StringBuilder text = new StringBuilder(format.texts().get(0));
                for (int i = 0; i < format.args().size(); i++) {
                    text.append(resolve(format.args().get(i), frame, where).text())
                            .append(format.texts().get(i + 1));
                }
                return Resolved.text(format.type(), text.toString());
            }

            @Override
            public Resolved graphInput(Expr.GraphInput input) {
                Resolved value = frame.input(input.name());
                if (value == null) {
                    throw new ResolveException(
                            where + " reads sub-pipeline input '" + input.name() + "', which is not bound");
                }
                return value;
            }

            @Override
            public Resolved workflowStatus(Expr.WorkflowStatus status) {
                if (mainStatus == null) {
                    throw new ResolveException(where + " reads the pipeline status before the pipeline finished");
                }
                return Resolved.text(status.type(), mainStatus.workflowStatus());
            }
        });
    }

    /**
     * The directory holding a constant file, written once per run and content under the run's directory, as
     * Argo's raw artifact is written into the step's pod.
     */
    private synchronized Path inlineFile(Expr.Inline inline, String where) {
        String digest = inline.file().digest();
        Path dir = runDir.resolve("inline").resolve(digest.substring(digest.indexOf(':') + 1));
        Path file = dir.resolve(inline.file().name());
        try {
            if (!Files.isRegularFile(file)) {
                Files.createDirectories(dir);
                Path partial = Files.createTempFile(dir, ".inline", ".partial");
                Files.writeString(partial, inline.file().content(), StandardCharsets.UTF_8);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new ResolveException(where + ": cannot write the constant file " + file + ": " + e.getMessage());
        }
        return dir;
    }

    /** Whether the value side of an orElse is there: its step or loop succeeded, as Argo's compiled test reads it. */
    private static boolean available(Expr expr, Frame frame) {
        return Exprs.availability(
                expr,
                node -> {
                    NodeResult result = frame.result(node);
                    return result != null && result.status() == StepStatus.SUCCEEDED;
                },
                true,
                (value, fallback) -> value || fallback);
    }

    private static Resolved output(NodeResult producer, String port, ValueType<?> type, String where) {
        Path artifact = producer.artifacts().get(port);
        if (artifact != null) {
            return Resolved.artifact(type, artifact, producer.digests().get(port));
        }
        String text = producer.params().get(port);
        if (text == null) {
            throw new ResolveException(where + ": the producer left no such output");
        }
        return Resolved.text(type, text);
    }

    /** Fan-in: the collected value read in each iteration's frame, in item order. */
    private Resolved collect(Expr.Collected collected, Frame frame, String where) {
        NodeResult loop = frame.result(collected.loop());
        if (loop == null) {
            throw new ResolveException(where + " collects from loop '" + collected.loop() + "', which has not run");
        }
        ValueType<?> element = collected.type().elementType();
        // Each iteration's value as it is, as Argo's aggregation keeps it.
        List<String> values = new ArrayList<>();
        for (Frame iteration : loop.iterations()) {
            values.add(ValueCodec.element(
                    element, resolve(collected.each(), iteration, where).text()));
        }
        return Resolved.text(collected.type(), "[" + String.join(",", values) + "]");
    }
}
