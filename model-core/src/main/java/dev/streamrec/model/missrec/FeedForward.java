package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.Dropout;

/** The position-wise feed-forward of a Transformer layer: Linear, GELU, dropout, Linear. */
final class FeedForward {

    private final Dense in;
    private final Dense out;
    private final float dropout;

    FeedForward(Parameters params, String name, int hidden, int ffn, float dropout) {
        this.in = new Dense(params, name + ".in", hidden, ffn);
        this.out = new Dense(params, name + ".out", ffn, hidden);
        this.dropout = dropout;
    }

    /** (B, T, D) -> (B, T, D). */
    NDArray forward(NDArray x, boolean training) {
        NDArray h = Activation.gelu(in.forward(x));
        return out.forward(Dropout.dropout(h, dropout, training).singletonOrThrow());
    }
}
