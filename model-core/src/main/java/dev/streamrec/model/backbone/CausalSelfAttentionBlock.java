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
 * are not padding. Inputs: x (B, T, d), mask (B, T) with 1 = item, 0 = padding, and optionally an
 * additive attention mask (B or 1, 1, T, T) that replaces the causal one (the band of
 * {@link #bandMask}); output (B, T, d). With rotary positions each head's query
 * and key are rotated by their position ({@link RotaryEmbedding}). {@link #project} and
 * {@link #attend} are the two halves of the forward, which {@link SasRecStepper} calls with cached
 * keys and values.
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
    private final boolean rotary;

    public CausalSelfAttentionBlock(int dim, int heads, float dropout) {
        this(dim, heads, dropout, false);
    }

    public CausalSelfAttentionBlock(int dim, int heads, float dropout, boolean rotary) {
        this.dim = dim;
        this.heads = heads;
        this.rotary = rotary;
        this.query = addChildBlock("query", Linear.builder().setUnits(dim).build());
        this.key = addChildBlock("key", Linear.builder().setUnits(dim).build());
        this.value = addChildBlock("value", Linear.builder().setUnits(dim).build());
        this.output = addChildBlock("output", Linear.builder().setUnits(dim).build());
        this.attentionDropout = addChildBlock("attentionDropout", Dropout.builder().optRate(dropout).build());
    }

    /** The additive mask (B, 1, T, T): 0 where query t may see key s (s <= t, key not padding), else MASKED. */
    static NDArray attentionMask(NDArray padMask) {
        return bandMask(padMask, (int) padMask.getShape().get(1));
    }

    /**
     * The additive mask (B, 1, T, T) of a causal band of width {@code band} over padMask (B, T): 0
     * where query t may see key s (t - band < s <= t, key not padding), else MASKED. With
     * band >= T it is the causal mask.
     */
    public static NDArray bandMask(NDArray padMask, int band) {
        long b = padMask.getShape().get(0);
        int t = (int) padMask.getShape().get(1);
        float[] allowed = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = Math.max(0, i - band + 1); j <= i; j++) {
                allowed[i * t + j] = 1f;
            }
        }
        return padMask.getManager().create(allowed, new Shape(1, 1, t, t))
                .mul(padMask.reshape(b, 1, 1, t))
                .sub(1f).mul(-MASKED);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0); // (B, T, d)
        NDArray mask = inputs.size() > 2 ? inputs.get(2) : attentionMask(inputs.get(1));
        int t = (int) x.getShape().get(1);
        NDList qkv = project(ps, x, training);
        NDList positions = rotary ? RotaryEmbedding.table(x.getManager(), 0, t, dim / heads) : null;
        return new NDList(attend(ps, qkv.get(0), qkv.get(1), qkv.get(2), mask, positions, positions, training));
    }

    /** The query, key and value projections (B, T, d) of x (B, T, d); keys unrotated. */
    public NDList project(ParameterStore ps, NDArray x, boolean training) {
        return new NDList(
                query.forward(ps, new NDList(x), training).head(),
                key.forward(ps, new NDList(x), training).head(),
                value.forward(ps, new NDList(x), training).head());
    }

    /**
     * The attention of queries q (B, T, d) over keys k and values v (B, S, d) under an additive
     * mask (B or 1, 1, T, S), through the output projection: (B, T, d). With rotary positions the
     * queries and keys are first rotated by their positions' tables ({@link RotaryEmbedding#table},
     * (T, dh) and (S, dh); null: position 0, no rotation); without, the tables are ignored.
     */
    public NDArray attend(ParameterStore ps, NDArray q, NDArray k, NDArray v, NDArray mask, NDList queryPositions,
            NDList keyPositions, boolean training) {
        long b = q.getShape().get(0);
        long t = q.getShape().get(1);
        long s = k.getShape().get(1);
        int dh = dim / heads;
        NDArray qh = splitHeads(q, b, t, dh); // (B, h, T, dh)
        NDArray kh = splitHeads(k, b, s, dh); // (B, h, S, dh)
        if (rotary) {
            qh = queryPositions == null ? qh : RotaryEmbedding.rotate(qh, queryPositions);
            kh = keyPositions == null ? kh : RotaryEmbedding.rotate(kh, keyPositions);
        }
        NDArray logits = Scalars.div(qh.matMul(kh.transpose(0, 1, 3, 2)), (float) Math.sqrt(dh)) // (B, h, T, S)
                .add(mask);
        NDArray weights = attentionDropout.forward(ps, new NDList(logits.softmax(-1)), training).head();
        NDArray context = weights.matMul(splitHeads(v, b, s, dh)) // (B, h, T, dh)
                .transpose(0, 2, 1, 3)
                .reshape(b, t, dim); // (B, T, d)
        return output(ps, context, training);
    }

    /** The output projection of the heads' concatenated context (B, T, d): the attention's output (B, T, d). */
    public NDArray output(ParameterStore ps, NDArray context, boolean training) {
        return output.forward(ps, new NDList(context), training).head();
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
