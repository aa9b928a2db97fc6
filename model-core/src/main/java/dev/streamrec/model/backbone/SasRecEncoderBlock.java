package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.streamrec.model.train.Scalars;

import java.util.ArrayList;
import java.util.List;

/**
 * The SASRec encoder (Kang and McAuley, ICDM 2018): item vectors scaled by sqrt(d) plus learned
 * absolute positions, dropout, a stack of causal {@link SasRecLayerBlock}s and a final LayerNorm.
 * Sequences are left-padded to L so position L-1 is always the newest item. With rotary positions
 * ({@link EncoderConfig.Positions#ROTARY}) there is no position parameter: the attention rotates
 * queries and keys instead, and a sequence may be longer than L. Inputs: item vectors (B, T, d),
 * mask (B, T) and optionally the attention's additive mask (such as {@link CausalSelfAttentionBlock#bandMask}); output
 * hidden states (B, T, d).
 */
public final class SasRecEncoderBlock extends AbstractBlock {

    private final int dim;
    private final Parameter positions; // null: rotary positions
    private final Dropout dropout;
    private final List<SasRecLayerBlock> layers = new ArrayList<>();
    private final LayerNorm finalNorm;

    public SasRecEncoderBlock(EncoderConfig config) {
        this.dim = config.dim();
        boolean rotary = config.positions() == EncoderConfig.Positions.ROTARY;
        this.positions = rotary ? null : addParameter(Parameter.builder()
                .setName("positions")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.maxLen(), config.dim()))
                .build());
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate(config.dropout()).build());
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock("layer" + i, new SasRecLayerBlock(config.dim(), config.heads(), config.dropout(), rotary)));
        }
        this.finalNorm = addChildBlock("finalNorm", LayerNorm.builder().axis(2).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray items = inputs.get(0); // (B, T, d)
        NDArray mask = inputs.get(1); // (B, T)
        NDArray keep = mask.expandDims(2); // (B, T, 1)
        NDArray x = input(items);
        if (positions != null) {
            long t = items.getShape().get(1);
            NDArray pos = ps.getValue(positions, items.getDevice(), training);
            long maxLen = pos.getShape().get(0);
            if (t > maxLen) {
                throw new IllegalArgumentException("sequence length " + t + " exceeds maxLen " + maxLen);
            }
            x = x.add(pos.get(maxLen - t + ":")); // newest item always gets position L-1
        }
        x = dropout.forward(ps, new NDList(x.mul(keep)), training).head();
        for (SasRecLayerBlock layer : layers) {
            NDList layerInputs = new NDList(x, mask);
            if (inputs.size() > 2) {
                layerInputs.add(inputs.get(2));
            }
            x = layer.forward(ps, layerInputs, training).head();
        }
        return new NDList(output(ps, x, training).mul(keep));
    }

    /** The first layer's input without positions: item vectors (B, T, d) scaled by sqrt(d). */
    public NDArray input(NDArray items) {
        return Scalars.mul(items, (float) Math.sqrt(dim));
    }

    public List<SasRecLayerBlock> layers() {
        return layers;
    }

    /** The final LayerNorm of the last layer's output (B, T, d). */
    public NDArray output(ParameterStore ps, NDArray x, boolean training) {
        return finalNorm.forward(ps, new NDList(x), training).head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        dropout.initialize(manager, dataType, inputShapes[0]);
        for (SasRecLayerBlock layer : layers) {
            layer.initialize(manager, dataType, inputShapes);
        }
        finalNorm.initialize(manager, dataType, inputShapes[0]);
    }
}
