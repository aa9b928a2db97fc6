package dev.streamrec.model.backbone;

import java.util.ArrayList;
import java.util.List;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AttentionKernels} with the JDK's Vector API: each dot product a sum of fused multiply-adds
 * over the CPU's widest float vectors, reduced once per position, and the weighted sum of the values
 * accumulated in vector registers, one chunk of the head at a time over every cached row. A head
 * width that is not a multiple of the vector length ends in plain Java. Loaded only in a JVM started
 * with {@code --add-modules jdk.incubator.vector} ({@link AttentionKernels#best}).
 */
final class VectorAttentionKernels implements AttentionKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** For {@link #sum}: lane i to i + w (mod the length), for w = length/2, length/4, ..., 1. */
    private static final List<VectorShuffle<Float>> HALVINGS = halvings();
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145752f; // ln 2 = LN2_HI + LN2_LO, LN2_HI with 11 low bits zero
    private static final float LN2_LO = 1.42860677e-6f;
    private static final float ROUNDER = 12582912f; // 1.5·2^23: t + it rounds t to an integer, kept in the low bits
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

    @Override
    public String description() {
        return "Vector API, " + SPECIES.vectorBitSize() + "-bit";
    }

    @Override
    public void dots(float[] q, int qh, float[] keys, int[] rows, int p, int hd, int dh, float scale, float[] logits) {
        int n = SPECIES.length();
        int bound = SPECIES.loopBound(dh);
        int i = 0;
        for (; i + 3 < p; i += 4) { // four positions share each load of the query
            int k0 = rows[i] + hd;
            int k1 = rows[i + 1] + hd;
            int k2 = rows[i + 2] + hd;
            int k3 = rows[i + 3] + hd;
            FloatVector s0 = FloatVector.zero(SPECIES);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int j = 0; j < bound; j += n) {
                FloatVector x = FloatVector.fromArray(SPECIES, q, qh + j);
                s0 = x.fma(FloatVector.fromArray(SPECIES, keys, k0 + j), s0);
                s1 = x.fma(FloatVector.fromArray(SPECIES, keys, k1 + j), s1);
                s2 = x.fma(FloatVector.fromArray(SPECIES, keys, k2 + j), s2);
                s3 = x.fma(FloatVector.fromArray(SPECIES, keys, k3 + j), s3);
            }
            logits[i] = (sum(s0) + tail(q, qh, keys, k0, bound, dh)) / scale;
            logits[i + 1] = (sum(s1) + tail(q, qh, keys, k1, bound, dh)) / scale;
            logits[i + 2] = (sum(s2) + tail(q, qh, keys, k2, bound, dh)) / scale;
            logits[i + 3] = (sum(s3) + tail(q, qh, keys, k3, bound, dh)) / scale;
        }
        for (; i < p; i++) {
            int k = rows[i] + hd;
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int j = 0; j < bound; j += n) {
                acc = FloatVector.fromArray(SPECIES, q, qh + j).fma(FloatVector.fromArray(SPECIES, keys, k + j), acc);
            }
            logits[i] = (sum(acc) + tail(q, qh, keys, k, bound, dh)) / scale;
        }
    }

    /** Σ_{from <= j < to} q[qh+j]·keys[k+j]: the part of a dot product past the last whole vector. */
    private static float tail(float[] q, int qh, float[] keys, int k, int from, int to) {
        float s = 0;
        for (int j = from; j < to; j++) {
            s += q[qh + j] * keys[k + j];
        }
        return s;
    }

    @Override
    public void rotatedDots(float[] q, int qh, float[] keys, int[] rows, int p, int hd, int half, float[] cos, float[] sin,
            float scale, float[] logits) {
        int n = SPECIES.length();
        int bound = SPECIES.loopBound(half);
        for (int i = 0; i < p; i++) {
            int a = (p - i) * half;
            int k = rows[i] + hd;
            FloatVector acc = FloatVector.zero(SPECIES);
            int j = 0;
            for (; j < bound; j += n) {
                FloatVector qa = FloatVector.fromArray(SPECIES, q, qh + j);
                FloatVector qb = FloatVector.fromArray(SPECIES, q, qh + half + j);
                FloatVector ka = FloatVector.fromArray(SPECIES, keys, k + j);
                FloatVector kb = FloatVector.fromArray(SPECIES, keys, k + half + j);
                FloatVector along = qa.fma(ka, qb.mul(kb)); // q_a·k_a + q_b·k_b
                FloatVector across = qb.fma(ka, qa.mul(kb).neg()); // q_b·k_a − q_a·k_b
                acc = FloatVector.fromArray(SPECIES, cos, a + j).fma(along, acc);
                acc = FloatVector.fromArray(SPECIES, sin, a + j).fma(across, acc);
            }
            float s = sum(acc);
            for (; j < half; j++) {
                float qa = q[qh + j];
                float qb = q[qh + half + j];
                float ka = keys[k + j];
                float kb = keys[k + half + j];
                s += cos[a + j] * (qa * ka + qb * kb) + sin[a + j] * (qb * ka - qa * kb);
            }
            logits[i] = s / scale;
        }
    }

    @Override
    public void weigh(float[] weights, float[] values, int[] rows, int p, int hd, int dh, float[] out, int o) {
        int n = SPECIES.length();
        int bound = SPECIES.loopBound(dh);
        int i = 0;
        for (; i + 3 < p; i += 4) { // four rows per pass over the output
            FloatVector w0 = FloatVector.broadcast(SPECIES, weights[i]);
            FloatVector w1 = FloatVector.broadcast(SPECIES, weights[i + 1]);
            FloatVector w2 = FloatVector.broadcast(SPECIES, weights[i + 2]);
            FloatVector w3 = FloatVector.broadcast(SPECIES, weights[i + 3]);
            int y0 = rows[i] + hd;
            int y1 = rows[i + 1] + hd;
            int y2 = rows[i + 2] + hd;
            int y3 = rows[i + 3] + hd;
            for (int j = 0; j < bound; j += n) {
                FloatVector a = FloatVector.fromArray(SPECIES, values, y0 + j).fma(w0, FloatVector.fromArray(SPECIES, out, o + j));
                FloatVector b = FloatVector.fromArray(SPECIES, values, y1 + j).mul(w1);
                a = FloatVector.fromArray(SPECIES, values, y2 + j).fma(w2, a);
                b = FloatVector.fromArray(SPECIES, values, y3 + j).fma(w3, b);
                a.add(b).intoArray(out, o + j);
            }
            for (int j = bound; j < dh; j++) {
                out[o + j] += weights[i] * values[y0 + j] + weights[i + 1] * values[y1 + j] + weights[i + 2] * values[y2 + j]
                        + weights[i + 3] * values[y3 + j];
            }
        }
        for (; i < p; i++) {
            float w = weights[i];
            int y = rows[i] + hd;
            for (int j = 0; j < dh; j++) {
                out[o + j] += w * values[y + j];
            }
        }
    }

    @Override
    public void softmax(float[] x, int n) {
        int w = SPECIES.length();
        int bound = SPECIES.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        int i = 0;
        for (; i < bound; i += w) {
            max = Math.max(max, FloatVector.fromArray(SPECIES, x, i).reduceLanes(VectorOperators.MAX));
        }
        for (; i < n; i++) {
            max = Math.max(max, x[i]);
        }
        float total = 0;
        for (i = 0; i < bound; i += w) {
            FloatVector e = expOfNonPositive(FloatVector.fromArray(SPECIES, x, i).sub(max));
            e.intoArray(x, i);
            total += sum(e);
        }
        for (; i < n; i++) {
            x[i] = (float) Math.exp(x[i] - max);
            total += x[i];
        }
        float inverse = 1f / total;
        for (i = 0; i < bound; i += w) {
            FloatVector.fromArray(SPECIES, x, i).mul(inverse).intoArray(x, i);
        }
        for (; i < n; i++) {
            x[i] *= inverse;
        }
    }

    /**
     * e^x lane by lane for x <= 0, to about one float ulp: x = n·ln 2 + r with |r| <= ln 2 / 2 (n
     * rounded by adding 1.5·2^23; ln 2 in two parts, after Cody and Waite), e^r by its Taylor
     * polynomial of degree 7 (remainder below 1e-8 relative), 2^n put into the exponent bits.
     * Inputs below -87 give e^-87 (1.6e-38: nothing next to a softmax's largest term, 1). The JDK's
     * {@code VectorOperators.EXP} is not compiled to SIMD code on JDK 17 (measured: about the speed of
     * {@code Math.exp} per lane).
     */
    static FloatVector expOfNonPositive(FloatVector x) {
        FloatVector v = x.max(-87f);
        FloatVector shifted = v.mul(LOG2E).add(ROUNDER); // round(x·log2 e) in the low mantissa bits
        FloatVector n = shifted.sub(ROUNDER);
        FloatVector r = v.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector p = r.fma(1f / 5040, 1f / 720);
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 0.5f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1f));
        p = p.fma(r, FloatVector.broadcast(SPECIES, 1f));
        IntVector bits = shifted.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /**
     * The sum of a vector's lanes in one fixed order (a tree of lane-wise additions of rotated
     * copies). Not {@code reduceLanes(ADD)}, whose order is unspecified and differs between the JIT's
     * SIMD code and the interpreter's lane-by-lane fallback: the same input could give scores a float
     * rounding apart, which a float16 cache can then turn into a visible difference.
     */
    static float sum(FloatVector v) {
        FloatVector s = v;
        for (VectorShuffle<Float> rotation : HALVINGS) {
            s = s.add(s.rearrange(rotation));
        }
        return s.lane(0);
    }

    private static List<VectorShuffle<Float>> halvings() {
        List<VectorShuffle<Float>> out = new ArrayList<>();
        int n = SPECIES.length();
        for (int w = n / 2; w >= 1; w /= 2) {
            int by = w;
            out.add(VectorShuffle.fromOp(SPECIES, i -> (i + by) % n));
        }
        return List.copyOf(out);
    }
}
