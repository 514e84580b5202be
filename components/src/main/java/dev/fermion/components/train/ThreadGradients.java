package dev.fermion.components.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records the operations of one training step on the calling thread and back-propagates its loss: what
 * DJL's {@code GradientCollector} does, without its limit of one collector per process. DJL's PyTorch
 * collector holds a JVM-wide flag and refuses a second one, so two steps training at once in one JVM (a
 * local sweep) failed; but what recording needs, libtorch's grad mode, is per thread, so this sets and
 * restores only the calling thread's. The one place that reaches past DJL's API into its PyTorch engine.
 */
final class ThreadGradients implements AutoCloseable {
    private final boolean previous;

    ThreadGradients() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Adds the gradients of {@code loss} to the parameters it was computed from. */
    void backward(NDArray loss) {
        if (!(loss instanceof PtNDArray target)) {
            throw new IllegalStateException("Training needs DJL's PyTorch engine, but the loss is a "
                    + loss.getClass().getName() + "; put ai.djl.pytorch:pytorch-engine on the class path");
        }
        try (NDArray ones = loss.onesLike()) {
            JniUtils.backward(target, (PtNDArray) ones, false, false);
        }
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
