package dev.fermion.components.model;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.List;

/**
 * The shape of a multi-layer perceptron, enough to rebuild it before loading its weights. Regression
 * models learn a standardised target; {@code targetCenter} and {@code targetScale} map their output back.
 */
public record MlpArchitecture(
        Task task,
        int inputs,
        List<Integer> hidden,
        ActivationFunction activation,
        int outputs,
        double targetCenter,
        double targetScale) {
    public MlpArchitecture {
        hidden = List.copyOf(hidden);
        if (inputs < 1 || outputs < 1 || hidden.stream().anyMatch(h -> h == null || h < 1)) {
            throw new IllegalArgumentException("An MLP needs at least one input and output and positive hidden "
                    + "layer sizes; got inputs=" + inputs + ", hidden=" + hidden + ", outputs=" + outputs);
        }
    }

    public Block build() {
        SequentialBlock block = new SequentialBlock();
        for (int units : hidden) {
            block.add(Linear.builder().setUnits(units).build());
            block.add(activation.function());
        }
        block.add(Linear.builder().setUnits(outputs).build());
        return block;
    }
}
