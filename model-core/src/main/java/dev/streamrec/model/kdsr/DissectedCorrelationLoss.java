package dev.streamrec.model.kdsr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.streamrec.model.train.Scalars;

/**
 * KDSR's dissected correlation distillation L_CKD (models.md §1.5, §7): the teacher code c_ij of a
 * pair is the nearest codebook centroid to its D chunk cosines, assigned on the fly for the pairs of
 * each sequence; the student predicts it from |e_i − e_j| with cross-entropy,
 * −(1/|P|) Σ_ij log p_ij[c_ij]. Two layouts: every position pair of the batch as (B, T, T) tensors
 * (the paper's exact mean), or a list of P weighted pairs ({@link CorrelationPairs}: all pairs, or
 * a sample whose weighted sum is an unbiased estimate of that mean) as (P, ·) tensors.
 */
public final class DissectedCorrelationLoss {

    private DissectedCorrelationLoss() {}

    /**
     * Teacher codes (B, T, T) int64 from chunk-normalised teacher features (B, T, D, c) and the
     * centroids (K, D).
     */
    public static NDArray codes(NDArray chunks, NDArray centroids) {
        long b = chunks.getShape().get(0);
        long t = chunks.getShape().get(1);
        long d = chunks.getShape().get(2);
        NDArray perChunk = chunks.transpose(0, 2, 1, 3); // (B, D, T, c)
        NDArray s = perChunk.matMul(perChunk.transpose(0, 1, 3, 2)) // (B, D, T, T)
                .transpose(0, 2, 3, 1)
                .reshape(-1, d); // (B*T*T, D)
        // ||s − μ||² = ||s||² − 2 s·μ + ||μ||²; the ||s||² term does not change the argmin.
        NDArray dist = centroids.square().sum(new int[] {1}).reshape(1, -1).sub(Scalars.mul(s.matMul(centroids.transpose()), 2f));
        return dist.argMin(1).reshape(b, t, t);
    }

    /** Masked mean cross-entropy of logits (B, T, T, K) against codes (B, T, T) over pairs (B, T, T). */
    public static NDArray loss(NDArray logits, NDArray codes, NDArray pairs) {
        NDArray logp = logits.logSoftmax(-1);
        NDArray picked = logp.gather(codes.toType(DataType.INT64, false).expandDims(-1), 3).squeeze(-1); // (B, T, T)
        return picked.mul(pairs).sum().neg().div(pairs.sum().maximum(1f));
    }

    /**
     * Teacher codes (P) int64 of listed pairs from the chunk-normalised teacher features of their two
     * sides (P, D, c) and the centroids (K, D).
     */
    public static NDArray pairCodes(NDArray left, NDArray right, NDArray centroids) {
        NDArray s = left.mul(right).sum(new int[] {2}); // (P, D) chunk cosines
        NDArray dist = centroids.square().sum(new int[] {1}).reshape(1, -1).sub(s.matMul(centroids.transpose()).mul(2f));
        return dist.argMin(1);
    }

    /** Weighted cross-entropy Σ_p w_p·(−log p_p[c_p]) of logits (P, K) against codes (P) with weights (P). */
    public static NDArray pairLoss(NDArray logits, NDArray codes, NDArray weights) {
        NDArray logp = logits.logSoftmax(-1);
        NDArray picked = logp.gather(codes.toType(DataType.INT64, false).expandDims(-1), 1).squeeze(-1); // (P)
        return picked.mul(weights).sum().neg();
    }
}
