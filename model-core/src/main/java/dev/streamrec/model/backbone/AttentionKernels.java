package dev.streamrec.model.backbone;

/**
 * The inner loops of {@link SingleStepAttention}, over one head of one user's cached positions:
 * the new query's scaled dot products with the cached keys (plain, or with each key rotated by its
 * offset from the new position), their softmax, and the values' weighted sum. Two implementations compute the
 * same sums in different orders: {@link ScalarAttentionKernels} in plain Java, and
 * {@link VectorAttentionKernels} with the JDK's Vector API (SIMD), which exists only in a JVM
 * started with {@code --add-modules jdk.incubator.vector} (an incubator module in JDK 17).
 * {@link #best} picks the vector one where it can.
 */
interface AttentionKernels {

    /**
     * logits[i] = q[qh..qh+dh) · keys[rows[i]+hd ..+dh) / scale, for i < {@code p}.
     */
    void dots(float[] q, int qh, float[] keys, int[] rows, int p, int hd, int dh, float scale, float[] logits);

    /**
     * logits[i] = q[qh..qh+2·half) · (keys[rows[i]+hd ..+2·half) rotated by offset p - i) / scale, for
     * i < {@code p}: for each pair (a, b) = (k, half + k) of the head, cos φ·(q_a·k_a + q_b·k_b) +
     * sin φ·(q_b·k_a − q_a·k_b), with cos φ and sin φ of offset o at {@code cos[o·half + k]} and
     * {@code sin[o·half + k]}.
     */
    void rotatedDots(float[] q, int qh, float[] keys, int[] rows, int p, int hd, int half, float[] cos, float[] sin,
            float scale, float[] logits);

    /** out[o..o+dh) += Σ_{i < p} weights[i]·values[rows[i]+hd ..+dh). */
    void weigh(float[] weights, float[] values, int[] rows, int p, int hd, int dh, float[] out, int o);

    /**
     * {@link #dots} over keys held as halves (a float16 cache's ring), all finite: the same sums,
     * bit for bit, as {@link #dots} over their floats ({@link Half#toFloat}).
     */
    void dotsHalf(float[] q, int qh, short[] keys, int[] rows, int p, int hd, int dh, float scale, float[] logits);

    /** {@link #weigh} over values held as halves, all finite: the same sums, bit for bit, as over their floats. */
    void weighHalf(float[] weights, short[] values, int[] rows, int p, int hd, int dh, float[] out, int o);

    /** Whether every half of {@code halves} is finite (not infinity or NaN): what the half kernels require. */
    boolean allFinite(short[] halves);

    /** x[0..n) replaced by its softmax (the largest value subtracted first). */
    void softmax(float[] x, int n);

    /** Which kernels these are, for a benchmark's header. */
    String description();

    /** The Vector API kernels where the JVM has the module, the plain Java ones otherwise. */
    static AttentionKernels best() {
        return VECTOR_API ? new VectorAttentionKernels() : new ScalarAttentionKernels();
    }

    /** Whether this JVM resolved {@code jdk.incubator.vector} (started with {@code --add-modules}). */
    boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
}
