package dev.streamrec.model.kdsr;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The student side of one modality in KDSR (models.md §1.4-1.5, §7), training-only: the trainable
 * modality table e_a [N+1, d] (initialised from the AE codes, updated on the slow asynchronous
 * schedule), a projection that adds it into the item space the backbone sees, the correlation
 * projection g_φ (two stacked Linear(d, d), no activation, as in the code) and the code classifier
 * W_out·ReLU(W_c·|e_i − e_j|).
 */
public final class ModalityStudentBlock extends AbstractBlock {

    private final int dim;
    private final Parameter table;
    private final Linear fusion;
    private final SequentialBlock correlationProjection;
    private final SequentialBlock codeClassifier;

    public ModalityStudentBlock(int numItems, int dim, int codes) {
        this.dim = dim;
        this.table = addParameter(Parameter.builder()
                .setName("modalityTable")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(numItems + 1, dim))
                .build());
        this.fusion = addChildBlock("fusion", Linear.builder().setUnits(dim).build());
        this.correlationProjection = addChildBlock("correlationProjection", new SequentialBlock()
                .add(Linear.builder().setUnits(dim).build())
                .add(Linear.builder().setUnits(dim).build()));
        this.codeClassifier = addChildBlock("codeClassifier", new SequentialBlock()
                .add(Linear.builder().setUnits(dim).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(codes).build()));
    }

    /** The modality-table parameter (its id gets the slow learning rate; set from the AE codes). */
    public Parameter tableParameter() {
        return table;
    }

    public NDArray table(ParameterStore ps, Device device, boolean training) {
        return ps.getValue(table, device, training);
    }

    /** The modality table projected into the item space: [N+1, d]. */
    public NDArray fused(ParameterStore ps, NDArray modalityTable, boolean training) {
        return fusion.forward(ps, new NDList(modalityTable), training).head();
    }

    /**
     * g_φ(e): (B, T, d) to (B, T, d). The two stacked Linear layers have no activation between them,
     * so g_φ(e) = e·(W2·W1)ᵀ + (W2·b1 + b2): one (d, d) product per call and one matmul over the
     * rows instead of two, the same function and the same gradients for W1, b1, W2, b2.
     */
    public NDArray correlationView(ParameterStore ps, NDArray rows, boolean training) {
        Device device = rows.getDevice();
        Linear first = (Linear) correlationProjection.getChildren().get(0).getValue();
        Linear second = (Linear) correlationProjection.getChildren().get(1).getValue();
        NDArray w1 = ps.getValue(first.getParameters().get("weight"), device, training); // (d, d): out × in
        NDArray b1 = ps.getValue(first.getParameters().get("bias"), device, training); // (d)
        NDArray w2 = ps.getValue(second.getParameters().get("weight"), device, training);
        NDArray b2 = ps.getValue(second.getParameters().get("bias"), device, training);
        NDArray folded = w2.matMul(w1); // (d, d)
        NDArray bias = w2.matMul(b1.reshape(-1, 1)).reshape(-1).add(b2); // (d)
        return rows.matMul(folded.transpose()).add(bias);
    }

    /** g_φ(e) as the two Linear layers one after the other (the reference the folded form equals). */
    NDArray correlationViewStacked(ParameterStore ps, NDArray rows, boolean training) {
        return correlationProjection.forward(ps, new NDList(rows), training).head();
    }

    /** Code logits of every position pair from |e_i − e_j|: (B, T, d) to (B, T, T, K). */
    public NDArray codeLogits(ParameterStore ps, NDArray rows, boolean training) {
        NDArray gap = rows.expandDims(2).sub(rows.expandDims(1)).abs(); // (B, T, T, d)
        return codeClassifier.forward(ps, new NDList(gap), training).head();
    }

    /** Code logits of listed pairs from |e_i − e_j|: rows of their two sides (P, d) to (P, K). */
    public NDArray pairCodeLogits(ParameterStore ps, NDArray left, NDArray right, boolean training) {
        return codeClassifier.forward(ps, new NDList(left.sub(right).abs()), training).head();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("use fused / correlationView / codeLogits");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(dim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        long t = inputShapes[0].get(1);
        fusion.initialize(manager, dataType, new Shape(table.getShape().get(0), dim));
        correlationProjection.initialize(manager, dataType, new Shape(b, t, dim));
        codeClassifier.initialize(manager, dataType, new Shape(b, t, t, dim));
    }
}
