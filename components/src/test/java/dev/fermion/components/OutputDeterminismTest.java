package dev.fermion.components;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.fermion.components.evaluate.EvaluateClassifier;
import dev.fermion.components.evaluate.EvaluateRegressor;
import dev.fermion.components.predict.BatchPredict;
import dev.fermion.components.publish.PublishModel;
import dev.fermion.components.table.Table;
import dev.fermion.components.train.TrainMlp;
import dev.fermion.types.Dataset;
import dev.fermion.types.Directory;
import dev.fermion.types.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every model step gives byte-identical outputs for the same inputs, wherever the inputs lie (each run
 * keeps its artifacts under its own directory), whatever the JVM's locale and however many threads the
 * engine computes with: the digests of the outputs are the cache keys of the steps after them. Training is
 * the one exception to the last: libtorch's kernels may split a sum differently with more threads (seen on
 * an AVX-512 machine: the 8th digit of the validation loss), so {@link TrainMlp#THREADS} is an input, and
 * so part of the step's cache key, and training must repeat byte for byte at each thread count.
 */
class OutputDeterminismTest {
    @TempDir
    Path tmp;

    /** A step run under its own root directory, where it finds copies of its inputs and writes its outputs. */
    private interface Step {
        TestContext run(Path root) throws Exception;
    }

    /**
     * Runs a step twice, each time in another directory with another thread count for libtorch and
     * another locale, none of which may matter, and returns the digests of both runs' outputs.
     */
    private List<Map<String, String>> twice(String name, Step step) throws Exception {
        return twice(name, 1, 4, step);
    }

    /** As {@link #twice(String, Step)}, with libtorch computing on {@code first}, then {@code second} threads. */
    private List<Map<String, String>> twice(String name, int first, int second, Step step) throws Exception {
        List<Map<String, String>> digests = new ArrayList<>();
        Engine.getInstance(); // loads libtorch, which JniUtils calls into
        int threads = JniUtils.getNumThreads();
        Locale locale = Locale.getDefault();
        try {
            for (int setting = 0; setting < 2; setting++) {
                JniUtils.setNumThreads(setting == 0 ? first : second);
                Locale.setDefault(setting == 0 ? Locale.ROOT : Locale.GERMANY);
                Path root = tmp.resolve(name + "-" + first + "-" + second + "-" + setting);
                TestContext ctx = step.run(root);
                Map<String, String> outputs = new TreeMap<>(Digests.of(root.resolve(ctx.stepName())));
                outputs.keySet().removeIf(file -> file.startsWith(".work"));
                ctx.outputs().forEach((output, value) -> outputs.put("output " + output, String.valueOf(value)));
                digests.add(outputs);
            }
        } finally {
            JniUtils.setNumThreads(threads);
            Locale.setDefault(locale);
        }
        return digests;
    }

    /** A copy of a data set under {@code root}, as another run would hold it. */
    private static Dataset copy(Path dataset, Path root, String name) throws Exception {
        Path target = Files.createDirectories(root.resolve(name));
        try (var files = Files.list(dataset)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return new Dataset(target);
    }

    @Test
    void trainingEvaluationPredictionAndPublishingRepeatByteForByte() throws Exception {
        Path data = tmp.resolve("data");
        Fixtures.blobs(data, 160, 8);

        Step training = root -> new TestContext(root, "train")
                .with(TrainMlp.TRAIN, copy(data.resolve("train"), root, "train-split"))
                .with(TrainMlp.VALIDATION, copy(data.resolve("validation"), root, "validation-split"))
                .with(
                        TrainMlp.PREPROCESSING,
                        new Directory(copy(data.resolve("preprocessing"), root, "fitted")
                                .path()))
                .with(TrainMlp.EPOCHS, 8)
                .with(TrainMlp.LEARNING_RATE, 0.01)
                // TrainMlp sets the engine's threads itself: to the count this run of the two computes with.
                .with(TrainMlp.THREADS, JniUtils.getNumThreads())
                .run(new TrainMlp());
        for (int threads : new int[] {1, 4}) {
            List<Map<String, String>> trained = twice("train", threads, threads, training);
            assertThat(trained.get(0)).containsKey("model/mlp-0000.params");
            assertThat(trained.get(1)).as("trained on %d threads", threads).isEqualTo(trained.get(0));
        }
        Model model = new Model(tmp.resolve("train-1-1-0/train/model"));

        List<Map<String, String>> evaluated = twice(
                "evaluate",
                root -> new TestContext(root, "evaluate")
                        .with(EvaluateClassifier.MODEL, model)
                        .with(EvaluateClassifier.DATA, copy(data.resolve("test"), root, "test-split"))
                        .run(new EvaluateClassifier()));
        assertThat(evaluated.get(0))
                .containsKeys("report/report.html", "report/metrics.json", "report/confusion-matrix.png");
        assertThat(evaluated.get(1)).isEqualTo(evaluated.get(0));

        Path unreadable = tmp.resolve("unreadable");
        List<List<String>> rows = new ArrayList<>(Table.readDataset(data.resolve("test")).rows().stream()
                .map(Table.Row::values)
                .toList());
        rows.set(3, List.of("x", "oops", "1.0", "red", "yes"));
        Fixtures.dataset(unreadable, Fixtures.BLOBS, rows);
        List<Map<String, String>> predicted = twice(
                "predict",
                root -> new TestContext(root, "predict")
                        .with(BatchPredict.MODEL, model)
                        .with(BatchPredict.DATA, copy(unreadable, root, "rows"))
                        .run(new BatchPredict()));
        assertThat(predicted.get(0)).containsEntry("output rejected-rows", "1");
        assertThat(predicted.get(1)).isEqualTo(predicted.get(0));

        List<Map<String, String>> published = twice(
                "publish",
                root -> new TestContext(root, "publish")
                        .with(PublishModel.MODEL, model)
                        .with(PublishModel.NAME, "blobs")
                        .with(
                                PublishModel.TARGET,
                                root.resolve("publish/published").toString())
                        .run(new PublishModel()));
        published.forEach(digests -> digests.remove("output location"));
        assertThat(published.get(0)).containsKey("published/manifest.json");
        assertThat(published.get(1)).isEqualTo(published.get(0));
    }

    @Test
    void regressionEvaluationRepeatsByteForByte() throws Exception {
        Model model = new Model(TestBundles.regressor(tmp.resolve("model")));
        List<Map<String, String>> evaluated = twice("evaluate", root -> {
            Path data = Files.createDirectories(root.resolve("iris"));
            Files.copy(TestBundles.IRIS, data.resolve("iris.csv"));
            return new TestContext(root, "evaluate")
                    .with(EvaluateRegressor.MODEL, model)
                    .with(EvaluateRegressor.DATA, new Dataset(data))
                    .run(new EvaluateRegressor());
        });
        assertThat(evaluated.get(0)).containsKey("report/predicted-vs-actual.png");
        assertThat(evaluated.get(1)).isEqualTo(evaluated.get(0));
    }
}
