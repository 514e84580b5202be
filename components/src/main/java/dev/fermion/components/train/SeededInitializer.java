package dev.fermion.components.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.Random;

/**
 * DJL's default Xavier initialisation of a weight matrix (uniform in ±sqrt(6 / mean(fan in, fan out))),
 * drawn from the training's own generator. DJL's initialisers draw from libtorch's generator, which is
 * global to the process: two trainings at once would take each other's numbers, so a run's weights would
 * depend on what else ran beside it.
 */
final class SeededInitializer implements Initializer {
    private final Random random;

    SeededInitializer(Random random) {
        this.random = random;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("Only weight matrices are initialised here, got shape " + shape);
        }
        float fanIn = shape.get(1);
        float fanOut = shape.get(0);
        float scale = (float) StrictMath.sqrt(6f / ((fanIn + fanOut) / 2f));
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = scale * (2 * random.nextFloat() - 1);
        }
        return manager.create(values, shape).toType(dataType, false);
    }
}
