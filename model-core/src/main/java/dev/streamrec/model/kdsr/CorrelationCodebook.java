package dev.streamrec.model.kdsr;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * KDSR's dissected-correlation codebook (models.md §1.5, §8): a teacher feature of d dims is cut
 * into D contiguous chunks; the relation of items i and j is the vector s_ij in R^D of chunk
 * cosines; k-means quantises s_ij into one of K codes c_ij ("in which facets are i and j alike").
 * Unlike the released code (k-means over all N² pairs, dense [N, N] code matrix) the centroids are
 * fitted on a seeded sample of item pairs and codes of in-batch pairs are assigned on the fly.
 */
public final class CorrelationCodebook {

    private static final int ITERATIONS = 25;

    private final float[][] centroids;

    public CorrelationCodebook(float[][] centroids) {
        this.centroids = centroids;
    }

    /** The K centroids [K][D]. */
    public float[][] centroids() {
        return centroids;
    }

    /** Chunk-normalised copy of a feature: D chunks of d/D dims, each scaled to unit norm (zero stays zero). */
    public static float[] chunkNormalised(float[] f, int chunks) {
        int c = f.length / chunks;
        float[] out = new float[f.length];
        for (int k = 0; k < chunks; k++) {
            double s = 0;
            for (int j = k * c; j < (k + 1) * c; j++) {
                s += f[j] * f[j];
            }
            double n = Math.sqrt(s);
            for (int j = k * c; j < (k + 1) * c; j++) {
                out[j] = n > 0 ? (float) (f[j] / n) : 0f;
            }
        }
        return out;
    }

    /** s_ij: the D chunk cosines of two chunk-normalised features. */
    public static float[] relation(float[] a, float[] b, int chunks) {
        int c = a.length / chunks;
        float[] s = new float[chunks];
        for (int k = 0; k < chunks; k++) {
            double dot = 0;
            for (int j = k * c; j < (k + 1) * c; j++) {
                dot += a[j] * b[j];
            }
            s[k] = (float) dot;
        }
        return s;
    }

    /** The code of a relation vector: its nearest centroid (ties to the lower code). */
    public int assign(float[] s) {
        int best = 0;
        double bestD = Double.MAX_VALUE;
        for (int k = 0; k < centroids.length; k++) {
            double d = 0;
            for (int j = 0; j < s.length; j++) {
                double x = s[j] - centroids[k][j];
                d += x * x;
            }
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best;
    }

    /**
     * Fits K centroids (k-means++ seeding, Lloyd iterations) on the relations of {@code samplePairs}
     * random pairs of distinct items among the non-zero rows of {@code teacher} [N+1][d].
     */
    public static CorrelationCodebook fit(float[][] teacher, int chunks, int k, int samplePairs, long seed) {
        if (teacher[0].length % chunks != 0) {
            throw new IllegalArgumentException("feature dim " + teacher[0].length + " is not divisible by D=" + chunks);
        }
        List<float[]> rows = new ArrayList<>();
        for (int i = 1; i < teacher.length; i++) {
            if (DenoisingAutoencoder.norm(teacher[i]) > 0) {
                rows.add(chunkNormalised(teacher[i], chunks));
            }
        }
        Random random = new Random(seed);
        float[][] points = new float[samplePairs][];
        for (int p = 0; p < samplePairs; p++) {
            int a = random.nextInt(rows.size());
            int b = random.nextInt(rows.size() - 1);
            points[p] = relation(rows.get(a), rows.get(b >= a ? b + 1 : b), chunks);
        }
        return new CorrelationCodebook(kMeans(points, k, random));
    }

    static float[][] kMeans(float[][] points, int k, Random random) {
        int dim = points[0].length;
        float[][] centroids = new float[k][];
        centroids[0] = points[random.nextInt(points.length)].clone();
        double[] nearest = new double[points.length];
        java.util.Arrays.fill(nearest, Double.MAX_VALUE);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int p = 0; p < points.length; p++) {
                nearest[p] = Math.min(nearest[p], sq(points[p], centroids[c - 1]));
                total += nearest[p];
            }
            double r = random.nextDouble() * total;
            int pick = points.length - 1;
            for (int p = 0; p < points.length; p++) {
                r -= nearest[p];
                if (r <= 0) {
                    pick = p;
                    break;
                }
            }
            centroids[c] = points[pick].clone();
        }
        CorrelationCodebook book = new CorrelationCodebook(centroids);
        for (int it = 0; it < ITERATIONS; it++) {
            double[][] sum = new double[k][dim];
            int[] count = new int[k];
            for (float[] p : points) {
                int c = book.assign(p);
                count[c]++;
                for (int j = 0; j < dim; j++) {
                    sum[c][j] += p[j];
                }
            }
            for (int c = 0; c < k; c++) {
                if (count[c] == 0) {
                    continue; // keep an empty cluster's centroid where it is
                }
                for (int j = 0; j < dim; j++) {
                    centroids[c][j] = (float) (sum[c][j] / count[c]);
                }
            }
        }
        return centroids;
    }

    private static double sq(float[] a, float[] b) {
        double d = 0;
        for (int j = 0; j < a.length; j++) {
            double x = a[j] - b[j];
            d += x * x;
        }
        return d;
    }
}
