package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** SASRec's point-wise feed-forward network (eq. 4): Linear(d, d), ReLU, dropout, Linear(d, d); (B, T, d) to (B, T, d). */
public final class PointWiseFeedForwardBlock extends AbstractBlock {

    private final Linear inner;
    private final Linear outer;
    private final Dropout dropout;

    public PointWiseFeedForwardBlock(int dim, float dropoutRate) {
        this.inner = addChildBlock("inner", Linear.builder().setUnits(dim).build());
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate(dropoutRate).build());
        this.outer = addChildBlock("outer", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList h = inner.forward(ps, inputs, training);
        h = new NDList(Activation.relu(h.head()));
        h = dropout.forward(ps, h, training);
        return outer.forward(ps, h, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        inner.initialize(manager, dataType, inputShapes[0]);
        dropout.initialize(manager, dataType, inputShapes[0]);
        outer.initialize(manager, dataType, inputShapes[0]);
    }
}
