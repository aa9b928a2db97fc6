package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

import java.util.Locale;

/**
 * The recommendation loss of SASRec/GRU4Rec trained on every position, one of {@link Kind}: softmax
 * cross-entropy of the next item against the full catalogue (the KDSR code's L_RS); a sampled
 * softmax against the target and S negatives shared by the batch, optionally log-Q corrected for the
 * sampler's proposal; or the SASRec paper's binary cross-entropy of the target against sampled
 * negatives. Positions whose target is 0 (padding) do not count; every loss is the mean over
 * counted positions. A negative equal to a row's target is masked out of that row.
 *
 * <p>Shapes: hidden (B, T, d), table [N+1, d] (row 0 = padding), targets (B, T) int64, negatives
 * (S) int64 shared by the batch (BCE also takes (B, T) or (B, T, K), K per position), logQ (S)
 * float32.
 */
public final class NextItemLoss {

    /** The losses ({@code --loss full|sampled|bce}). */
    public enum Kind {
        FULL_SOFTMAX("full"), SAMPLED_SOFTMAX("sampled"), BCE("bce");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Kind of(String id) {
            String lower = id.toLowerCase(Locale.ROOT);
            for (Kind k : values()) {
                if (k.id.equals(lower)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown loss '" + id + "' (full, sampled or bce)");
        }
    }

    /** Added to a masked logit: exp of it is 0 in float32. */
    private static final float MASKED = -1e9f;

    private NextItemLoss() {}

    /**
     * Full softmax CE; returns the scalar mean over counted positions. The padding column stays in
     * the softmax (it is never a target, so training only pushes its score down; masking it would
     * cost two more (B·T, N+1) passes per step).
     */
    public static NDArray fullSoftmax(NDArray hidden, NDArray table, NDArray targets) {
        long d = hidden.getShape().get(2);
        NDArray h = hidden.reshape(-1, d); // (M, d), M = B*T
        NDArray logits = h.matMul(table.transpose()); // (M, N+1)
        NDArray logp = logits.logSoftmax(-1);
        NDArray tgt = targets.reshape(-1, 1);
        NDArray picked = logp.gather(tgt, 1).reshape(-1); // (M)
        return maskedMeanNegative(picked, tgt.reshape(-1));
    }

    /**
     * Sampled softmax CE without correction: candidates are the target (column 0) and the S shared
     * negatives. Biased towards the sampler's favourites when it is not uniform (kept as the
     * behaviour before the log-Q correction).
     */
    public static NDArray sampledSoftmax(NDArray hidden, NDArray table, NDArray targets, NDArray negatives) {
        return sampledSoftmax(hidden, table, targets, negatives, null);
    }

    /**
     * Sampled softmax CE with the log-Q correction: each negative's logit o_j becomes o_j - logQ_j,
     * logQ_j = log(S·q_j) from {@link NegativeSampler}, so that Σ_j exp(o_j - logQ_j) over the
     * unmasked negatives is an unbiased estimate of Σ_{i≠t} exp(o_i), the full softmax's partition
     * function less the target's own term, which the target column supplies exactly. The loss, and
     * its gradient, therefore tend to the full softmax's as S grows (Bengio and Senécal 2008; Blanc
     * and Rendle 2018). The target's logit is not corrected: TensorFlow's
     * sampled_softmax_loss also subtracts log Q from it, which with collisions masked makes the
     * estimate tend to -o_t + log Σ_{i≠t} exp(o_i) instead (off by the target's own probability),
     * and inflates rare targets (large -log(S·q_t)) until their loss and gradient vanish.
     * {@code logQ} null: no correction.
     */
    public static NDArray sampledSoftmax(NDArray hidden, NDArray table, NDArray targets, NDArray negatives, NDArray logQ) {
        long d = hidden.getShape().get(2);
        NDArray h = hidden.reshape(-1, d); // (M, d)
        NDArray tgt = targets.reshape(-1); // (M)
        NDArray pos = h.mul(ItemEmbeddingBlock.lookup(table, tgt)).sum(new int[] {1}, true); // (M, 1)
        NDArray neg = h.matMul(ItemEmbeddingBlock.lookup(table, negatives).transpose()); // (M, S)
        if (logQ != null) {
            neg = neg.sub(logQ.reshape(1, -1));
        }
        neg = neg.add(collisions(tgt, negatives).mul(MASKED));
        NDArray logp = pos.concat(neg, 1).logSoftmax(-1); // (M, 1+S)
        return maskedMeanNegative(logp.get(":, 0"), tgt);
    }

    /**
     * The SASRec paper's binary cross-entropy: per counted position -log σ(s⁺) - Σ_j log(1 - σ(s⁻_j))
     * over its negatives (a negative equal to the target is left out), averaged over counted
     * positions. negatives (S) are shared by every position; (B, T) or (B, T, K) gives each position
     * its own 1 or K (the paper draws one per position, e.g. {@code sampler.draw(B·T)} reshaped). No log-Q correction: BCE scores each item on its own,
     * it estimates no partition function.
     */
    public static NDArray bce(NDArray hidden, NDArray table, NDArray targets, NDArray negatives) {
        long d = hidden.getShape().get(2);
        NDArray h = hidden.reshape(-1, d); // (M, d)
        NDArray tgt = targets.reshape(-1); // (M)
        NDArray pos = h.mul(ItemEmbeddingBlock.lookup(table, tgt)).sum(new int[] {1}); // (M)
        NDArray neg;
        NDArray keep;
        if (negatives.getShape().dimension() == 1) {
            neg = h.matMul(ItemEmbeddingBlock.lookup(table, negatives).transpose()); // (M, S)
            keep = collisions(tgt, negatives).neg().add(1f);
        } else {
            NDArray n = negatives.reshape(tgt.getShape().get(0), -1); // (M, K)
            neg = ItemEmbeddingBlock.lookup(table, n).mul(h.expandDims(1)).sum(new int[] {2}); // (M, K)
            keep = n.neq(tgt.reshape(-1, 1)).toType(DataType.FLOAT32, false);
        }
        // -log σ(s) = softplus(-s), -log(1 - σ(s)) = softplus(s): stable for large |s|
        NDArray perPosition = Activation.softPlus(pos.neg())
                .add(Activation.softPlus(neg).mul(keep).sum(new int[] {1})); // (M)
        return maskedMeanNegative(perPosition.neg(), tgt);
    }

    /** 1 where a row's target equals a shared negative: tgt (M), negatives (S) to (M, S) float32. */
    private static NDArray collisions(NDArray tgt, NDArray negatives) {
        return tgt.reshape(-1, 1).eq(negatives.reshape(1, -1)).toType(DataType.FLOAT32, false);
    }

    private static NDArray maskedMeanNegative(NDArray logLikelihood, NDArray targets) {
        NDArray mask = targets.neq(0).toType(DataType.FLOAT32, false);
        return logLikelihood.mul(mask).sum().neg().div(mask.sum().maximum(1f));
    }
}
