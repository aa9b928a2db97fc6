package dev.streamrec.model.kdsr;

import java.util.List;
import java.util.Random;

/**
 * Measures "modality forgetting" (KDSR paper, motivation): the Pearson correlation between the
 * modality similarities cos(f_i, f_j) of a fixed, seeded sample of item pairs and the similarities
 * cos(e_i, e_j) of a learned item table. Pure Java over plain arrays.
 */
public final class ModalityCorrelationProbe {

    private final int[] left;
    private final int[] right;
    private final double[] modality;

    /**
     * @param features modality features [N+1][m] (zero rows = no feature, never sampled)
     * @param eligible items that may be sampled (e.g. those seen in training)
     */
    public ModalityCorrelationProbe(float[][] features, List<Integer> eligible, int pairs, long seed) {
        List<Integer> pool = eligible.stream().filter(i -> DenoisingAutoencoder.norm(features[i]) > 0).toList();
        if (pool.size() < 2) {
            throw new IllegalArgumentException("need at least two items with features to probe");
        }
        Random random = new Random(seed);
        left = new int[pairs];
        right = new int[pairs];
        modality = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            int a = random.nextInt(pool.size());
            int b = random.nextInt(pool.size() - 1);
            left[p] = pool.get(a);
            right[p] = pool.get(b >= a ? b + 1 : b);
            modality[p] = cosine(features[left[p]], 0, features[right[p]], 0, features[left[p]].length);
        }
    }

    /** Pearson correlation with the similarities of a row-major table [N+1, dim]. */
    public double correlation(float[] table, int dim) {
        double[] learned = new double[left.length];
        for (int p = 0; p < left.length; p++) {
            learned[p] = cosine(table, left[p] * dim, table, right[p] * dim, dim);
        }
        return pearson(modality, learned);
    }

    static double cosine(float[] a, int ao, float[] b, int bo, int n) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < n; i++) {
            dot += a[ao + i] * b[bo + i];
            na += a[ao + i] * a[ao + i];
            nb += b[bo + i] * b[bo + i];
        }
        return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
    }

    /** Pearson's r of two equally long samples (0 when either is constant). */
    public static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
    }
}
