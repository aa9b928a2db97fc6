package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;
import dev.streamrec.model.train.Scalars;

/**
 * Scaled dot-product multi-head attention (Vaswani et al. 2017) with a key-padding mask: used as
 * bidirectional self-attention in the interest encoder and decoder, and as the decoder's
 * cross-attention from item tokens to encoded interests.
 */
final class MultiHeadAttention {

    /** Added to the logits of masked keys; large but finite so a fully padded row stays NaN-free. */
    static final float MASK_VALUE = -1e9f;

    private final Dense query;
    private final Dense key;
    private final Dense value;
    private final Dense output;
    private final int heads;
    private final int headDim;
    private final float dropout;

    MultiHeadAttention(Parameters params, String name, int hidden, int heads, float dropout) {
        this.query = new Dense(params, name + ".q", hidden, hidden);
        this.key = new Dense(params, name + ".k", hidden, hidden);
        this.value = new Dense(params, name + ".v", hidden, hidden);
        this.output = new Dense(params, name + ".o", hidden, hidden);
        this.heads = heads;
        this.headDim = hidden / heads;
        this.dropout = dropout;
    }

    /**
     * @param q queries (B, Tq, D)
     * @param kv keys and values (B, Tk, D)
     * @param keyMask 1 for a real key, 0 for padding (B, Tk)
     * @return (B, Tq, D)
     */
    NDArray forward(NDArray q, NDArray kv, NDArray keyMask, boolean training) {
        long b = q.getShape().get(0);
        long tq = q.getShape().get(1);
        long tk = kv.getShape().get(1);
        NDArray qh = split(query.forward(q), b, tq); // (B, H, Tq, Dh)
        NDArray kh = split(key.forward(kv), b, tk); // (B, H, Tk, Dh)
        NDArray vh = split(value.forward(kv), b, tk); // (B, H, Tk, Dh)
        NDArray logits = Scalars.div(qh.matMul(kh.transpose(0, 1, 3, 2)), (float) Math.sqrt(headDim)); // (B, H, Tq, Tk)
        NDArray bias = keyMask.sub(1f).mul(-MASK_VALUE).reshape(b, 1, 1, tk); // 0 keep, -1e9 masked
        NDArray attn = logits.add(bias).softmax(-1);
        attn = Dropout.dropout(attn, dropout, training).singletonOrThrow();
        NDArray ctx = attn.matMul(vh).transpose(0, 2, 1, 3).reshape(b, tq, (long) heads * headDim); // (B, Tq, D)
        return output.forward(ctx);
    }

    private NDArray split(NDArray x, long b, long t) {
        return x.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
    }
}
