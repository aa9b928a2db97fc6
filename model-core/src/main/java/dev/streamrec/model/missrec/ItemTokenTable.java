package dev.streamrec.model.missrec;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * The catalogue's modality tokens ψ^m(f^m) as plain Java arrays, for per-user work outside the
 * forward pass (the stream's incremental DPC-KNN distances): row {@code item} of modality {@code m}
 * is the token the forward pass computes for that item. Immutable; rebuilt when the catalogue changes.
 */
public final class ItemTokenTable {

    private final float[][] tokens; // per modality (N+1) * D, row-major
    private final int dim;
    private final int rows;

    private ItemTokenTable(float[][] tokens, int dim, int rows) {
        this.tokens = tokens;
        this.dim = dim;
        this.rows = rows;
    }

    /** From the catalogue tokens, M x (N+1, D). */
    static ItemTokenTable of(List<NDArray> catalogueTokens) {
        float[][] t = new float[catalogueTokens.size()][];
        for (int m = 0; m < t.length; m++) {
            t[m] = catalogueTokens.get(m).toFloatArray();
        }
        NDArray first = catalogueTokens.get(0);
        return new ItemTokenTable(t, (int) first.getShape().get(1), (int) first.getShape().get(0));
    }

    public int modalities() {
        return tokens.length;
    }

    /** Items + 1 (row 0 is padding). */
    public int rows() {
        return rows;
    }

    /** ‖x − y‖² / D between token (itemA, modA) and token (itemB, modB), as DPC-KNN scales it. */
    public float scaledSquaredDistance(int itemA, int modA, int itemB, int modB) {
        float[] a = tokens[modA];
        float[] b = tokens[modB];
        int oa = itemA * dim;
        int ob = itemB * dim;
        double s = 0;
        for (int k = 0; k < dim; k++) {
            float d = a[oa + k] - b[ob + k];
            s += d * d;
        }
        return (float) (s / dim);
    }
}
