package dev.streamrec.model.serving;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import dev.streamrec.model.data.ItemIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * Exact top-K over a large catalogue without materialising the whole [batch x catalogue] score
 * matrix: items are scored block by block ({@link BlockScorer}), each block's best
 * {@code k + slack} candidates are merged with the running best on the device, and only
 * [batch x (k + slack)] numbers ever leave it. With {@code slack} at least the number of items a
 * row may exclude (its history, the padding row), filtering exclusions afterwards stays exact.
 */
public final class BlockedTopK {

    /** Scores the catalogue rows [from, to) for the whole batch: (B, to - from). */
    @FunctionalInterface
    public interface BlockScorer {
        NDArray score(int from, int to);
    }

    /** The candidates of every row, best first: item indices and their scores. */
    public record Candidates(int[][] indices, float[][] scores) {

        /** The best {@code k} of row {@code b} that are not excluded. */
        public int[] select(int b, int k, IntPredicate excluded) {
            int[] out = new int[k];
            int n = 0;
            for (int i = 0; i < indices[b].length && n < k; i++) {
                if (!excluded.test(indices[b][i])) {
                    out[n++] = indices[b][i];
                }
            }
            return n == k ? out : Arrays.copyOf(out, n);
        }

        /**
         * What a recommender serves from row {@code b}: its best {@code k} items that are neither the
         * padding row nor among {@code excluded} (item indices, e.g. the user's history), best first,
         * named by {@code itemId}.
         */
        public List<ScoredItem> top(int b, int k, int[] excluded, IntFunction<String> itemId) {
            int[] sorted = excluded.clone();
            Arrays.sort(sorted); // at most a sequence's length: a binary search beats boxing a set
            List<ScoredItem> out = new ArrayList<>(k);
            for (int c = 0; c < indices[b].length && out.size() < k; c++) {
                int item = indices[b][c];
                if (item != ItemIndex.PAD && Arrays.binarySearch(sorted, item) < 0) {
                    out.add(new ScoredItem(itemId.apply(item), scores[b][c]));
                }
            }
            return out;
        }
    }

    /** Scores per block that {@link #rowsPerBlock} aims at: 8 MB of floats. */
    static final int BLOCK_SCORES = 1 << 21;
    /** The fewest catalogue rows per block {@link #rowsPerBlock} gives. */
    static final int MIN_BLOCK_ROWS = 1024;

    private BlockedTopK() {}

    /**
     * Catalogue rows per block for a batch of {@code batchSize}: about {@link #BLOCK_SCORES} scores,
     * so that no [batch x catalogue] array is built, and a block's arrays are reused from the
     * allocator rather than mapped afresh; at least {@link #MIN_BLOCK_ROWS}, so that the calls per
     * block stay few against the work in them. The block size was chosen by a sweep with MISSRec on
     * 100,000 items, against the whole catalogue in one block (docs/performance-history.md).
     */
    public static int rowsPerBlock(int batchSize) {
        return Math.max(MIN_BLOCK_ROWS, BLOCK_SCORES / Math.max(1, batchSize));
    }

    /**
     * @param manager where intermediate arrays live (closed by the caller)
     * @param catalogueSize number of rows to score (padding row included if the scorer has one)
     * @param depth candidates kept per row: k + the most items a row can exclude
     * @param blockSize catalogue rows scored per block
     */
    public static Candidates topK(NDManager manager, BlockScorer scorer, int catalogueSize, int depth, int blockSize) {
        NDArray bestValues = null;
        NDArray bestIndices = null;
        for (int from = 0; from < catalogueSize; from += blockSize) {
            int to = Math.min(catalogueSize, from + blockSize);
            NDArray block = scorer.score(from, to); // (B, to - from)
            int kk = Math.min(depth, to - from);
            NDList top = block.topK(kk, 1);
            NDArray values = top.get(0);
            NDArray indices = top.get(1).add(from);
            if (bestValues == null) {
                bestValues = values;
                bestIndices = indices;
            } else {
                NDArray allValues = bestValues.concat(values, 1);  // (B, <= 2 depth)
                NDArray allIndices = bestIndices.concat(indices, 1);
                int keep = (int) Math.min(depth, allValues.getShape().get(1));
                NDList merged = allValues.topK(keep, 1);
                bestValues = merged.get(0);
                bestIndices = allIndices.gather(merged.get(1), 1);
            }
        }
        if (bestValues == null) {
            return new Candidates(new int[0][], new float[0][]);
        }
        int rows = (int) bestValues.getShape().get(0);
        int cols = (int) bestValues.getShape().get(1);
        float[] v = bestValues.toFloatArray();
        long[] ix = bestIndices.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        int[][] indices = new int[rows][cols];
        float[][] scores = new float[rows][cols];
        for (int b = 0; b < rows; b++) {
            for (int c = 0; c < cols; c++) {
                indices[b][c] = (int) ix[b * cols + c];
                scores[b][c] = v[b * cols + c];
            }
        }
        return new Candidates(indices, scores);
    }

    /** Convenience for dot-product models: users (B, d) against item rows (N, d). */
    public static Candidates dotProduct(NDManager manager, NDArray users, NDArray items, int depth, int blockSize) {
        int n = (int) items.getShape().get(0);
        return topK(manager, (from, to) -> users.matMul(items.get(new NDIndex(from + ":" + to)).transpose()), n,
                depth, blockSize);
    }
}
