import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.fermion.components.model.ActivationFunction;
import dev.fermion.components.model.MlpArchitecture;
import dev.fermion.components.model.Task;
import dev.fermion.components.train.OptimizerKind;
import dev.fermion.components.train.TrainingLoop;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The training benchmark's DJL side: TrainMlp's own loop ({@link TrainingLoop}) with TrainMlp's optimizer
 * defaults (Adam, learning rate 0.001, weight decay 0.01) on the rows of generate.py, on the CPU. Prints one
 * line of JSON; WARMUP epochs run untimed before EPOCHS timed ones.
 *
 *   java -cp CLASSPATH TrainBench.java DATA_DIR FEATURES CLASSES HIDDEN BATCH WARMUP EPOCHS
 */
public final class TrainBench {
    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[0]);
        int features = Integer.parseInt(args[1]);
        int classes = Integer.parseInt(args[2]);
        List<Integer> hidden = Arrays.stream(args[3].split(",")).map(Integer::valueOf).toList();
        int batch = Integer.parseInt(args[4]);
        int warmup = Integer.parseInt(args[5]);
        int epochs = Integer.parseInt(args[6]);
        float[] labels = floats(data.resolve("labels.f32"));
        float[] flat = floats(data.resolve("features.f32"));
        float[][] rows = new float[labels.length][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * features, (i + 1) * features);
        }
        MlpArchitecture architecture = new MlpArchitecture(Task.CLASSIFICATION, features, hidden,
                ActivationFunction.RELU, classes, 0, 1);
        TrainingLoop.Settings settings = new TrainingLoop.Settings(OptimizerKind.ADAM, 0.001, 0.9, 0.01, batch, 42);
        List<Double> seconds = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        try (Model model = Model.newInstance("mlp", Device.cpu());
             TrainingLoop loop = new TrainingLoop(model, architecture, settings, rows, labels)) {
            for (int epoch = 0; epoch < warmup + epochs; epoch++) {
                long start = System.nanoTime();
                losses.add(loop.epoch());
                seconds.add((System.nanoTime() - start) / 1e9);
            }
        }
        List<Double> timed = seconds.subList(warmup, seconds.size());
        List<Double> throughput = timed.stream().map(t -> rows.length / t).toList();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf(Locale.ROOT, "{\"tool\": \"djl\", \"hidden\": %s, \"batch\": %d, \"rows\": %d, "
                        + "\"warmup_epochs\": %d, \"threads\": %d, \"interop_threads\": %d, \"version\": \"%s %s\", "
                        + "\"epoch_seconds\": %s, \"samples_per_s\": %s, \"first_loss\": %.5f, \"last_loss\": %.5f, "
                        + "\"load\": %.2f}%n",
                hidden, batch, rows.length, warmup, JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(),
                Engine.getDjlVersion(), Engine.getInstance().getVersion(), json(timed, "%.4f"),
                json(throughput, "%.1f"), losses.get(0), losses.get(losses.size() - 1), load);
    }

    private static float[] floats(Path file) throws IOException {
        FloatBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static String json(List<Double> xs, String format) {
        return xs.stream().map(x -> String.format(Locale.ROOT, format, x)).collect(Collectors.joining(", ", "[", "]"));
    }
}
