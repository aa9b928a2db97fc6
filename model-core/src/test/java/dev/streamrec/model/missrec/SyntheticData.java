package dev.streamrec.model.missrec;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small synthetic catalogue with clustered features and users who stay in one or two clusters. */
final class SyntheticData {

    static final int ITEMS = 40;
    static final int CLUSTERS = 4;

    final List<float[][]> features = new ArrayList<>();
    final List<int[]> sequences = new ArrayList<>();

    SyntheticData(long seed, int users, int length) {
        Random r = new Random(seed);
        int[] dims = {8, 6};
        for (int d : dims) {
            float[][] centres = new float[CLUSTERS][d];
            for (float[] c : centres) {
                for (int k = 0; k < d; k++) {
                    c[k] = (float) r.nextGaussian() * 3f;
                }
            }
            float[][] t = new float[ITEMS + 1][d];
            for (int i = 1; i <= ITEMS; i++) {
                for (int k = 0; k < d; k++) {
                    t[i][k] = centres[cluster(i)][k] + (float) r.nextGaussian() * 0.3f;
                }
            }
            features.add(t);
        }
        for (int u = 0; u < users; u++) {
            int home = r.nextInt(CLUSTERS);
            int[] s = new int[length];
            for (int t = 0; t < length; t++) {
                int c = r.nextFloat() < 0.85f ? home : r.nextInt(CLUSTERS);
                // within a cluster the next item follows the previous one (learnable order)
                int offset = t % (ITEMS / CLUSTERS);
                s[t] = 1 + c + CLUSTERS * offset;
            }
            sequences.add(s);
        }
    }

    static int cluster(int item) {
        return (item - 1) % CLUSTERS;
    }

    static MissRecConfig config(MissRecConfig.Mode mode, MissRecConfig.InterestMethod interest) {
        return config(mode, interest, MissRecConfig.Fusion.DYNAMIC);
    }

    static MissRecConfig config(MissRecConfig.Mode mode, MissRecConfig.InterestMethod interest,
            MissRecConfig.Fusion fusion) {
        return new MissRecConfig(mode, interest, fusion, MissRecConfig.Regularizer.ORTHOGONALITY,
                List.of("text", "image"), List.of(8, 6), 16, 2, 32, 1, 1, 0.1f, 10, 0.07f, 1e-3f, 1e-4f, 0.25f,
                0.1f, 0.5f, 0.2f, 0.2f);
    }
}
