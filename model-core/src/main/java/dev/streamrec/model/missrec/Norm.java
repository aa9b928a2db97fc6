package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

/** LayerNorm over the last axis with a learnt gain and bias (eps 1e-12 as in the released code). */
final class Norm {

    static final float EPS = 1e-12f;

    private final NDArray gamma;
    private final NDArray beta;
    private final int dim;

    Norm(Parameters params, String name, int dim) {
        this.dim = dim;
        this.gamma = params.ones(name + ".gamma", new Shape(dim));
        this.beta = params.zeros(name + ".beta", new Shape(dim));
    }

    /** (..., D) -> (..., D). */
    NDArray forward(NDArray x) {
        return LayerNorm.layerNorm(x, new Shape(dim), gamma, beta, EPS).singletonOrThrow();
    }
}
