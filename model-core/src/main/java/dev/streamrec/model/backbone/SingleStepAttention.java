package dev.streamrec.model.backbone;

/**
 * The attention of one new position over a user's cached positions, in plain Java, for
 * {@link SasRecStepper}'s step of one item: per head, the scaled dot products of the new query
 * with the P cached keys and the new key, their softmax, and the weighted sum of the values. It
 * reads every cached row once where it lies, in the user's ring: with one query per user, this is
 * cheaper than gathering the batch's caches into tensors (a copy of every cached row, and native
 * calls whose overhead a single query does not amortise), and the cost grows with P only by the
 * dot products themselves, taken four positions at a time (independent sums, which a CPU
 * overlaps), as are the weighted sums of the values.
 *
 * <p>The first layer's cached keys and values depend on the item alone and come from per-item
 * tables (unrotated keys); a key there is rotated by its offset from the new position on the fly,
 * in the dot product (for a pair (a, b) of a head at angle φ: cos φ·(q_a·k_a + q_b·k_b) +
 * sin φ·(q_b·k_a − q_a·k_b)); the new query is at offset 0. The layers above cache keys already
 * rotated at their absolute positions, and {@link #rotate} turns the new query and key to theirs.
 * The angles are those of {@link RotaryEmbedding} (θ in double, cos and sin rounded to float).
 */
final class SingleStepAttention {

    private final int dim;
    private final int heads;
    private final int dh;
    private final int half;
    private final float scale;
    private final float[] firstKeys; // (N+1)·d: the first layer's key of each item
    private final float[] firstValues;
    private final float[] offsetCos; // (slots+1)·half: cos of -o·θ_k at o·half + k
    private final float[] offsetSin;
    private final double[] theta;

    SingleStepAttention(int dim, int heads, int slots, float[] firstKeys, float[] firstValues) {
        this.dim = dim;
        this.heads = heads;
        this.dh = dim / heads;
        this.half = dh / 2;
        this.scale = (float) Math.sqrt(dh);
        this.firstKeys = firstKeys;
        this.firstValues = firstValues;
        this.theta = RotaryEmbedding.frequencies(dh);
        this.offsetCos = new float[(slots + 1) * half];
        this.offsetSin = new float[(slots + 1) * half];
        for (int o = 0; o <= slots; o++) {
            for (int k = 0; k < half; k++) {
                double angle = -o * theta[k];
                offsetCos[o * half + k] = (float) Math.cos(angle);
                offsetSin[o * half + k] = (float) Math.sin(angle);
            }
        }
    }

    /** cos (first half) and sin (second half) of the angles of absolute position {@code position}: dh floats. */
    float[] angles(long position) {
        float[] cs = new float[2 * half];
        for (int k = 0; k < half; k++) {
            double angle = position * theta[k];
            cs[k] = (float) Math.cos(angle);
            cs[half + k] = (float) Math.sin(angle);
        }
        return cs;
    }

    /** Rotates x[at..at+d) head by head by {@link #angles} (the "rotate half" layout), in place. */
    void rotate(float[] x, int at, float[] angles) {
        for (int h = 0; h < heads; h++) {
            for (int k = 0; k < half; k++) {
                int a = at + h * dh + k;
                int b = a + half;
                float c = angles[k];
                float s = angles[half + k];
                float xa = x[a];
                float xb = x[b];
                x[a] = xa * c - xb * s;
                x[b] = xb * c + xa * s;
            }
        }
    }

    /**
     * The first layer: the query, key and value of the new position at q, k, v [at..at+d) attend
     * over P = {@code cached.length} earlier positions, the i-th oldest of which holds the item
     * whose key and value rows start at {@code cached[i]} in the item tables (item·d), and over
     * themselves; the context (before the output projection) goes to out[at..at+d).
     */
    void attendFirst(int[] cached, float[] q, float[] k, float[] v, int at, float[] out, float[] logits) {
        int p = cached.length;
        for (int h = 0; h < heads; h++) {
            int qh = at + h * dh;
            int hd = h * dh;
            int i = 0;
            for (; i + 3 < p; i += 4) { // four positions at a time: four independent sums
                int a0 = (p - i) * half;
                int a1 = a0 - half;
                int a2 = a1 - half;
                int a3 = a2 - half;
                int k0 = cached[i] + hd;
                int k1 = cached[i + 1] + hd;
                int k2 = cached[i + 2] + hd;
                int k3 = cached[i + 3] + hd;
                float s0 = 0;
                float s1 = 0;
                float s2 = 0;
                float s3 = 0;
                for (int j = 0; j < half; j++) {
                    float qa = q[qh + j];
                    float qb = q[qh + half + j];
                    s0 += rotatedDot(qa, qb, offsetCos[a0 + j], offsetSin[a0 + j], firstKeys[k0 + j], firstKeys[k0 + half + j]);
                    s1 += rotatedDot(qa, qb, offsetCos[a1 + j], offsetSin[a1 + j], firstKeys[k1 + j], firstKeys[k1 + half + j]);
                    s2 += rotatedDot(qa, qb, offsetCos[a2 + j], offsetSin[a2 + j], firstKeys[k2 + j], firstKeys[k2 + half + j]);
                    s3 += rotatedDot(qa, qb, offsetCos[a3 + j], offsetSin[a3 + j], firstKeys[k3 + j], firstKeys[k3 + half + j]);
                }
                logits[i] = s0 / scale;
                logits[i + 1] = s1 / scale;
                logits[i + 2] = s2 / scale;
                logits[i + 3] = s3 / scale;
            }
            for (; i < p; i++) {
                int a0 = (p - i) * half;
                int k0 = cached[i] + hd;
                float s0 = 0;
                for (int j = 0; j < half; j++) {
                    s0 += rotatedDot(q[qh + j], q[qh + half + j], offsetCos[a0 + j], offsetSin[a0 + j], firstKeys[k0 + j],
                            firstKeys[k0 + half + j]);
                }
                logits[i] = s0 / scale;
            }
            logits[p] = dot(q, qh, k, qh) / scale;
            softmax(logits, p + 1);
            weigh(logits, p, cached, hd, firstValues, v, qh, out, at + hd);
        }
    }

    /**
     * A layer above the first: as {@link #attendFirst}, with the i-th oldest position's key and
     * value rows at {@code cached[i]} in {@code keys} and {@code values} (a cache's rings, keys
     * rotated at their positions); q and k must already be rotated to the new position.
     */
    void attendUpper(int[] cached, float[] keys, float[] values, float[] q, float[] k, float[] v, int at, float[] out,
            float[] logits) {
        int p = cached.length;
        for (int h = 0; h < heads; h++) {
            int qh = at + h * dh;
            int hd = h * dh;
            int i = 0;
            for (; i + 3 < p; i += 4) {
                int k0 = cached[i] + hd;
                int k1 = cached[i + 1] + hd;
                int k2 = cached[i + 2] + hd;
                int k3 = cached[i + 3] + hd;
                float s0 = 0;
                float s1 = 0;
                float s2 = 0;
                float s3 = 0;
                for (int j = 0; j < dh; j++) {
                    float x = q[qh + j];
                    s0 += x * keys[k0 + j];
                    s1 += x * keys[k1 + j];
                    s2 += x * keys[k2 + j];
                    s3 += x * keys[k3 + j];
                }
                logits[i] = s0 / scale;
                logits[i + 1] = s1 / scale;
                logits[i + 2] = s2 / scale;
                logits[i + 3] = s3 / scale;
            }
            for (; i < p; i++) {
                logits[i] = dot(q, qh, keys, cached[i] + hd) / scale;
            }
            logits[p] = dot(q, qh, k, qh) / scale;
            softmax(logits, p + 1);
            weigh(logits, p, cached, hd, values, v, qh, out, at + hd);
        }
    }

    /** out[o..o+dh) = weights[p]·v[vi..] + Σ_i weights[i]·values[cached[i] + hd ..]. */
    private void weigh(float[] weights, int p, int[] cached, int hd, float[] values, float[] v, int vi, float[] out, int o) {
        for (int j = 0; j < dh; j++) {
            out[o + j] = weights[p] * v[vi + j];
        }
        int i = 0;
        for (; i + 3 < p; i += 4) { // four rows per pass over out
            float w0 = weights[i];
            float w1 = weights[i + 1];
            float w2 = weights[i + 2];
            float w3 = weights[i + 3];
            int y0 = cached[i] + hd;
            int y1 = cached[i + 1] + hd;
            int y2 = cached[i + 2] + hd;
            int y3 = cached[i + 3] + hd;
            for (int j = 0; j < dh; j++) {
                out[o + j] += w0 * values[y0 + j] + w1 * values[y1 + j] + w2 * values[y2 + j] + w3 * values[y3 + j];
            }
        }
        for (; i < p; i++) {
            float w = weights[i];
            int yi = cached[i] + hd;
            for (int j = 0; j < dh; j++) {
                out[o + j] += w * values[yi + j];
            }
        }
    }

    /** One pair's share of q · (k rotated by φ): cos φ·(q_a·k_a + q_b·k_b) + sin φ·(q_b·k_a − q_a·k_b). */
    private static float rotatedDot(float qa, float qb, float c, float s, float ka, float kb) {
        return c * (qa * ka + qb * kb) + s * (qb * ka - qa * kb);
    }

    private float dot(float[] x, int xi, float[] y, int yi) {
        float s0 = 0;
        float s1 = 0;
        for (int j = 0; j < dh; j += 2) {
            s0 += x[xi + j] * y[yi + j];
            s1 += x[xi + j + 1] * y[yi + j + 1];
        }
        return s0 + s1;
    }

    /** x[0..n) replaced by its softmax (the largest logit subtracted first). */
    private static void softmax(float[] x, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[i]);
        }
        float sum = 0;
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.exp(x[i] - max);
            sum += x[i];
        }
        for (int i = 0; i < n; i++) {
            x[i] /= sum;
        }
    }
}
