package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.streamrec.model.train.Shuffle;

import java.util.Random;

/**
 * Mini-batch k-means (Sculley 2010) as the released MISSRec code calls it through TorchPQ: random
 * initial centroids drawn from the data, a few passes of mini-batches, each centroid moved towards
 * the mean of its batch members with weight (members in batch) / (members seen so far), early stop
 * when no centroid moves more than {@code tolerance}. Distances run on NDArrays (the O(b·C·D) part,
 * on the tokens' device); the O(b·D) centroid updates run in plain Java.
 */
public final class MiniBatchKMeans {

    private final int clusters;
    private final int batchSize;
    private final int passes;
    private final float tolerance;
    private final long seed;

    public MiniBatchKMeans(int clusters, int batchSize, int passes, float tolerance, long seed) {
        if (clusters < 1 || batchSize < 1 || passes < 1) {
            throw new IllegalArgumentException("clusters, batch size and passes must be positive");
        }
        this.clusters = clusters;
        this.batchSize = batchSize;
        this.passes = passes;
        this.tolerance = tolerance;
        this.seed = seed;
    }

    /** Fits centroids (C, D) to the tokens (N, D); C is capped at N. */
    public NDArray fit(NDArray tokens) {
        NDManager manager = tokens.getManager();
        int n = (int) tokens.getShape().get(0);
        int d = (int) tokens.getShape().get(1);
        int c = Math.min(clusters, n);
        float[] x = tokens.toFloatArray();
        Random random = new Random(seed);
        int[] order = Shuffle.permutation(n, random);
        float[] centroids = new float[c * d];
        for (int j = 0; j < c; j++) {
            System.arraycopy(x, order[j] * d, centroids, j * d, d);
        }
        long[] seen = new long[c];
        for (int pass = 0; pass < passes; pass++) {
            order = Shuffle.permutation(n, random);
            float shift = 0f;
            for (int from = 0; from < n; from += batchSize) {
                int b = Math.min(batchSize, n - from);
                float[] batch = new float[b * d];
                for (int i = 0; i < b; i++) {
                    System.arraycopy(x, order[from + i] * d, batch, i * d, d);
                }
                int[] labels;
                try (NDManager tmp = manager.newSubManager()) {
                    labels = nearest(tmp.create(batch, new Shape(b, d)), tmp.create(centroids, new Shape(c, d)));
                }
                shift = Math.max(shift, update(centroids, seen, batch, labels, d));
            }
            if (shift < tolerance) {
                break;
            }
        }
        return manager.create(centroids, new Shape(c, d));
    }

    /** The index of the nearest centroid (C, D) for every token (N, D). */
    public static int[] nearest(NDArray tokens, NDArray centroids) {
        NDArray cross = tokens.matMul(centroids.transpose()); // (N, C)
        NDArray cNorm = centroids.square().sum(new int[] {1}).expandDims(0); // (1, C)
        return cNorm.sub(cross.mul(2f)).argMin(1).toType(DataType.INT32, false).toIntArray();
    }

    private static float update(float[] centroids, long[] seen, float[] batch, int[] labels, int d) {
        int c = seen.length;
        float[] sums = new float[c * d];
        int[] counts = new int[c];
        for (int i = 0; i < labels.length; i++) {
            counts[labels[i]]++;
            for (int k = 0; k < d; k++) {
                sums[labels[i] * d + k] += batch[i * d + k];
            }
        }
        float maxShift = 0f;
        for (int j = 0; j < c; j++) {
            if (counts[j] == 0) {
                continue;
            }
            seen[j] += counts[j];
            float rate = (float) counts[j] / seen[j];
            float shift = 0f;
            for (int k = 0; k < d; k++) {
                float mean = sums[j * d + k] / counts[j];
                float delta = rate * (mean - centroids[j * d + k]);
                centroids[j * d + k] += delta;
                shift += delta * delta;
            }
            maxShift = Math.max(maxShift, (float) Math.sqrt(shift));
        }
        return maxShift;
    }
}
