package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;

/**
 * One post-LN Transformer decoder layer as MISSRec's interest-aware decoder uses it: bidirectional
 * self-attention over the item tokens (key-padding masked, no causal mask), cross-attention to the
 * encoded interests, then the feed-forward; each sub-layer is x = LN(x + drop(f(x))).
 */
final class DecoderLayer {

    private final MultiHeadAttention selfAttention;
    private final MultiHeadAttention crossAttention;
    private final FeedForward ffn;
    private final Norm norm1;
    private final Norm norm2;
    private final Norm norm3;
    private final float dropout;

    DecoderLayer(Parameters params, String name, MissRecConfig c) {
        this.selfAttention = new MultiHeadAttention(params, name + ".self", c.hidden(), c.heads(), c.dropout());
        this.crossAttention = new MultiHeadAttention(params, name + ".cross", c.hidden(), c.heads(), c.dropout());
        this.ffn = new FeedForward(params, name + ".ffn", c.hidden(), c.ffn(), c.dropout());
        this.norm1 = new Norm(params, name + ".norm1", c.hidden());
        this.norm2 = new Norm(params, name + ".norm2", c.hidden());
        this.norm3 = new Norm(params, name + ".norm3", c.hidden());
        this.dropout = c.dropout();
    }

    /**
     * @param x item tokens (B, T, D) with mask (B, T)
     * @param memory encoded interests (B, M, D) with mask (B, M)
     * @return (B, T, D)
     */
    NDArray forward(NDArray x, NDArray mask, NDArray memory, NDArray memoryMask, boolean training) {
        x = norm1.forward(x.add(drop(selfAttention.forward(x, x, mask, training), training)));
        x = norm2.forward(x.add(drop(crossAttention.forward(x, memory, memoryMask, training), training)));
        return norm3.forward(x.add(drop(ffn.forward(x, training), training)));
    }

    /**
     * The layer's output at chosen positions only: {@code query} (B, Q, D) are rows of {@code x}
     * (B, T, D) (e.g. each sequence's last token). Every sub-layer but the self-attention's keys and
     * values is per position, so this equals the same rows of {@link #forward} (exactly, up to float
     * rounding, without dropout) at the cost of Q positions instead of T: MISSRec reads only the last
     * position of its last decoder layer.
     */
    NDArray forwardAt(NDArray query, NDArray x, NDArray mask, NDArray memory, NDArray memoryMask, boolean training) {
        NDArray q = norm1.forward(query.add(drop(selfAttention.forward(query, x, mask, training), training)));
        q = norm2.forward(q.add(drop(crossAttention.forward(q, memory, memoryMask, training), training)));
        return norm3.forward(q.add(drop(ffn.forward(q, training), training)));
    }

    private NDArray drop(NDArray x, boolean training) {
        return Dropout.dropout(x, dropout, training).singletonOrThrow();
    }
}
