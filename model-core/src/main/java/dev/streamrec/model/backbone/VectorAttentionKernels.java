package dev.streamrec.model.backbone;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AttentionKernels} with the JDK's Vector API: each dot product a sum of fused multiply-adds
 * over the CPU's widest float vectors, one position at a time, reduced once per position in a fixed
 * order ({@link #sum}); the weighted sum of the values accumulated in a vector register, one chunk
 * of the head at a time over every cached row. Keys and values held as halves are widened to floats
 * where they are loaded (exactly; the same sums as over their floats). A head width that is not a
 * multiple of the vector length ends in plain Java. Loaded only in a JVM started with
 * {@code --add-modules jdk.incubator.vector} ({@link AttentionKernels#best}).
 */
final class VectorAttentionKernels implements AttentionKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /**
     * Halves as many as SPECIES has floats (half its bits), and ints of its shape: to widen halves
     * to floats where they are loaded. A half's bits, sign-extended to an int, shifted up by 13 and
     * masked (sign, exponent and mantissa in a float's places) are a float of the half's value
     * times 2^-112; times 2^112 that is the half's value, exactly (a half's exponent and mantissa
     * fit a float's; a subnormal half comes out a normal float). Finite halves only: an infinity
     * or NaN comes out finite ({@link KeyValueCache#allFinite} keeps those away). Written out in
     * each loop rather than as a method, so that the JIT never leaves it a call that boxes vectors.
     */
    private static final VectorSpecies<Short> HALF_SPECIES = VectorSpecies.of(short.class,
            VectorShape.forBitSize(SPECIES.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> INT_SPECIES = VectorSpecies.of(int.class, SPECIES.vectorShape());
    private static final int LANES = SPECIES.length();
    private static final VectorShuffle<Float> BY_8 = rotation(8);
    private static final VectorShuffle<Float> BY_4 = rotation(4);
    private static final VectorShuffle<Float> BY_2 = rotation(2);
    private static final VectorShuffle<Float> BY_1 = rotation(1);
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
        for (int i = 0; i < p; i++) {
            int k = rows[i] + hd;
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int j = 0; j < bound; j += n) {
                acc = FloatVector.fromArray(SPECIES, q, qh + j).fma(FloatVector.fromArray(SPECIES, keys, k + j), acc);
            }
            logits[i] = (sum(acc) + tail(q, qh, keys, k, bound, dh)) / scale;
        }
    }

    @Override
    public void dotsHalf(float[] q, int qh, short[] keys, int[] rows, int p, int hd, int dh, float scale, float[] logits) {
        int n = SPECIES.length();
        int bound = SPECIES.loopBound(dh);
        for (int i = 0; i < p; i++) { // as dots, each key widened where it is loaded
            int k = rows[i] + hd;
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int j = 0; j < bound; j += n) {
                IntVector bits = (IntVector) ShortVector.fromArray(HALF_SPECIES, keys, k + j)
                        .convertShape(VectorOperators.S2I, INT_SPECIES, 0); // widened: see HALF_SPECIES
                FloatVector key = bits.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
                acc = FloatVector.fromArray(SPECIES, q, qh + j).fma(key, acc);
            }
            float tail = 0;
            for (int j = bound; j < dh; j++) {
                tail += q[qh + j] * Half.toFloat(keys[k + j]);
            }
            logits[i] = (sum(acc) + tail) / scale;
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
        for (int j = 0; j < bound; j += n) { // one chunk of the head at a time, accumulated over every row
            FloatVector acc = FloatVector.fromArray(SPECIES, out, o + j);
            for (int i = 0; i < p; i++) {
                acc = FloatVector.fromArray(SPECIES, values, rows[i] + hd + j).fma(FloatVector.broadcast(SPECIES, weights[i]), acc);
            }
            acc.intoArray(out, o + j);
        }
        for (int j = bound; j < dh; j++) {
            for (int i = 0; i < p; i++) {
                out[o + j] += weights[i] * values[rows[i] + hd + j];
            }
        }
    }

    @Override
    public void weighHalf(float[] weights, short[] values, int[] rows, int p, int hd, int dh, float[] out, int o) {
        int n = SPECIES.length();
        int bound = SPECIES.loopBound(dh);
        for (int j = 0; j < bound; j += n) { // as weigh, each value widened where it is loaded
            FloatVector acc = FloatVector.fromArray(SPECIES, out, o + j);
            for (int i = 0; i < p; i++) {
                IntVector bits = (IntVector) ShortVector.fromArray(HALF_SPECIES, values, rows[i] + hd + j)
                        .convertShape(VectorOperators.S2I, INT_SPECIES, 0);
                FloatVector value = bits.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
                acc = value.fma(FloatVector.broadcast(SPECIES, weights[i]), acc);
            }
            acc.intoArray(out, o + j);
        }
        for (int j = bound; j < dh; j++) {
            for (int i = 0; i < p; i++) {
                out[o + j] += weights[i] * Half.toFloat(values[rows[i] + hd + j]);
            }
        }
    }

    @Override
    public boolean allFinite(short[] halves) {
        VectorSpecies<Short> species = ShortVector.SPECIES_PREFERRED;
        int bound = species.loopBound(halves.length);
        VectorMask<Short> exponentAllOnes = species.maskAll(false);
        int i = 0;
        for (; i < bound; i += species.length()) {
            exponentAllOnes = exponentAllOnes.or(ShortVector.fromArray(species, halves, i).and((short) 0x7c00).eq((short) 0x7c00));
        }
        boolean finite = !exponentAllOnes.anyTrue();
        for (; i < halves.length; i++) {
            finite &= Half.isFinite(halves[i]);
        }
        return finite;
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
     * copies: lane i plus lane i + w for w = LANES/2 down to 1, lane 0 holding the sum). Not
     * {@code reduceLanes(ADD)}, whose order is unspecified and differs between the JIT's SIMD code
     * and the interpreter's lane-by-lane fallback: the same input could give scores a float
     * rounding apart, which a float16 cache can then turn into a visible difference. Each rotation
     * is its own constant, which the JIT folds (a loop over a list of them was measured several
     * times slower).
     */
    static float sum(FloatVector v) {
        FloatVector s = v;
        if (LANES >= 16) {
            s = s.add(s.rearrange(BY_8));
        }
        if (LANES >= 8) {
            s = s.add(s.rearrange(BY_4));
        }
        if (LANES >= 4) {
            s = s.add(s.rearrange(BY_2));
        }
        if (LANES >= 2) {
            s = s.add(s.rearrange(BY_1));
        }
        return s.lane(0);
    }

    /** Lane i to lane i + by (mod the length): for {@link #sum}. */
    private static VectorShuffle<Float> rotation(int by) {
        return VectorShuffle.fromOp(SPECIES, i -> (i + by) % LANES);
    }
}
