package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Interest discovery by density-peak clustering with k nearest neighbours (DPC-KNN), run per user
 * sequence over that sequence's item tokens (MISSRec paper, §"interest discovery"; the released
 * code's {@code cluster_dpc_knn} computes the same quantities globally):
 *
 * <ol>
 *   <li>distances between tokens, divided by √D as in the code so that exp(·) does not underflow;
 *   <li>local density ρ_i = exp(−(1/k) Σ_{j ∈ kNN(i)} ‖x_i − x_j‖²), self included, k = ⌈knnRatio·n⌉;
 *   <li>δ_i = min distance to a token of strictly higher density (the densest: its maximum distance);
 *   <li>the K_c = ⌈interestRatio·n⌉ tokens with the highest ρ·δ are the prototypes;
 *   <li>each token joins its nearest prototype; centroid = mean of the members.
 * </ol>
 *
 * Pure functions on NDArrays, batched over sequences with padding masks, so they run on a GPU when the
 * arrays live there. Empty clusters (duplicate prototypes) become padding: the interest sequence is
 * deduplicated by construction.
 */
public final class DpcKnn {

    /** Stands for "infinitely far"; larger than any scaled squared distance of real tokens. */
    static final float FAR = 1e9f;

    private DpcKnn() {}

    /**
     * @param tokens item tokens (B, N, D)
     * @param mask 1 for a real token, 0 for padding (B, N)
     */
    public static Interests discover(NDArray tokens, NDArray mask, float interestRatio, float knnRatio) {
        return fromSquaredDistances(scaledSquaredDistances(tokens), tokens, mask, interestRatio, knnRatio);
    }

    /** ‖x_i − x_j‖² / D for every pair of one batch (B, N, N); the O(N²·D) part of the method. */
    public static NDArray scaledSquaredDistances(NDArray tokens) {
        long dim = tokens.getShape().get(2);
        NDArray sq = tokens.square().sum(new int[] {2}, true); // (B, N, 1)
        NDArray gram = tokens.matMul(tokens.transpose(0, 2, 1)); // (B, N, N)
        return sq.add(sq.transpose(0, 2, 1)).sub(gram.mul(2f)).maximum(0f).div(dim);
    }

    /**
     * Local density ρ_i = exp(−(1/k) Σ_{j ∈ kNN(i)} d2_ij) over the k = ⌈knnRatio·n⌉ nearest real
     * tokens of each sequence (n its real tokens, self included), (B, N); padding tokens get −1,
     * below every real density. Only the batch's largest k nearest distances of each row are
     * selected (a partial top-k, not a sort of the whole row: the sort was most of DPC-KNN's time).
     *
     * @param valid 1 for a real token, 0 for padding (B, N), float32
     */
    static NDArray localDensity(NDArray d2, NDArray valid, float knnRatio) {
        NDManager m = d2.getManager();
        long n = d2.getShape().get(1);
        NDArray count = valid.sum(new int[] {1}, true); // (B, 1)
        NDArray k = count.mul(knnRatio).ceil().maximum(1f); // (B, 1)
        // the batch's largest k, with a margin for float rounding of count·knnRatio
        int kNearest = (int) Math.min(n, Math.max(1, Math.ceil((double) knnRatio * n) + 1));
        NDArray nearest = d2.add(valid.expandDims(1).sub(1f).mul(-FAR))
                .topK(kNearest, 2, false, true).get(0); // (B, N, kNearest) ascending
        NDArray column = m.arange(0f, (float) kNearest, 1f).reshape(1, 1, kNearest);
        NDArray inKnn = column.lt(k.expandDims(2)).toType(DataType.FLOAT32, false); // (B, 1, kNearest)
        NDArray rho = nearest.mul(inKnn).sum(new int[] {2}).div(k).neg().exp(); // (B, N)
        return rho.mul(valid).add(valid.sub(1f));
    }

    /**
     * DPC-KNN from precomputed scaled squared distances (B, N, N): what the incremental form reuses.
     */
    public static Interests fromSquaredDistances(
            NDArray d2, NDArray tokens, NDArray mask, float interestRatio, float knnRatio) {
        NDManager m = tokens.getManager();
        long n = d2.getShape().get(1);
        NDArray valid = mask.toType(DataType.FLOAT32, false); // (B, N)
        NDArray validKey = valid.expandDims(1); // (B, 1, N)
        NDArray count = valid.sum(new int[] {1}, true); // (B, 1)

        NDArray rho = localDensity(d2, valid, knnRatio);

        // distance to the nearest denser token; the densest token takes its largest distance
        NDArray dist = d2.sqrt();
        NDArray denser = rho.expandDims(1).gt(rho.expandDims(2)).toType(DataType.FLOAT32, false).mul(validKey);
        NDArray delta = dist.add(denser.sub(1f).mul(-FAR)).min(new int[] {2}); // (B, N)
        NDArray farthest = dist.mul(validKey).max(new int[] {2});
        delta = NDArrays.where(delta.gte(FAR / 2), farthest, delta);

        // prototypes: the top K_c of rho * delta per sequence
        NDArray score = rho.mul(delta).mul(valid).add(valid.sub(1f)); // padding: -1
        int kMax = (int) Math.max(1, Math.ceil(interestRatio * n));
        NDArray top = score.argSort(1, false).get(":, :" + kMax); // (B, K)
        NDArray kc = count.mul(interestRatio).ceil().maximum(1f); // (B, 1)
        NDArray slot = m.arange(0f, (float) kMax, 1f).reshape(1, kMax);
        NDArray protoValid = slot.lt(kc).toType(DataType.FLOAT32, false); // (B, K)
        NDArray pick = top.oneHot((int) n, DataType.FLOAT32); // (B, K, N)

        // nearest prototype; padding prototypes are pushed infinitely far
        NDArray toProto = d2.matMul(pick.transpose(0, 2, 1)); // (B, N, K)
        toProto = toProto.add(protoValid.expandDims(1).sub(1f).mul(-FAR));
        NDArray assignment = toProto.argMin(2); // (B, N)
        NDArray members = assignment.oneHot(kMax, DataType.FLOAT32).mul(valid.expandDims(2)); // (B, N, K)
        NDArray size = members.sum(new int[] {1}); // (B, K)
        NDArray centroids = members.transpose(0, 2, 1).matMul(tokens).div(size.maximum(1f).expandDims(2)); // (B, K, D)
        NDArray interestMask = size.gt(0f).toType(DataType.FLOAT32, false).mul(protoValid);
        return new Interests(centroids, interestMask, assignment);
    }
}
