package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * An ID-based next-item model: an {@link ItemEmbeddingBlock} table E and a sequence encoder
 * (SASRec or GRU4Rec). Scores are dot products of the hidden state with the rows of the same table
 * (tied embeddings). This is everything the serving artifact holds. Input ids (B, L) left-padded
 * with 0; output hidden states (B, L, d).
 */
public final class SequenceModelBlock extends AbstractBlock {

    private final EncoderConfig config;
    private final ItemEmbeddingBlock items;
    private final Block encoder;

    public SequenceModelBlock(EncoderConfig config) {
        this.config = config;
        this.items = addChildBlock("items", new ItemEmbeddingBlock(config.numItems(), config.dim()));
        this.encoder = addChildBlock("encoder", config.kind() == EncoderConfig.Kind.SASREC
                ? new SasRecEncoderBlock(config)
                : new Gru4RecEncoderBlock(config));
    }

    public EncoderConfig config() {
        return config;
    }

    public ItemEmbeddingBlock items() {
        return items;
    }

    /**
     * Whether the encoder's outputs depend on its input's left padding: GRU4Rec's do (its zero
     * inputs are its initial state, so a window must be padded to L), SASRec's do not (padding is
     * masked from the attention, and learned positions count from the newest item), so a SASRec
     * batch may be padded to its longest sequence only.
     */
    public boolean readsPadding() {
        return config.kind() == EncoderConfig.Kind.GRU4REC;
    }

    /** The sequence encoder ({@link SasRecEncoderBlock} or {@link Gru4RecEncoderBlock}). */
    Block encoder() {
        return encoder;
    }

    /** Hidden states (B, L, d) of ids (B, L) with the item vectors taken from {@code table} [N+1, d]. */
    public NDArray encode(ParameterStore ps, NDArray table, NDArray ids, boolean training) {
        NDArray mask = ids.neq(0).toType(DataType.FLOAT32, false); // (B, L)
        NDArray x = ItemEmbeddingBlock.lookup(table, ids); // (B, L, d)
        return encoder.forward(ps, new NDList(x, mask), training).head();
    }

    /**
     * SASRec's whole-history function, the reference of the key/value cache ({@link SasRecStepper}):
     * hidden states (B, T, d) of ids (B, T) of any length T (left-padded with 0), every layer's
     * attention at position t over the band t-L+1..t (L = maxLen). Up to L items it is
     * {@link #encode}. Needs rotary positions (learned ones are defined for L positions only).
     */
    public NDArray encodeBanded(ParameterStore ps, NDArray table, NDArray ids) {
        if (config.positions() != EncoderConfig.Positions.ROTARY) {
            throw new IllegalArgumentException("the band-masked forward needs rotary positions");
        }
        NDArray mask = ids.neq(0).toType(DataType.FLOAT32, false);
        NDArray x = ItemEmbeddingBlock.lookup(table, ids);
        return encoder.forward(ps, new NDList(x, mask, CausalSelfAttentionBlock.bandMask(mask, config.maxLen())), false).head();
    }

    /** Next-item scores (B, N+1) from the last position of each sequence; column 0 is padding. */
    public static NDArray scoreLast(NDArray hidden, NDArray table) {
        return lastHidden(hidden).matMul(table.transpose()); // (B, N+1)
    }

    /** The hidden state at the last (newest) position: (B, L, d) -> (B, d). */
    public static NDArray lastHidden(NDArray hidden) {
        long t = hidden.getShape().get(1);
        return hidden.get(":, " + (t - 1) + ", :");
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.head();
        return new NDList(encode(ps, items.table(ps, ids.getDevice(), training), ids, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(config.dim())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        items.initialize(manager, dataType, inputShapes[0]);
        Shape x = inputShapes[0].add(config.dim());
        encoder.initialize(manager, dataType, x, inputShapes[0]);
    }
}
