package dev.fermion.contract;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The contract between a compiled step and the launcher ({@code fermion-step}) that runs it, in a pod or
 * in a local process. The compiler writes it as container arguments (with Argo placeholders where values
 * are known only at run time); the launcher parses the same arguments.
 *
 * <pre>
 * fermion-step --component com.acme.Train --pipeline iris --step train --run-id {{workflow.uid}}
 *              --param epochs=30 --param learning-rate={{inputs.parameters.learning-rate}}
 *              --input data=/fermion/inputs/data
 *              --output-param final-loss=/fermion/outputs/params/final-loss
 *              --output-artifact model=/fermion/outputs/artifacts/model
 *              --metrics /fermion/outputs/metrics.jsonl
 * </pre>
 *
 * Parameter values are {@link ValueCodec}-encoded text. Every input artifact is a directory; every output
 * artifact is a directory the launcher creates empty. Each parameter output is a file holding the encoded
 * value, and for each artifact output the launcher also writes the artifact's content digest to
 * {@code <output-param dir>/<name>.digest} so caches can key on content. Metrics are JSON lines
 * ({@code {"key":..,"value":..,"step":..,"timestamp":..}}).
 */
public record LaunchSpec(
        String component,
        String pipeline,
        String step,
        String runId,
        int attempt,
        Map<String, String> params,
        Map<String, String> inputArtifacts,
        Map<String, String> outputParams,
        Map<String, String> outputArtifacts,
        String metricsFile) {

    /** The launcher's command in the runtime image. */
    public static final String COMMAND = "fermion-step";
    /** Where a pod's inputs and outputs live; user volumes may not mount below it. */
    public static final String ROOT = "/fermion";

    public static final String INPUTS = ROOT + "/inputs";
    public static final String OUTPUT_PARAMS = ROOT + "/outputs/params";
    public static final String OUTPUT_ARTIFACTS = ROOT + "/outputs/artifacts";
    public static final String METRICS = ROOT + "/outputs/metrics.jsonl";
    /**
     * Environment variables of every Java step's container on a cluster: the runtime images the workflow was
     * compiled for (CPU and GPU, after the compiler's registry, tag and image replacements), for steps that start
     * other pods from them (a deployed model server).
     */
    public static final String RUNTIME_IMAGE_ENV = "FERMION_RUNTIME_IMAGE";

    public static final String RUNTIME_GPU_IMAGE_ENV = "FERMION_RUNTIME_GPU_IMAGE";
    /** The flag carrying the 0-based attempt number. */
    public static final String ATTEMPT_FLAG = "--attempt";
    /** Suffix of the file (and Argo output parameter) carrying an output artifact's content digest. */
    public static final String DIGEST_SUFFIX = ".digest";

    /** The launcher's mode that only digests a step's external sources: {@code --source-digest FILE <arguments>}. */
    public static final String SOURCE_DIGEST_FLAG = "--source-digest";

    /** The launcher's exit code: the step succeeded. */
    public static final int EXIT_OK = 0;
    /** The step failed; another attempt may succeed. */
    public static final int EXIT_STEP_FAILED = 1;
    /** The launcher was started wrongly (arguments, class, values): no attempt can succeed. */
    public static final int EXIT_USAGE = 2;
    /** The step's inputs or data cannot be used ({@code BadInputException}): no attempt can succeed. */
    public static final int EXIT_BAD_INPUT = 3;

    /** Whether another attempt could end differently from one that exited with {@code exitCode}. */
    public static boolean retryable(int exitCode) {
        return exitCode != EXIT_USAGE && exitCode != EXIT_BAD_INPUT;
    }

    public LaunchSpec {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(runId, "runId");
        params = Map.copyOf(params);
        inputArtifacts = Map.copyOf(inputArtifacts);
        outputParams = Map.copyOf(outputParams);
        outputArtifacts = Map.copyOf(outputArtifacts);
    }

    /** The launcher arguments in a stable order (maps sorted by name), so compiled YAML is deterministic. */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>(
                List.of("--component", component, "--pipeline", pipeline, "--step", step, "--run-id", runId));
        if (attempt > 0) {
            args.addAll(List.of(ATTEMPT_FLAG, Integer.toString(attempt)));
        }
        pairs(args, "--param", params);
        pairs(args, "--input", inputArtifacts);
        pairs(args, "--output-param", outputParams);
        pairs(args, "--output-artifact", outputArtifacts);
        if (metricsFile != null) {
            args.addAll(List.of("--metrics", metricsFile));
        }
        return args;
    }

    private static void pairs(List<String> args, String flag, Map<String, String> values) {
        values.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> args.addAll(List.of(flag, e.getKey() + "=" + e.getValue())));
    }

    /** Parses launcher arguments; the message says which argument is wrong and what was expected. */
    public static LaunchSpec parse(List<String> args) {
        Map<String, String> single = new LinkedHashMap<>();
        Map<String, Map<String, String>> multi = new LinkedHashMap<>();
        for (String flag : List.of("--param", "--input", "--output-param", "--output-artifact")) {
            multi.put(flag, new LinkedHashMap<>());
        }
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("argument " + flag + " needs a value");
            }
            String value = args.get(++i);
            if (multi.containsKey(flag)) {
                int eq = value.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(flag + " expects name=value, got '" + value + "'");
                }
                String name = value.substring(0, eq);
                if (multi.get(flag).put(name, value.substring(eq + 1)) != null) {
                    throw new IllegalArgumentException(flag + " " + name + " is given twice");
                }
            } else if (List.of("--component", "--pipeline", "--step", "--run-id", ATTEMPT_FLAG, "--metrics")
                    .contains(flag)) {
                if (single.put(flag, value) != null) {
                    throw new IllegalArgumentException(flag + " is given twice");
                }
            } else {
                throw new IllegalArgumentException("unknown launcher argument '" + flag + "'");
            }
        }
        for (String required : List.of("--component", "--pipeline", "--step", "--run-id")) {
            if (!single.containsKey(required)) {
                throw new IllegalArgumentException("missing launcher argument " + required);
            }
        }
        int attempt;
        try {
            attempt = Integer.parseInt(single.getOrDefault(ATTEMPT_FLAG, "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--attempt expects a number, got '" + single.get(ATTEMPT_FLAG) + "'");
        }
        return new LaunchSpec(
                single.get("--component"),
                single.get("--pipeline"),
                single.get("--step"),
                single.get("--run-id"),
                attempt,
                multi.get("--param"),
                multi.get("--input"),
                multi.get("--output-param"),
                multi.get("--output-artifact"),
                single.get("--metrics"));
    }
}
