package dev.streamrec.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The recommendation loss of SASRec/GRU4Rec trained on every position: softmax cross-entropy of
 * the next item against the full catalogue (the KDSR code's L_RS), or, for large catalogues, a
 * sampled softmax against the target and a shared set of uniformly sampled negatives (no log-Q
 * correction). Positions whose target is 0 (padding) do not count.
 */
public final class NextItemLoss {

    private NextItemLoss() {}

    /**
     * Full softmax CE. hidden (B, T, d), table [N+1, d], targets (B, T) int64 with 0 = ignore;
     * returns the scalar mean over counted positions. The padding column stays in the softmax (it is
     * never a target, so training only pushes its score down; masking it would cost two more
     * (B·T, N+1) passes per step).
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
     * Sampled softmax CE: candidates are the target (column 0) and {@code negatives} (S) int64 ids
     * shared by the batch; a negative equal to the target is masked out of its row.
     */
    public static NDArray sampledSoftmax(NDArray hidden, NDArray table, NDArray targets, NDArray negatives) {
        long d = hidden.getShape().get(2);
        NDArray h = hidden.reshape(-1, d); // (M, d)
        NDArray tgt = targets.reshape(-1); // (M)
        NDArray pos = h.mul(ItemEmbeddingBlock.lookup(table, tgt)).sum(new int[] {1}, true); // (M, 1)
        NDArray neg = h.matMul(ItemEmbeddingBlock.lookup(table, negatives).transpose()); // (M, S)
        NDArray collision = tgt.reshape(-1, 1).eq(negatives.reshape(1, -1)).toType(DataType.FLOAT32, false);
        neg = neg.add(collision.mul(-1e9f));
        NDArray logp = pos.concat(neg, 1).logSoftmax(-1); // (M, 1+S)
        return maskedMeanNegative(logp.get(":, 0"), tgt);
    }

    private static NDArray maskedMeanNegative(NDArray logLikelihood, NDArray targets) {
        NDArray mask = targets.neq(0).toType(DataType.FLOAT32, false);
        return logLikelihood.mul(mask).sum().neg().div(mask.sum().maximum(1f));
    }
}
