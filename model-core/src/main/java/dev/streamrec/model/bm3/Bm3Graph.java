package dev.streamrec.model.bm3;

/**
 * The symmetrically normalised user-item bi-adjacency of the training interactions (BM3 §2.2 /
 * LightGCN eq. 7): Â_ui = 1 / sqrt((d_u + 1e-7)(d_i + 1e-7)), no self-loops. Because
 * A = [[0, R], [Rᵀ, 0]] the propagation H^{l+1} = Â H^l splits into h_U ← R̂ h_I and h_I ← R̂ᵀ h_U,
 * so only the (U, N) block is kept. It is dense: for MovieLens (610 × 9.7k) that is 24 MB and a
 * propagation is two small GEMMs; a much larger catalogue would need a sparse (COO) product.
 */
public final class Bm3Graph {

    private static final double EPS = 1e-7;

    private Bm3Graph() {}

    /** Row-major (users × items) normalised bi-adjacency from per-user training item rows. */
    public static float[] normalised(int[][] train, int items) {
        int users = train.length;
        double[] itemDegree = new double[items];
        for (int[] row : train) {
            for (int i : row) {
                itemDegree[i]++;
            }
        }
        float[] a = new float[Math.multiplyExact(users, items)];
        for (int u = 0; u < users; u++) {
            double du = train[u].length;
            for (int i : train[u]) {
                a[u * items + i] = (float) (1.0 / Math.sqrt((du + EPS) * (itemDegree[i] + EPS)));
            }
        }
        return a;
    }
}
