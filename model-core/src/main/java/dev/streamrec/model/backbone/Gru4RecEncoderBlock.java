package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.recurrent.GRU;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The GRU4Rec encoder (Hidasi et al., ICLR 2016; the embedding-input variant): dropout on the item
 * vectors, a stacked GRU with state size d (dropout between layers) and dropout on the output.
 * Left padding feeds zero vectors first, which acts as a learned initial state. Inputs: item
 * vectors (B, T, d) and mask (B, T); output hidden states (B, T, d), zero at padding.
 * {@link #recur} runs the same recurrence from given per-layer states and returns the states it
 * ends in, which incremental inference ({@link Gru4RecStepper}) carries from one event to the next.
 */
public final class Gru4RecEncoderBlock extends AbstractBlock {

    private final Dropout inputDropout;
    private final GRU gru;
    private final Dropout outputDropout;
    private final int layers;

    public Gru4RecEncoderBlock(EncoderConfig config) {
        this.layers = config.layers();
        this.inputDropout = addChildBlock("inputDropout", Dropout.builder().optRate(config.dropout()).build());
        this.gru = addChildBlock("gru", GRU.builder()
                .setStateSize(config.dim())
                .setNumLayers(config.layers())
                .optDropRate(config.layers() > 1 ? config.dropout() : 0f)
                .optBatchFirst(true)
                .optReturnState(false)
                .build());
        this.outputDropout = addChildBlock("outputDropout", Dropout.builder().optRate(config.dropout()).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray items = inputs.get(0); // (B, T, d)
        NDArray keep = inputs.get(1).expandDims(2); // (B, T, 1)
        NDArray x = inputDropout.forward(ps, new NDList(items.mul(keep)), training).head();
        NDArray h = gru.forward(ps, new NDList(x), training).head(); // (B, T, d)
        return new NDList(outputDropout.forward(ps, new NDList(h), training).head().mul(keep));
    }

    /**
     * The GRU alone in inference mode (no dropout) over item vectors {@code x} (B, T, d), starting
     * from the per-layer states {@code h0} (layers, B, d) instead of zeros: the top layer's outputs
     * (B, T, d) and every layer's state after the last step (layers, B, d). From zero states over
     * {@code items·mask} it is {@link #forward}'s recurrence, unmasked.
     */
    public NDList recur(ParameterStore ps, NDArray x, NDArray h0) {
        NDList weights = new NDList();
        for (Parameter p : gru.getParameters().values()) {
            weights.add(ps.getValue(p, x.getDevice(), false));
        }
        boolean biases = weights.size() == 4 * layers; // W_ih, W_hh and, unless built without, b_ih, b_hh per layer
        return x.getNDArrayInternal().gru(x, h0, weights, biases, layers, 0.0, false, false, true);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        inputDropout.initialize(manager, dataType, inputShapes[0]);
        gru.initialize(manager, dataType, inputShapes[0]);
        outputDropout.initialize(manager, dataType, inputShapes[0]);
    }
}
