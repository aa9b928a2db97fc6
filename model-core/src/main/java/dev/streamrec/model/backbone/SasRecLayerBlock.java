package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One SASRec self-attention layer with pre-LayerNorm residual connections (eq. 5 of the paper uses
 * LayerNorm + dropout + residual around each sub-layer): x + drop(attn(LN(x))), then
 * y + drop(ffn(LN(y))), padding positions zeroed. Inputs x (B, T, d), mask (B, T) and optionally
 * the attention's additive mask ({@link CausalSelfAttentionBlock}); output (B, T, d). The stepper
 * ({@link SasRecStepper}) runs the same parts around its cached attention: {@link #attentionInput},
 * {@link #attention()} and {@link #afterAttention}.
 */
public final class SasRecLayerBlock extends AbstractBlock {

    private final LayerNorm attentionNorm;
    private final CausalSelfAttentionBlock attention;
    private final LayerNorm feedForwardNorm;
    private final PointWiseFeedForwardBlock feedForward;
    private final Dropout dropout;

    public SasRecLayerBlock(int dim, int heads, float dropoutRate, boolean rotary) {
        this.attentionNorm = addChildBlock("attentionNorm", LayerNorm.builder().axis(2).build());
        this.attention = addChildBlock("attention", new CausalSelfAttentionBlock(dim, heads, dropoutRate, rotary));
        this.feedForwardNorm = addChildBlock("feedForwardNorm", LayerNorm.builder().axis(2).build());
        this.feedForward = addChildBlock("feedForward", new PointWiseFeedForwardBlock(dim, dropoutRate));
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate(dropoutRate).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0); // (B, T, d)
        NDArray mask = inputs.get(1); // (B, T)
        NDArray keep = mask.expandDims(2); // (B, T, 1)
        NDList attentionInputs = new NDList(attentionInput(ps, x, training), mask);
        if (inputs.size() > 2) {
            attentionInputs.add(inputs.get(2));
        }
        NDArray a = attention.forward(ps, attentionInputs, training).head();
        return new NDList(afterAttention(ps, x, a, training).mul(keep));
    }

    /** LN(x): what the attention reads, (B, T, d). */
    public NDArray attentionInput(ParameterStore ps, NDArray x, boolean training) {
        return attentionNorm.forward(ps, new NDList(x), training).head();
    }

    public CausalSelfAttentionBlock attention() {
        return attention;
    }

    /** The rest of the layer from its input x and the attention's output a: y = x + drop(a), y + drop(ffn(LN(y))). */
    public NDArray afterAttention(ParameterStore ps, NDArray x, NDArray a, boolean training) {
        NDArray y = x.add(dropout.forward(ps, new NDList(a), training).head());
        NDArray f = feedForward.forward(ps, feedForwardNorm.forward(ps, new NDList(y), training), training).head();
        return y.add(dropout.forward(ps, new NDList(f), training).head());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        attentionNorm.initialize(manager, dataType, inputShapes[0]);
        attention.initialize(manager, dataType, inputShapes);
        feedForwardNorm.initialize(manager, dataType, inputShapes[0]);
        feedForward.initialize(manager, dataType, inputShapes[0]);
        dropout.initialize(manager, dataType, inputShapes[0]);
    }
}
