package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class CorrelationLossesTest {

    private static final float TOLERANCE = 1e-5f;

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void shouldMaskPaddingAndTheDiagonal() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pairs = HolisticCorrelationLoss.pairMask(m.create(new float[] {0, 1, 1}, new Shape(1, 3)));
            assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 0, 1, 0}, pairs.toFloatArray(), TOLERANCE);
        }
    }

    @Test
    void shouldComputeCosineMatrix() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 0, 1, 1, 0, 0}, new Shape(1, 3, 2));
            float r = (float) (1 / Math.sqrt(2));
            assertArrayEquals(new float[] {1, r, 0, r, 1, 0, 0, 0, 0},
                    HolisticCorrelationLoss.cosineMatrix(x).toFloatArray(), TOLERANCE);
        }
    }

    @Test
    void shouldMatchHandComputedHolisticLosses() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two items, one off-diagonal pair counted twice (i,j) and (j,i)
            NDArray pairs = m.create(new float[] {0, 1, 1, 0}, new Shape(1, 2, 2));
            NDArray teacher = m.create(new float[] {1, 0.5f, 0.5f, 1}, new Shape(1, 2, 2));
            NDArray student = m.create(new float[] {1, -0.5f, -0.5f, 1}, new Shape(1, 2, 2));
            float tau = 1.5f;
            double d = sigmoid(0.5 / tau) - sigmoid(-0.5 / tau);
            assertEquals(d * d, HolisticCorrelationLoss.sigmoidMse(student, teacher, pairs, tau).getFloat(), TOLERANCE);
            double l2 = Math.sqrt(2 * Math.pow(1.0 / tau, 2) + 1e-8);
            assertEquals(l2, HolisticCorrelationLoss.maskedL2(student, teacher, pairs, tau).getFloat(), TOLERANCE);
        }
    }

    @Test
    void shouldAssignCodesLikeTheCodebookAndMatchHandComputedCrossEntropy() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two items, D = 2 chunks of 2 dims, already chunk-normalised
            float[] a = {1, 0, 0, 1};
            float[] b = {1, 0, 1, 0};
            float[][] centroids = {{1, 1}, {1, 0}, {0, 0}};
            CorrelationCodebook book = new CorrelationCodebook(centroids);
            NDArray chunks = m.create(new float[][] {a, b}).reshape(1, 2, 2, 2);
            long[] codes = DissectedCorrelationLoss.codes(chunks, m.create(centroids)).toLongArray();
            long[] expected = {
                book.assign(CorrelationCodebook.relation(a, a, 2)), book.assign(CorrelationCodebook.relation(a, b, 2)),
                book.assign(CorrelationCodebook.relation(b, a, 2)), book.assign(CorrelationCodebook.relation(b, b, 2))
            };
            assertArrayEquals(expected, codes);
            assertArrayEquals(new long[] {0, 1, 1, 0}, codes);
            // logits (1, 2, 2, 3): only pair (0,1) counted, logits (0, ln 3, 0) and code 1 -> p = 3/5
            float ln3 = (float) Math.log(3);
            NDArray logits = m.create(new float[] {0, 0, 0, 0, ln3, 0, 0, 0, 0, 0, 0, 0}, new Shape(1, 2, 2, 3));
            NDArray pairs = m.create(new float[] {0, 1, 0, 0}, new Shape(1, 2, 2));
            NDArray target = m.create(codes, new Shape(1, 2, 2));
            assertEquals(-Math.log(3.0 / 5), DissectedCorrelationLoss.loss(logits, target, pairs).getFloat(), TOLERANCE);
        }
    }
}
