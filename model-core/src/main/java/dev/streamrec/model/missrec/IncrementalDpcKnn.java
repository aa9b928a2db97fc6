package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.streamrec.model.train.OwnedTensors;

/**
 * The stream form of per-sequence DPC-KNN: a user's cached item tokens (n, D) and their scaled
 * squared distance matrix (n, n) are updated when one item arrives (its M modality tokens), the
 * oldest item's tokens leaving when the window of {@code maxItems} is full.
 *
 * <p>What is reused: the token rows and all old pairwise distances. Only the new tokens' distances
 * are computed, O(M·n·D) instead of O(n²·D). What is recomputed: densities ρ, δ, the prototypes and
 * the assignment, O(n² log n) without the D factor, because one new token can change its
 * neighbours' k-NN sets and hence which tokens are density peaks (the clustering is not monotone).
 * Owns its arrays; close it when the user's state is evicted.
 */
public final class IncrementalDpcKnn implements AutoCloseable {

    private final NDManager manager;
    private final int maxItems;
    private final int modalities;
    private final float interestRatio;
    private final float knnRatio;
    private NDArray tokens; // (n, D), item-major: M rows per item
    private NDArray d2; // (n, n)

    public IncrementalDpcKnn(NDManager parent, int maxItems, int modalities, float interestRatio, float knnRatio) {
        this.manager = parent.newSubManager();
        this.maxItems = maxItems;
        this.modalities = modalities;
        this.interestRatio = interestRatio;
        this.knnRatio = knnRatio;
    }

    /** Cached tokens (n, D), or null before the first item. */
    public NDArray tokens() {
        return tokens;
    }

    /** Appends one item's tokens (M, D), evicts the oldest item beyond the window, and re-assigns. */
    public Interests append(NDArray itemTokens) {
        // a copy in libtorch's memory: toDevice(same device, true) would alias the caller's tensor,
        // whose storage may be a Java buffer freed once the caller's wrapper closes
        NDArray fresh = OwnedTensors.copy(itemTokens, manager.getDevice());
        fresh.attach(manager);
        if (tokens == null) {
            tokens = fresh;
            d2 = DpcKnn.scaledSquaredDistances(fresh.expandDims(0)).squeeze(0);
            d2.attach(manager);
            NDScope.unregister(tokens, d2); // cached state outlives the caller's scope
        } else {
            long dim = fresh.getShape().get(1);
            NDArray cross = squared(fresh, tokens).div(dim); // (M, n)
            NDArray self = squared(fresh, fresh).div(dim); // (M, M)
            NDArray top = NDArrays.concat(new NDList(d2, cross.transpose()), 1); // (n, n+M)
            NDArray bottom = NDArrays.concat(new NDList(cross, self), 1); // (M, n+M)
            NDArray grown = NDArrays.concat(new NDList(top, bottom), 0);
            NDArray all = NDArrays.concat(new NDList(tokens, fresh), 0);
            long n = all.getShape().get(0);
            long limit = (long) maxItems * modalities;
            if (n > limit) {
                String keep = (n - limit) + ":";
                grown = grown.get(keep + ", " + keep);
                all = all.get(keep);
            }
            replace(all, grown);
        }
        return current();
    }

    /** The assignment of the cached tokens (batch of one sequence). */
    public Interests current() {
        NDArray x = tokens.expandDims(0);
        NDArray mask = manager.ones(new Shape(1, tokens.getShape().get(0)));
        return DpcKnn.fromSquaredDistances(d2.expandDims(0), x, mask, interestRatio, knnRatio);
    }

    private void replace(NDArray all, NDArray grown) {
        all.attach(manager);
        grown.attach(manager);
        NDScope.unregister(all, grown); // cached state outlives the caller's scope
        NDArray oldTokens = tokens;
        NDArray oldD2 = d2;
        tokens = all;
        d2 = grown;
        oldTokens.close();
        oldD2.close();
    }

    private static NDArray squared(NDArray a, NDArray b) {
        NDArray an = a.square().sum(new int[] {1}, true); // (A, 1)
        NDArray bn = b.square().sum(new int[] {1}, true).transpose(); // (1, B)
        return an.add(bn).sub(a.matMul(b.transpose()).mul(2f)).maximum(0f);
    }

    @Override
    public void close() {
        manager.close();
    }
}
