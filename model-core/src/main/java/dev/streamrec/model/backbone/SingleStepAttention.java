package dev.streamrec.model.backbone;

/**
 * The attention of one new position over a user's cached positions, on the JVM, for
 * {@link SasRecStepper}'s step of one item: per head, the scaled dot products of the new query
 * with the P cached keys and the new key, their softmax, and the weighted sum of the values. It
 * reads every cached row once where it lies, in the user's ring: with one query per user, this is
 * cheaper than gathering the batch's caches into tensors (a copy of every cached row, and native
 * calls whose overhead a single query does not amortise), and the cost grows with P only by the
 * dot products and weighted sums themselves, which run in {@link AttentionKernels#best}: SIMD with
 * the Vector API where the JVM has it, plain Java otherwise.
 *
 * <p>The first layer's cached keys and values depend on the item alone and come from per-item
 * tables (unrotated keys); a key there is rotated by its offset from the new position on the fly,
 * in the dot product (for a pair (a, b) of a head at angle φ: cos φ·(q_a·k_a + q_b·k_b) +
 * sin φ·(q_b·k_a − q_a·k_b)); the new query is at offset 0. The layers above cache keys already
 * rotated at their absolute positions, and {@link #rotate} turns the new query and key to theirs.
 * The angles are those of {@link RotaryEmbedding} (θ in double, cos and sin rounded to float). A
 * float16 cache's rings are read as halves, widened in the kernels.
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
    private final AttentionKernels kernels;

    SingleStepAttention(int dim, int heads, int slots, float[] firstKeys, float[] firstValues) {
        this.dim = dim;
        this.heads = heads;
        this.dh = dim / heads;
        this.half = dh / 2;
        this.scale = (float) Math.sqrt(dh);
        this.firstKeys = firstKeys;
        this.firstValues = firstValues;
        this.theta = RotaryEmbedding.frequencies(dh);
        this.kernels = AttentionKernels.best();
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

    /** The kernels the attention runs in ({@link AttentionKernels#best}). */
    String kernels() {
        return kernels.description();
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
            kernels.rotatedDots(q, qh, firstKeys, cached, p, hd, half, offsetCos, offsetSin, scale, logits);
            attendNew(logits, p, q, k, v, qh, out);
            kernels.weigh(logits, firstValues, cached, p, hd, dh, out, qh);
        }
    }

    /**
     * A layer above the first: as {@link #attendFirst}, with the i-th oldest position's key and
     * value rows at {@code cached[i]} in {@code cache}'s rings of cached layer {@code upper} (keys
     * rotated at their positions); q and k must already be rotated to the new position. A float16
     * cache is read as it is held, its halves widened where they are loaded (the same sums as over
     * their floats); one that holds a half that is not finite, through its widened rings.
     */
    void attendUpper(int[] cached, KeyValueCache cache, int upper, float[] q, float[] k, float[] v, int at, float[] out,
            float[] logits) {
        int p = cached.length;
        boolean halves = cache.halves() && cache.allFinite();
        float[] keys = halves ? null : cache.keyRing(upper);
        float[] values = halves ? null : cache.valueRing(upper);
        for (int h = 0; h < heads; h++) {
            int qh = at + h * dh;
            int hd = h * dh;
            if (halves) {
                kernels.dotsHalf(q, qh, cache.halfKeyRing(upper), cached, p, hd, dh, scale, logits);
            } else {
                kernels.dots(q, qh, keys, cached, p, hd, dh, scale, logits);
            }
            attendNew(logits, p, q, k, v, qh, out);
            if (halves) {
                kernels.weighHalf(logits, cache.halfValueRing(upper), cached, p, hd, dh, out, qh);
            } else {
                kernels.weigh(logits, values, cached, p, hd, dh, out, qh);
            }
        }
    }

    /**
     * With the cached positions' logits in logits[0..p): adds the new position's own, takes the
     * softmax (the weights, in place) and writes the new position's weighted value of the head at
     * qh to out[qh..qh+dh), to which the caller adds the cached positions' ({@code weigh}).
     */
    private void attendNew(float[] logits, int p, float[] q, float[] k, float[] v, int qh, float[] out) {
        logits[p] = dot(q, qh, k, qh) / scale;
        kernels.softmax(logits, p + 1);
        float own = logits[p];
        for (int j = 0; j < dh; j++) {
            out[qh + j] = own * v[qh + j];
        }
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
}
