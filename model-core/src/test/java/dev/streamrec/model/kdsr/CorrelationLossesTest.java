package dev.streamrec.model.kdsr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
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

    @Test
    void shouldMatchTheAllPairsLossWhenEveryPairIsListed() {
        try (NDManager m = NDManager.newBaseManager()) {
            // items 1..5 (row 0 = padding) with D = 2 chunks of 2 dims, chunk-normalised
            float[][] features = {{0, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 0}, {0, 1, 0, 1}, {0.6f, 0.8f, 1, 0},
                {0.8f, 0.6f, 0.6f, 0.8f}};
            NDArray table = m.create(features);
            NDArray centroids = m.create(new float[][] {{1, 1}, {1, 0}, {0, 1}, {0, 0}});
            // the logits of a pair depend on its items only: a fixed table (6, 6, K = 4)
            Random r = new Random(7);
            float[] pairLogits = new float[6 * 6 * 4];
            for (int i = 0; i < pairLogits.length; i++) {
                pairLogits[i] = (float) r.nextGaussian();
            }
            NDArray logitTable = m.create(pairLogits, new Shape(36, 4));
            long[] ids = {0, 1, 2, 3, 4, 5, 0, 0}; // (2, 4): 3 + 2 real items, 6 + 2 pairs
            NDArray idArray = m.create(ids, new Shape(2, 4));

            NDArray chunks = table.get(idArray.flatten()).reshape(2, 4, 2, 2);
            NDArray denseCodes = DissectedCorrelationLoss.codes(chunks, centroids); // (2, 4, 4)
            NDArray pairIndex = idArray.expandDims(2).mul(6).add(idArray.expandDims(1)); // (2, 4, 4): i * 6 + j
            NDArray denseLogits = logitTable.get(pairIndex.flatten()).reshape(2, 4, 4, 4);
            NDArray mask = HolisticCorrelationLoss.pairMask(idArray.neq(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
            float dense = DissectedCorrelationLoss.loss(denseLogits, denseCodes, mask).getFloat();

            CorrelationPairs all = CorrelationPairs.all(ids, 2, 4);
            NDArray left = m.create(all.left());
            NDArray right = m.create(all.right());
            NDArray codes = DissectedCorrelationLoss.pairCodes(table.get(left).reshape(-1, 2, 2),
                    table.get(right).reshape(-1, 2, 2), centroids);
            NDArray logits = logitTable.get(left.mul(6).add(right));
            float listed = DissectedCorrelationLoss.pairLoss(logits, codes, m.create(all.weights())).getFloat();
            assertEquals(dense, listed, TOLERANCE);

            // by hand for the codes: items 1 and 2 agree on chunk 0 only (s = (1, 0)): code 1
            assertEquals(1L, codes.getLong(0));
        }
    }
}
