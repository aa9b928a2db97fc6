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
 * Sequences are left-padded to L so position L-1 is always the newest item. Inputs: item vectors
 * (B, L, d) and mask (B, L); output hidden states (B, L, d).
 */
public final class SasRecEncoderBlock extends AbstractBlock {

    private final int dim;
    private final Parameter positions;
    private final Dropout dropout;
    private final List<SasRecLayerBlock> layers = new ArrayList<>();
    private final LayerNorm finalNorm;

    public SasRecEncoderBlock(EncoderConfig config) {
        this.dim = config.dim();
        this.positions = addParameter(Parameter.builder()
                .setName("positions")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.maxLen(), config.dim()))
                .build());
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate(config.dropout()).build());
        for (int i = 0; i < config.layers(); i++) {
            layers.add(addChildBlock("layer" + i, new SasRecLayerBlock(config.dim(), config.heads(), config.dropout())));
        }
        this.finalNorm = addChildBlock("finalNorm", LayerNorm.builder().axis(2).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray items = inputs.get(0); // (B, T, d)
        NDArray mask = inputs.get(1); // (B, T)
        long t = items.getShape().get(1);
        NDArray pos = ps.getValue(positions, items.getDevice(), training);
        long maxLen = pos.getShape().get(0);
        if (t > maxLen) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds maxLen " + maxLen);
        }
        NDArray keep = mask.expandDims(2); // (B, T, 1)
        NDArray x = Scalars.mul(items, (float) Math.sqrt(dim))
                .add(pos.get(maxLen - t + ":")) // newest item always gets position L-1
                .mul(keep);
        x = dropout.forward(ps, new NDList(x), training).head();
        for (SasRecLayerBlock layer : layers) {
            x = layer.forward(ps, new NDList(x, mask), training).head();
        }
        return new NDList(finalNorm.forward(ps, new NDList(x), training).head().mul(keep));
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
