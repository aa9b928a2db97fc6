package dev.streamrec.model.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API kernels give the plain Java ones' sums (to float rounding, the order differs), for
 * head widths that are and are not a multiple of the vector length and for P from 0 to past the
 * unrolled groups; and their e^x against {@code Math.exp}. The tests run with the module
 * ({@code surefire.argLine}); without it only the plain kernels exist and these are skipped.
 */
class AttentionKernelsTest {

    private static final float TOLERANCE = 2e-5f;

    @ParameterizedTest
    @CsvSource({"64, 0", "64, 1", "64, 7", "64, 199", "50, 3", "50, 49", "32, 13", "8, 5"})
    void vectorKernelsComputeThePlainOnesSums(int dh, int p) {
        assumeTrue(AttentionKernels.VECTOR_API, "the JVM was started without jdk.incubator.vector");
        Random r = new Random(dh * 1000L + p);
        int heads = 2;
        int d = heads * dh;
        int half = dh / 2;
        int rowsInTable = 300;
        float[] keys = random(r, rowsInTable * d, 0.3f);
        float[] values = random(r, rowsInTable * d, 1f);
        float[] q = random(r, 3 * d, 1f);
        float[] cos = random(r, (p + 1) * half, 1f);
        float[] sin = random(r, (p + 1) * half, 1f);
        int[] rows = new int[p];
        for (int i = 0; i < p; i++) {
            rows[i] = r.nextInt(rowsInTable) * d;
        }
        AttentionKernels plain = new ScalarAttentionKernels();
        AttentionKernels simd = new VectorAttentionKernels();
        int qh = d + dh; // the second head of the second row
        float[] a = new float[p + 1];
        float[] b = new float[p + 1];
        plain.dots(q, qh, keys, rows, p, dh, dh, 8f, a);
        simd.dots(q, qh, keys, rows, p, dh, dh, 8f, b);
        assertClose(a, b, "dots");
        plain.rotatedDots(q, qh, keys, rows, p, dh, half, cos, sin, 8f, a);
        simd.rotatedDots(q, qh, keys, rows, p, dh, half, cos, sin, 8f, b);
        assertClose(a, b, "rotated dots");
        a[p] = 0.5f;
        b[p] = 0.5f;
        plain.softmax(a, p + 1);
        simd.softmax(b, p + 1);
        assertClose(a, b, "softmax");
        float[] outA = random(new Random(5), 3 * d, 1f);
        float[] outB = outA.clone();
        plain.weigh(a, values, rows, p, dh, dh, outA, qh);
        simd.weigh(a, values, rows, p, dh, dh, outB, qh);
        assertClose(outA, outB, "weighted values");
    }

    /**
     * Over keys and values held as halves (every finite half, in rows scattered over the table),
     * each implementation gives bit for bit what it gives over their floats: the widening is exact
     * and the sums are taken in the same order.
     */
    @ParameterizedTest
    @CsvSource({"64, 199", "64, 3", "40, 50", "8, 7"})
    void halfKernelsGiveTheFloatKernelsSumsOverTheSameValues(int dh, int p) {
        Random r = new Random(dh * 31L + p);
        int d = 2 * dh;
        short[] finite = new short[0x10000 - 2 * 1024]; // every half but the 2048 infinities and NaNs
        int n = 0;
        for (int h = 0; h < 0x10000; h++) {
            if (Half.isFinite((short) h)) {
                finite[n++] = (short) h;
            }
        }
        int tableRows = finite.length / d + 1;
        short[] keys = new short[tableRows * d];
        short[] values = new short[tableRows * d];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = finite[i % finite.length];
            values[i] = finite[(i * 7 + 3) % finite.length];
        }
        float[] keyFloats = new float[keys.length];
        float[] valueFloats = new float[values.length];
        for (int i = 0; i < keys.length; i++) {
            keyFloats[i] = Half.toFloat(keys[i]);
            valueFloats[i] = Half.toFloat(values[i]);
        }
        for (AttentionKernels kernels : implementations()) {
            for (int trial = 0; trial < 40; trial++) {
                int[] rows = new int[p];
                for (int i = 0; i < p; i++) {
                    rows[i] = r.nextInt(tableRows) * d;
                }
                float[] q = random(r, 2 * d, 1f);
                float[] expected = new float[p];
                float[] actual = new float[p];
                kernels.dots(q, d + dh, keyFloats, rows, p, dh, dh, 4f, expected);
                kernels.dotsHalf(q, d + dh, keys, rows, p, dh, dh, 4f, actual);
                assertArrayEquals(expected, actual, kernels.description() + " dots, trial " + trial);
                float[] weights = random(r, p, 1f);
                float[] outExpected = random(new Random(trial), 2 * d, 1f);
                float[] outActual = outExpected.clone();
                kernels.weigh(weights, valueFloats, rows, p, 0, dh, outExpected, d);
                kernels.weighHalf(weights, values, rows, p, 0, dh, outActual, d);
                assertArrayEquals(outExpected, outActual, kernels.description() + " weighted values, trial " + trial);
            }
        }
    }

    /** Both find one infinity or NaN anywhere among finite halves, in the vectors and in the rest after them. */
    @Test
    void bothFindAHalfThatIsNotFinite() {
        for (AttentionKernels kernels : implementations()) {
            for (int n : new int[] {0, 1, 31, 64, 77}) {
                short[] halves = new short[n];
                for (int i = 0; i < n; i++) {
                    halves[i] = (short) (i * 997 % 0x7c00 | (i % 2 == 0 ? 0 : 0x8000)); // finite, either sign
                }
                assertTrue(kernels.allFinite(halves), kernels.description() + ", " + n + " finite halves");
                for (int at = 0; at < n; at += 5) {
                    for (int special : new int[] {0x7c00, 0xfc00, 0x7e00, 0xffff}) {
                        short[] bad = halves.clone();
                        bad[at] = (short) special;
                        assertFalse(kernels.allFinite(bad), kernels.description() + ": " + Integer.toHexString(special) + " at " + at + " of " + n);
                    }
                }
            }
        }
    }

    @Test
    void softmaxOfAnyScaleSumsToOneWithTheLargestFirst() {
        assumeTrue(AttentionKernels.VECTOR_API, "the JVM was started without jdk.incubator.vector");
        float[] x = new float[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) * 30f - 100f; // logits far apart: most exponentials underflow
        }
        float[] expected = x.clone();
        new ScalarAttentionKernels().softmax(expected, x.length);
        new VectorAttentionKernels().softmax(x, x.length);
        float sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i];
            assertEquals(expected[i], x[i], 1e-6f, "position " + i);
        }
        assertEquals(1f, sum, 1e-5f);
    }

    @Test
    void aVectorsLanesAreSummedInOneFixedTreeOrder() {
        assumeTrue(AttentionKernels.VECTOR_API, "the JVM was started without jdk.incubator.vector");
        int n = FloatVector.SPECIES_PREFERRED.length();
        Random r = new Random(3);
        for (int trial = 0; trial < 100; trial++) {
            float[] x = random(r, n, 1e4f);
            float[] tree = x.clone(); // lane i plus lane i + w, for w = n/2 down to 1: lane 0 holds the sum
            for (int w = n / 2; w >= 1; w /= 2) {
                float[] next = new float[n];
                for (int i = 0; i < n; i++) {
                    next[i] = tree[i] + tree[(i + w) % n];
                }
                tree = next;
            }
            float sum = VectorAttentionKernels.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0));
            assertEquals(Float.floatToIntBits(tree[0]), Float.floatToIntBits(sum), "bit for bit, trial " + trial);
        }
    }

    @Test
    void expOfNonPositiveIsWithinTwoUlpsOfMathExp() {
        assumeTrue(AttentionKernels.VECTOR_API, "the JVM was started without jdk.incubator.vector");
        int n = FloatVector.SPECIES_PREFERRED.length();
        float[] x = new float[n];
        float[] y = new float[n];
        double worst = 0;
        for (float start = -90f; start <= 0f; start += 0.01f * n) {
            for (int i = 0; i < n; i++) {
                x[i] = Math.min(0f, start + 0.01f * i);
            }
            VectorAttentionKernels.expOfNonPositive(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).intoArray(y, 0);
            for (int i = 0; i < n; i++) {
                double exact = Math.exp(Math.max(x[i], -87f));
                worst = Math.max(worst, Math.abs(y[i] - exact) / Math.ulp((float) exact));
            }
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulps");
    }

    /** The plain kernels, and the vector ones where the JVM has the module. */
    private static List<AttentionKernels> implementations() {
        List<AttentionKernels> all = new ArrayList<>(List.of(new ScalarAttentionKernels()));
        if (AttentionKernels.VECTOR_API) {
            all.add(new VectorAttentionKernels());
        }
        return all;
    }

    private static float[] random(Random r, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (r.nextFloat() - 0.5f) * 2 * scale;
        }
        return x;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            float tolerance = TOLERANCE * Math.max(1f, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tolerance, what + " at " + i);
        }
    }
}
