package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** A fully connected layer y = x W + b over the last axis (the adapters and attention projections). */
final class Dense {

    private final NDArray weight;
    private final NDArray bias;

    Dense(Parameters params, String name, int in, int out) {
        this.weight = params.normal(name + ".weight", new Shape(in, out));
        this.bias = params.zeros(name + ".bias", new Shape(out));
    }

    /** (..., in) -> (..., out). */
    NDArray forward(NDArray x) {
        return x.matMul(weight).add(bias);
    }
}
