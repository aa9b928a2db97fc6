package dev.streamrec.model.backbone;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The item-ID embedding table E [N+1, d] (row 0 = padding). It embeds the input sequence and, shared,
 * scores the catalogue (SASRec's tied input/output embeddings): ids (B, T) to (B, T, d).
 */
public final class ItemEmbeddingBlock extends AbstractBlock {

    private final int dim;
    private final Parameter weight;

    public ItemEmbeddingBlock(int numItems, int dim) {
        this.dim = dim;
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(numItems + 1, dim))
                .build());
    }

    /** The table as the current parameter value. */
    public NDArray table(ParameterStore ps, Device device, boolean training) {
        return ps.getValue(weight, device, training);
    }

    /** The parameter (to overwrite it, e.g. with a materialised KDSR table before export). */
    public Parameter weight() {
        return weight;
    }

    /** Looks rows of a table up: ids (B, T) to (B, T, d). */
    public static NDArray lookup(NDArray table, NDArray ids) {
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.head();
        return new NDList(lookup(table(ps, ids.getDevice(), training), ids));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(dim)};
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {}
}
