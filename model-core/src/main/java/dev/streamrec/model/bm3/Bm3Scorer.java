package dev.streamrec.model.bm3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/**
 * Scoring tables from exported weights (BM3 §2.4): s_U = P h_U (U, d), s_I = P h_I (N, d),
 * score(u, i) = ⟨s_u, s_i⟩; for LightGCN/MF P is the identity. Only the ID/graph tables are used
 * (modality branches are training signals; BM3 issue #3). Also maps any vector h through P.
 */
public final class Bm3Scorer implements AutoCloseable {

    private final NDManager manager;
    private final float[] predW; // (d, d) or null
    private final float[] predB;
    private final int dim;
    private final NDArray userScores; // (U, d)
    private final NDArray itemScores; // (N, d)

    public Bm3Scorer(Bm3Weights w, NDManager parent) {
        this.manager = parent.newSubManager();
        Bm3Weights.Tensor users = w.get("users");
        Bm3Weights.Tensor items = w.get("items");
        dim = users.cols();
        predW = w.has("predictor.weight") ? w.get("predictor.weight").data() : null;
        predB = w.has("predictor.bias") ? w.get("predictor.bias").data() : null;
        userScores = manager.create(predictRows(users.data(), users.rows()), new Shape(users.rows(), dim));
        itemScores = manager.create(predictRows(items.data(), items.rows()), new Shape(items.rows(), dim));
    }

    public int dim() {
        return dim;
    }

    public NDArray userScores() {
        return userScores;
    }

    public NDArray itemScores() {
        return itemScores;
    }

    /** Scores of the given user rows over all items, one matmul: (B, N). */
    public float[][] score(int[] userRows) {
        try (NDScope scope = new NDScope(); NDManager m = manager.newSubManager()) {
            NDArray u = userScores.get(m.create(userRows)); // (B, d)
            NDArray s = u.matMul(itemScores.transpose());  // (B, N)
            float[] flat = s.toFloatArray();
            int n = (int) itemScores.getShape().get(0);
            float[][] out = new float[userRows.length][n];
            for (int b = 0; b < userRows.length; b++) {
                System.arraycopy(flat, b * n, out[b], 0, n);
            }
            return out;
        }
    }

    /** P x for one vector (identity without a predictor). */
    public float[] predict(float[] x) {
        return predictRows(x, 1);
    }

    private float[] predictRows(float[] x, int rows) {
        if (predW == null) {
            return x.clone();
        }
        float[] out = new float[rows * dim];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < dim; j++) {
                double s = predB[j];
                for (int k = 0; k < dim; k++) {
                    s += x[r * dim + k] * predW[k * dim + j];
                }
                out[r * dim + j] = (float) s;
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
