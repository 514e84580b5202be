package dev.fermion.serving.model;

import dev.fermion.components.model.MlpPredictor;
import dev.fermion.components.model.ModelBundle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;

/**
 * Loaded copies of one bundle, each used by one request at a time: a DJL predictor is not thread-safe,
 * so concurrent requests borrow different copies and wait when every copy is busy.
 */
final class PredictorPool implements AutoCloseable {
    private final List<MlpPredictor> all;
    private final BlockingQueue<MlpPredictor> idle;

    PredictorPool(Path directory, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("A model needs at least one worker, got " + size);
        }
        List<MlpPredictor> opened = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                opened.add(ModelBundle.open(directory));
            }
        } catch (RuntimeException e) {
            opened.forEach(MlpPredictor::close);
            throw e;
        }
        all = List.copyOf(opened);
        idle = new ArrayBlockingQueue<>(size, false, opened);
    }

    ModelBundle bundle() {
        return all.get(0).bundle();
    }

    int size() {
        return all.size();
    }

    /** Runs {@code work} with a predictor no other thread holds meanwhile. */
    <T> T with(Function<MlpPredictor, T> work) throws InterruptedException {
        MlpPredictor predictor = idle.take();
        try {
            return work.apply(predictor);
        } finally {
            idle.add(predictor);
        }
    }

    @Override
    public void close() {
        all.forEach(MlpPredictor::close);
    }
}
