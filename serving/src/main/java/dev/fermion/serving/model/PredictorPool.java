package dev.fermion.serving.model;

import dev.fermion.components.model.MlpPredictor;
import dev.fermion.components.model.ModelBundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Loaded copies of one bundle and the fixed set of worker threads that use them: one worker per copy, and
 * a bounded queue of work waiting for a worker. A DJL predictor is not thread-safe, so each piece of work
 * borrows a copy no other thread holds; with no more workers than copies, a worker never waits for one.
 * Work that finds the queue full is refused at once ({@link AtCapacityException}), so the threads, and
 * the requests held in memory, stay within what the pool was given however many clients call.
 */
final class PredictorPool implements AutoCloseable {
    private static final long STOP_SECONDS = 30;
    private final String model;
    private final int maxQueued;
    private final List<MlpPredictor> all;
    private final BlockingQueue<MlpPredictor> idle;
    private final ThreadPoolExecutor workers;

    PredictorPool(String model, Path directory, int size, int maxQueued) {
        if (size < 1) {
            throw new IllegalArgumentException("A model needs at least one worker, got " + size);
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("A model's queue cannot be negative, got " + maxQueued);
        }
        this.model = model;
        this.maxQueued = maxQueued;
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
        AtomicInteger number = new AtomicInteger();
        // A queue of 0 hands work only to an idle worker.
        BlockingQueue<Runnable> waiting =
                maxQueued == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(maxQueued);
        workers = new ThreadPoolExecutor(
                size,
                size,
                0,
                TimeUnit.SECONDS,
                waiting,
                work -> {
                    Thread thread = new Thread(work, "fermion-serve-" + model + "-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                new ThreadPoolExecutor.AbortPolicy());
        workers.prestartAllCoreThreads();
    }

    ModelBundle bundle() {
        return all.get(0).bundle();
    }

    int size() {
        return all.size();
    }

    int maxQueued() {
        return maxQueued;
    }

    /** Work waiting for a worker now. */
    int queued() {
        return workers.getQueue().size();
    }

    /**
     * Runs {@code work} on one of the workers, after the work queued before it; refuses it at once with
     * {@link AtCapacityException} when every worker is busy and the queue is full.
     */
    <T> CompletableFuture<T> submit(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, workers);
        } catch (RejectedExecutionException e) {
            throw new AtCapacityException(model, all.size(), maxQueued);
        }
    }

    /** Runs {@code work} with a predictor no other thread holds meanwhile, waiting for one if all are lent. */
    <T> T with(Function<MlpPredictor, T> work) throws InterruptedException {
        MlpPredictor predictor = idle.take();
        try {
            return work.apply(predictor);
        } finally {
            idle.add(predictor);
        }
    }

    /** Drops the waiting work, lets running work finish, then frees the copies' native memory. */
    @Override
    public void close() {
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS)) {
                // A prediction still running holds a copy: freeing it under the prediction could crash the JVM.
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        all.forEach(MlpPredictor::close);
    }
}
