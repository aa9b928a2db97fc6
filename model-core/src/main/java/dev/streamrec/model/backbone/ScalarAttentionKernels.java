package dev.streamrec.model.backbone;

/**
 * {@link AttentionKernels} in plain Java, for a JVM without the Vector API: the dot products taken
 * four positions at a time (four independent sums, which a CPU overlaps; JDK 17 does not vectorise
 * float sums by itself), and the weighted sum four value rows per pass over the output. Keys and
 * values held as halves are widened into floats first, then summed as floats.
 */
final class ScalarAttentionKernels implements AttentionKernels {

    @Override
    public String description() {
        return "plain Java";
    }

    @Override
    public void dots(float[] q, int qh, float[] keys, int[] rows, int p, int hd, int dh, float scale, float[] logits) {
        int i = 0;
        for (; i + 3 < p; i += 4) {
            int k0 = rows[i] + hd;
            int k1 = rows[i + 1] + hd;
            int k2 = rows[i + 2] + hd;
            int k3 = rows[i + 3] + hd;
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
            int k0 = rows[i] + hd;
            float s0 = 0;
            for (int j = 0; j < dh; j++) {
                s0 += q[qh + j] * keys[k0 + j];
            }
            logits[i] = s0 / scale;
        }
    }

    @Override
    public void rotatedDots(float[] q, int qh, float[] keys, int[] rows, int p, int hd, int half, float[] cos, float[] sin,
            float scale, float[] logits) {
        int i = 0;
        for (; i + 3 < p; i += 4) {
            int a0 = (p - i) * half;
            int a1 = a0 - half;
            int a2 = a1 - half;
            int a3 = a2 - half;
            int k0 = rows[i] + hd;
            int k1 = rows[i + 1] + hd;
            int k2 = rows[i + 2] + hd;
            int k3 = rows[i + 3] + hd;
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            for (int j = 0; j < half; j++) {
                float qa = q[qh + j];
                float qb = q[qh + half + j];
                s0 += rotatedDot(qa, qb, cos[a0 + j], sin[a0 + j], keys[k0 + j], keys[k0 + half + j]);
                s1 += rotatedDot(qa, qb, cos[a1 + j], sin[a1 + j], keys[k1 + j], keys[k1 + half + j]);
                s2 += rotatedDot(qa, qb, cos[a2 + j], sin[a2 + j], keys[k2 + j], keys[k2 + half + j]);
                s3 += rotatedDot(qa, qb, cos[a3 + j], sin[a3 + j], keys[k3 + j], keys[k3 + half + j]);
            }
            logits[i] = s0 / scale;
            logits[i + 1] = s1 / scale;
            logits[i + 2] = s2 / scale;
            logits[i + 3] = s3 / scale;
        }
        for (; i < p; i++) {
            int a0 = (p - i) * half;
            int k0 = rows[i] + hd;
            float s0 = 0;
            for (int j = 0; j < half; j++) {
                s0 += rotatedDot(q[qh + j], q[qh + half + j], cos[a0 + j], sin[a0 + j], keys[k0 + j], keys[k0 + half + j]);
            }
            logits[i] = s0 / scale;
        }
    }

    @Override
    public void weigh(float[] weights, float[] values, int[] rows, int p, int hd, int dh, float[] out, int o) {
        int i = 0;
        for (; i + 3 < p; i += 4) {
            float w0 = weights[i];
            float w1 = weights[i + 1];
            float w2 = weights[i + 2];
            float w3 = weights[i + 3];
            int y0 = rows[i] + hd;
            int y1 = rows[i + 1] + hd;
            int y2 = rows[i + 2] + hd;
            int y3 = rows[i + 3] + hd;
            for (int j = 0; j < dh; j++) {
                out[o + j] += w0 * values[y0 + j] + w1 * values[y1 + j] + w2 * values[y2 + j] + w3 * values[y3 + j];
            }
        }
        for (; i < p; i++) {
            float w = weights[i];
            int yi = rows[i] + hd;
            for (int j = 0; j < dh; j++) {
                out[o + j] += w * values[yi + j];
            }
        }
    }

    @Override
    public void softmax(float[] x, int n) {
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

    /** One pair's share of q · (k rotated by φ): cos φ·(q_a·k_a + q_b·k_b) + sin φ·(q_b·k_a − q_a·k_b). */
    private static float rotatedDot(float qa, float qb, float c, float s, float ka, float kb) {
        return c * (qa * ka + qb * kb) + s * (qb * ka - qa * kb);
    }

    @Override
    public void dotsHalf(float[] q, int qh, short[] keys, int[] rows, int p, int hd, int dh, float scale, float[] logits) {
        dots(q, qh, widened(keys, rows, p, hd, dh), packed(p, dh), p, 0, dh, scale, logits);
    }

    @Override
    public void weighHalf(float[] weights, short[] values, int[] rows, int p, int hd, int dh, float[] out, int o) {
        weigh(weights, widened(values, rows, p, hd, dh), packed(p, dh), p, 0, dh, out, o);
    }

    @Override
    public boolean allFinite(short[] halves) {
        for (short h : halves) {
            if (!Half.isFinite(h)) {
                return false;
            }
        }
        return true;
    }

    /** The head's dh halves of each of the p rows, as floats, one row after the other. */
    private static float[] widened(short[] halves, int[] rows, int p, int hd, int dh) {
        float[] out = new float[p * dh];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < dh; j++) {
                out[i * dh + j] = Half.toFloat(halves[rows[i] + hd + j]);
            }
        }
        return out;
    }

    /** The rows of {@link #widened}'s output: 0, dh, 2·dh, ... */
    private static int[] packed(int p, int dh) {
        int[] rows = new int[p];
        for (int i = 0; i < p; i++) {
            rows[i] = i * dh;
        }
        return rows;
    }
}
