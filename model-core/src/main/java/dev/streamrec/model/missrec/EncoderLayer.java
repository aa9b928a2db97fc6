package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;

/**
 * One post-LN Transformer encoder layer (torch.nn.TransformerEncoderLayer with norm_first=False):
 * x = LN(x + drop(SelfAttn(x))); x = LN(x + drop(FFN(x))). Bidirectional, key-padding masked.
 */
final class EncoderLayer {

    private final MultiHeadAttention attention;
    private final FeedForward ffn;
    private final Norm norm1;
    private final Norm norm2;
    private final float dropout;

    EncoderLayer(Parameters params, String name, MissRecConfig c) {
        this.attention = new MultiHeadAttention(params, name + ".self", c.hidden(), c.heads(), c.dropout());
        this.ffn = new FeedForward(params, name + ".ffn", c.hidden(), c.ffn(), c.dropout());
        this.norm1 = new Norm(params, name + ".norm1", c.hidden());
        this.norm2 = new Norm(params, name + ".norm2", c.hidden());
        this.dropout = c.dropout();
    }

    /** x (B, T, D), mask (B, T) -> (B, T, D). */
    NDArray forward(NDArray x, NDArray mask, boolean training) {
        x = norm1.forward(x.add(drop(attention.forward(x, x, mask, training), training)));
        return norm2.forward(x.add(drop(ffn.forward(x, training), training)));
    }

    private NDArray drop(NDArray x, boolean training) {
        return Dropout.dropout(x, dropout, training).singletonOrThrow();
    }
}
