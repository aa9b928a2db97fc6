package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The released code's interest discovery: all items' per-modality tokens clustered globally by
 * {@link MiniBatchKMeans} (re-run before every epoch), stored as item → interest lookup tables
 * (one per modality, ids + 1 so that 0 is padding) and a centroid table. A sequence's interests are
 * the sorted, deduplicated ids of its items over all modalities (the code's {@code unique()}).
 */
public final class GlobalInterests implements AutoCloseable {

    private final int[][] itemInterest; // [modality][item] -> interest id + 1, 0 for padding
    private final NDArray centroids; // (C + 1, D), row 0 = padding

    public GlobalInterests(int[][] itemInterest, NDArray centroids) {
        this.itemInterest = itemInterest;
        this.centroids = centroids;
    }

    /**
     * Clusters the tokens of every item (rows 1..N of each modality's (N+1, D) token table) into
     * ⌈ratio · M·N⌉ interests.
     */
    public static GlobalInterests fit(List<NDArray> modalityTokens, float ratio, long seed) {
        NDManager manager = modalityTokens.get(0).getManager();
        int items = (int) modalityTokens.get(0).getShape().get(0) - 1;
        NDArray all = NDArrays.concat(
                new NDList(modalityTokens.stream().map(t -> t.get("1:")).toArray(NDArray[]::new)));
        int c = (int) Math.ceil(ratio * all.getShape().get(0));
        NDArray fitted = new MiniBatchKMeans(c, 2048, 5, 1e-5f, seed).fit(all);
        int[] labels = MiniBatchKMeans.nearest(all, fitted);
        int[][] table = new int[modalityTokens.size()][items + 1];
        for (int mod = 0; mod < table.length; mod++) {
            for (int i = 1; i <= items; i++) {
                table[mod][i] = labels[mod * items + i - 1] + 1;
            }
        }
        long d = fitted.getShape().get(1);
        NDArray withPad = NDArrays.concat(
                new NDList(manager.zeros(new Shape(1, d)), fitted));
        return new GlobalInterests(table, withPad);
    }

    public NDArray centroids() {
        return centroids;
    }

    public int[][] table() {
        return itemInterest;
    }

    /** The interest id (+1) of a new item's tokens, one per modality: its nearest centroids. */
    public int[] assign(NDArray tokens) {
        int[] nearest = MiniBatchKMeans.nearest(tokens, centroids.get("1:"));
        return Arrays.stream(nearest).map(i -> i + 1).toArray();
    }

    /** Extends the lookup tables with an item (index = current size) whose interest ids are given. */
    public GlobalInterests withItem(int item, int[] ids) {
        int[][] grown = new int[itemInterest.length][];
        for (int mod = 0; mod < grown.length; mod++) {
            grown[mod] = Arrays.copyOf(itemInterest[mod], Math.max(itemInterest[mod].length, item + 1));
            grown[mod][item] = ids[mod];
        }
        return new GlobalInterests(grown, centroids);
    }

    /** The interest sequences of a batch of left-aligned item rows (B, T) as padded centroid rows. */
    public Interests forBatch(int[][] items, NDManager manager) {
        int[][] ids = new int[items.length][];
        int k = 1;
        for (int b = 0; b < items.length; b++) {
            TreeSet<Integer> unique = new TreeSet<>();
            for (int item : items[b]) {
                if (item > 0) {
                    for (int[] mod : itemInterest) {
                        if (item < mod.length && mod[item] > 0) {
                            unique.add(mod[item]);
                        }
                    }
                }
            }
            ids[b] = unique.stream().mapToInt(Integer::intValue).toArray();
            k = Math.max(k, ids[b].length);
        }
        float[] idx = new float[items.length * k];
        float[] mask = new float[items.length * k];
        for (int b = 0; b < items.length; b++) {
            for (int j = 0; j < ids[b].length; j++) {
                idx[b * k + j] = ids[b][j];
                mask[b * k + j] = 1f;
            }
        }
        NDArray index = manager.create(idx, new Shape(items.length, k)).toType(DataType.INT64, false);
        NDArray vectors = Embedding.embedding(index, centroids, SparseFormat.DENSE).singletonOrThrow(); // (B, K, D)
        return new Interests(vectors, manager.create(mask, new Shape(items.length, k)), null);
    }

    @Override
    public void close() {
        centroids.close();
    }
}
