package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.streamrec.model.train.Scalars;

/**
 * Multi-head scaled dot-product self-attention with a causal mask and a key-padding mask (SASRec,
 * Kang and McAuley 2018, eq. 2-3; Vaswani et al. 2017): position t attends to positions s <= t that
 * are not padding. Inputs: x (B, T, d) and mask (B, T) with 1 = item, 0 = padding; output (B, T, d).
 */
public final class CausalSelfAttentionBlock extends AbstractBlock {

    /** Added to the logits of forbidden keys; finite so a query with no allowed key stays NaN-free. */
    static final float MASKED = -1e9f;

    private final int dim;
    private final int heads;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;
    private final Dropout attentionDropout;

    public CausalSelfAttentionBlock(int dim, int heads, float dropout) {
        this.dim = dim;
        this.heads = heads;
        this.query = addChildBlock("query", Linear.builder().setUnits(dim).build());
        this.key = addChildBlock("key", Linear.builder().setUnits(dim).build());
        this.value = addChildBlock("value", Linear.builder().setUnits(dim).build());
        this.output = addChildBlock("output", Linear.builder().setUnits(dim).build());
        this.attentionDropout = addChildBlock("attentionDropout", Dropout.builder().optRate(dropout).build());
    }

    /** The additive mask (B, 1, T, T): 0 where query t may see key s (s <= t, key not padding), else MASKED. */
    static NDArray attentionMask(NDArray padMask) {
        long b = padMask.getShape().get(0);
        int t = (int) padMask.getShape().get(1);
        float[] causal = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j <= i; j++) {
                causal[i * t + j] = 1f;
            }
        }
        NDArray allowed = padMask.getManager().create(causal, new Shape(1, 1, t, t))
                .mul(padMask.reshape(b, 1, 1, t));
        return allowed.sub(1f).mul(-MASKED);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0); // (B, T, d)
        NDArray mask = inputs.get(1); // (B, T)
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int dh = dim / heads;
        NDArray q = splitHeads(query.forward(ps, new NDList(x), training).head(), b, t, dh); // (B, h, T, dh)
        NDArray k = splitHeads(key.forward(ps, new NDList(x), training).head(), b, t, dh);
        NDArray v = splitHeads(value.forward(ps, new NDList(x), training).head(), b, t, dh);
        NDArray logits = Scalars.div(q.matMul(k.transpose(0, 1, 3, 2)), (float) Math.sqrt(dh)) // (B, h, T, T)
                .add(attentionMask(mask));
        NDArray weights = attentionDropout.forward(ps, new NDList(logits.softmax(-1)), training).head();
        NDArray context = weights.matMul(v) // (B, h, T, dh)
                .transpose(0, 2, 1, 3)
                .reshape(b, t, dim); // (B, T, d)
        return output.forward(ps, new NDList(context), training);
    }

    private static NDArray splitHeads(NDArray x, long b, long t, int dh) {
        return x.reshape(b, t, -1, dh).transpose(0, 2, 1, 3);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Linear l : new Linear[] {query, key, value, output}) {
            l.initialize(manager, dataType, inputShapes[0]);
        }
        attentionDropout.initialize(manager, dataType, inputShapes[0]);
    }
}
